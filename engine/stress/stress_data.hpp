// StressData: what a stress run protects with the lock under test, and the
// checks made inside every critical section.
//
// - words_: kWords words over two cachelines plus a checksum. A writer sets
//   every word to v + 1 (half of them, a hold, the other half) and then the
//   checksum to mix(v + 1); a reader expects every word equal and the
//   checksum to match. A reader that overlaps a writer, or two writers that
//   overlap, leave or see a torn structure: an integrity violation.
// - writers_inside_: a writer adds one on entry and expects 0 before, and
//   takes it away on exit and expects 1: two writers inside at once.
// - presence_[w]: 1 while worker w is inside a read section, on w's own
//   line. A writer scans every worker's flag: a reader inside beside it.
//
// Every access is a relaxed atomic, for the reason ExclusionChecker gives
// (engine/bench/exclusion_checker.hpp): the lock under test must supply the
// ordering and the checker must add none, and a broken lock's race stays a
// counted violation instead of undefined behaviour. Readers do no
// read-modify-write (on x86 that is a full fence, which would hide a lock
// whose reader lacks one): only relaxed loads and stores to their own line.
// Why a correct lock never trips a check: a reader's flag is raised after
// its lock_shared (acquire) and lowered before its unlock_shared (release),
// so a writer ordered after that unlock sees 0, and one ordered before the
// lock finished its scan before the flag went up. The same release/acquire
// pairs order the words.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

namespace lockscope::engine::stress {

// What one check found; several can be true at once.
struct ReadCheck {
  bool writer_inside = false;
  bool torn = false;
};
struct WriteCheck {
  bool other_writer = false;
  bool reader_inside = false;
  bool torn = false;
};

class StressData {
 public:
  static constexpr std::size_t kWords = 15;  // + the checksum: two lines

  explicit StressData(unsigned workers) : workers_(workers), presence_(std::make_unique<Presence[]>(workers)) {
    const std::uint64_t sum = checksum(0);
    checksum_.store(sum, std::memory_order_relaxed);  // relaxed: before any thread starts
  }

  // Worker w enters / leaves a read section (after lock_shared, before
  // unlock_shared).
  void enter_read(unsigned w) {
    presence_[w].reading.store(1, std::memory_order_relaxed);  // relaxed: see the header
  }
  void leave_read(unsigned w) {
    presence_[w].reading.store(0, std::memory_order_relaxed);  // relaxed: see the header
  }

  // Inside a read section.
  [[nodiscard]] ReadCheck check_read() const {
    ReadCheck c;
    // relaxed (all below): the lock under test orders these, not us.
    c.writer_inside = writers_inside_.load(std::memory_order_relaxed) != 0;
    c.torn = !consistent(nullptr);
    return c;
  }

  // A whole write section by worker w: enter, check, write half, hold, write
  // the rest, check again, leave. `hold` runs while the structure is torn.
  template <class Hold>
  [[nodiscard]] WriteCheck write(unsigned w, Hold&& hold) {
    WriteCheck c;
    // relaxed (all below): the lock under test orders these, not us.
    c.other_writer = writers_inside_.fetch_add(1, std::memory_order_relaxed) != 0;
    c.reader_inside = reader_inside_besides(w);
    std::uint64_t v = 0;
    c.torn = !consistent(&v);
    const std::uint64_t next = v + 1;
    for (std::size_t i = 0; i < kWords / 2; ++i) words_[i].store(next, std::memory_order_relaxed);
    hold();
    for (std::size_t i = kWords / 2; i < kWords; ++i) words_[i].store(next, std::memory_order_relaxed);
    checksum_.store(checksum(next), std::memory_order_relaxed);
    c.reader_inside = reader_inside_besides(w) || c.reader_inside;
    std::uint64_t after = 0;
    c.torn = !consistent(&after) || after != next || c.torn;
    c.other_writer = writers_inside_.fetch_sub(1, std::memory_order_relaxed) != 1 || c.other_writer;
    return c;
  }

  // How many writes the structure has seen (its value), for tests; only
  // meaningful when nobody is inside.
  [[nodiscard]] std::uint64_t version() const { return words_[0].load(std::memory_order_relaxed); }

 private:
  struct alignas(64) Presence {
    std::atomic<std::uint32_t> reading{0};
  };

  static std::uint64_t checksum(std::uint64_t v) {
    // splitmix64's finalizer: a torn checksum differs from every word's.
    v += 0x9E3779B97F4A7C15ULL;
    v = (v ^ (v >> 30)) * 0xBF58476D1CE4E5B9ULL;
    v = (v ^ (v >> 27)) * 0x94D049BB133111EBULL;
    return v ^ (v >> 31);
  }

  // Every word equal and the checksum theirs; the value in *value.
  bool consistent(std::uint64_t* value) const {
    // relaxed (all below): see check_read.
    const std::uint64_t v = words_[0].load(std::memory_order_relaxed);
    bool ok = true;
    for (std::size_t i = 1; i < kWords; ++i) ok = words_[i].load(std::memory_order_relaxed) == v && ok;
    ok = checksum_.load(std::memory_order_relaxed) == checksum(v) && ok;
    if (value != nullptr) *value = v;
    return ok;
  }

  bool reader_inside_besides(unsigned w) const {
    for (unsigned i = 0; i < workers_; ++i) {
      // relaxed: see the header.
      if (i != w && presence_[i].reading.load(std::memory_order_relaxed) != 0) return true;
    }
    return false;
  }

  alignas(64) std::array<std::atomic<std::uint64_t>, kWords> words_{};
  std::atomic<std::uint64_t> checksum_{0};
  alignas(64) std::atomic<int> writers_inside_{0};
  unsigned workers_;
  std::unique_ptr<Presence[]> presence_;
};

}  // namespace lockscope::engine::stress
