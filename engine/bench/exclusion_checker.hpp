// ExclusionChecker: the invariant a bench run checks inside every critical
// section. A writer breaks it and restores it (first_ then second_, with a
// writers-inside count of exactly one); a reader checks that it holds and
// that no writer is inside. Under a correct lock no reader or writer can ever
// see it broken, so every sighting is a mutual-exclusion violation.
//
// All accesses are relaxed atomics: the lock under test must provide the
// ordering, and the checker must not add any (or hide a broken lock). Using
// atomics keeps a broken lock's race a counted violation, not undefined
// behaviour. The data sits on its own lines, away from any lock's state.
#pragma once

#include <atomic>
#include <cstdint>

namespace lockscope::engine::bench {

class ExclusionChecker {
 public:
  // Inside a read section: true if the invariant holds.
  [[nodiscard]] bool check_read() const {
    // relaxed (all below): the lock under test orders these, not us.
    if (writers_inside_.load(std::memory_order_relaxed) != 0) return false;
    return first_.load(std::memory_order_relaxed) == second_.load(std::memory_order_relaxed);
  }

  // A whole write section's worth of breaking and restoring; true if no
  // other reader or writer was seen inside. `hold` runs while it is broken.
  template <class Hold>
  [[nodiscard]] bool write(Hold&& hold) {
    bool ok = writers_inside_.fetch_add(1, std::memory_order_relaxed) == 0;
    const std::uint64_t v = first_.load(std::memory_order_relaxed);
    ok = ok && second_.load(std::memory_order_relaxed) == v;
    first_.store(v + 1, std::memory_order_relaxed);
    hold();
    second_.store(v + 1, std::memory_order_relaxed);
    ok = ok && writers_inside_.fetch_sub(1, std::memory_order_relaxed) == 1;
    return ok;
  }

 private:
  alignas(64) std::atomic<std::uint64_t> first_{0};
  std::atomic<std::uint64_t> second_{0};
  alignas(64) std::atomic<int> writers_inside_{0};
};

}  // namespace lockscope::engine::bench
