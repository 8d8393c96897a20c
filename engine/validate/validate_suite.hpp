// The cases `lockscope validate` runs: every lock that runs in both worlds
// (a bench lock the simulator also knows), at every thread count this
// machine can pin (1, 2, 4, ... and the CPU count), read-only and with 1%
// and 10% writes, critical sections of 0 and 100 ns, think times of 0 and
// 200 ns. `--quick` keeps a small corner of that grid: two locks, read-only
// and 10% writes, no critical section, think 0 and 200 ns.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockscope::engine::validate {

// One point of the grid: the bench loop's parameters (docs/bench.md).
struct ValidateCase {
  std::string lock;
  unsigned threads = 1;
  unsigned write_permille = 0;
  std::uint64_t cs_ns = 0;
  std::uint64_t think_ns = 0;

  // "graph t2 w100 cs0 th200": one token per parameter, no commas, so it is
  // a CSV field and a table cell as it stands.
  [[nodiscard]] std::string name() const;
  friend bool operator==(const ValidateCase&, const ValidateCase&) = default;
};

// The grid's axes, as the issue states them.
inline constexpr unsigned kWritePermilles[] = {0, 10, 100};
inline constexpr std::uint64_t kCsNs[] = {0, 100};
inline constexpr std::uint64_t kThinkNs[] = {0, 200};

struct SuiteOptions {
  bool quick = false;
  // The most threads a case may use: this machine's CPUs, and no more than
  // the simulated machine's cores (a worker per core in both worlds).
  unsigned max_threads = 1;
  // Only these locks (each must run in both worlds); empty: all of them.
  std::vector<std::string> locks;
};

// The bench registry's names that replay also knows (sim_lock_names()), in
// the bench registry's order (graph first).
[[nodiscard]] std::vector<std::string> locks_in_both_worlds();

// 1, 2, 4, ... below max_threads, then max_threads itself (at least {1}).
[[nodiscard]] std::vector<unsigned> thread_counts(unsigned max_threads);

// The cases in run order: lock, then write mix, cs, think, threads.
// Precondition: every name in options.locks is in locks_in_both_worlds().
[[nodiscard]] std::vector<ValidateCase> validate_suite(const SuiteOptions& options);

// The locks --quick uses: graph and central (per-context counters against
// one shared counter, the contrast the project is about), or the first two
// of the list if either is missing.
[[nodiscard]] std::vector<std::string> quick_locks(const std::vector<std::string>& both);

}  // namespace lockscope::engine::validate
