// `lockscope bench --suite readpath`: the headline comparison on this
// machine. For each lock: the uncontended rdlock+rdunlock cost, then
// read-only aggregate throughput at every thread count from 1 to the number
// of CPUs this process may use, as ratios to `graph` at one thread. The
// figures carry lockscope's bench targets; `checks` says how they came out.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace lockscope::engine::bench {

struct ReadpathOptions {
  std::vector<std::string> locks;        // empty: every bench lock
  std::uint64_t duration_ms = 300;       // per throughput point
  std::uint64_t iterations = 5'000'000;  // per uncontended round
  int rounds = 5;                        // uncontended: best of
  unsigned max_threads = 0;              // 0: the number of allowed CPUs
};

struct ReadpathRow {
  std::string lock;
  double uncontended_ns = 0;
  std::vector<double> ops_per_sec;  // index i: i + 1 threads
  std::uint64_t violations = 0;
  std::string note;
};

struct ReadpathCheck {
  std::string target;   // what the project asks for
  std::string measured; // what this run saw
  bool met = false;
};

struct ReadpathReport {
  unsigned cpus = 0;
  std::vector<ReadpathRow> rows;
  std::vector<ReadpathCheck> checks;
};

// `progress` is called before each measurement with a short description.
ReadpathReport run_readpath_suite(const ReadpathOptions& options,
                                  const std::function<void(const std::string&)>& progress);

void print_readpath(std::FILE* out, const ReadpathReport& report);
std::string readpath_json(const ReadpathReport& report);

}  // namespace lockscope::engine::bench
