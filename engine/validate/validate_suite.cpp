#include "engine/validate/validate_suite.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/bench/lock_registry.hpp"
#include "engine/replay/replay.hpp"

namespace lockscope::engine::validate {

std::string ValidateCase::name() const {
  return fmt::format("{} t{} w{} cs{} th{}", lock, threads, write_permille, cs_ns, think_ns);
}

std::vector<std::string> locks_in_both_worlds() {
  std::vector<std::string> both;
  const auto sim = replay::sim_lock_names();
  for (const bench::LockEntry& e : bench::bench_locks()) {
    if (!e.broken && std::ranges::find(sim, e.name) != sim.end()) both.emplace_back(e.name);
  }
  return both;
}

std::vector<unsigned> thread_counts(unsigned max_threads) {
  std::vector<unsigned> counts;
  for (unsigned t = 1; t < max_threads; t *= 2) counts.push_back(t);
  counts.push_back(std::max(max_threads, 1U));
  return counts;
}

std::vector<std::string> quick_locks(const std::vector<std::string>& both) {
  const bool has_pair = std::ranges::find(both, "graph") != both.end() &&
                        std::ranges::find(both, "central") != both.end();
  if (has_pair) return {"graph", "central"};
  return {both.begin(), both.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(both.size(), 2))};
}

std::vector<ValidateCase> validate_suite(const SuiteOptions& options) {
  const std::vector<std::string> both = locks_in_both_worlds();
  std::vector<std::string> locks = options.locks;
  if (locks.empty()) locks = options.quick ? quick_locks(both) : both;
  std::vector<unsigned> writes(std::begin(kWritePermilles), std::end(kWritePermilles));
  std::vector<std::uint64_t> cs(std::begin(kCsNs), std::end(kCsNs));
  const std::vector<std::uint64_t> think(std::begin(kThinkNs), std::end(kThinkNs));
  if (options.quick) {
    writes = {0, 100};
    cs = {0};
  }
  std::vector<ValidateCase> cases;
  for (const std::string& lock : locks) {
    for (const unsigned w : writes) {
      for (const std::uint64_t c : cs) {
        for (const std::uint64_t t : think) {
          for (const unsigned n : thread_counts(options.max_threads)) {
            cases.push_back({lock, n, w, c, t});
          }
        }
      }
    }
  }
  return cases;
}

}  // namespace lockscope::engine::validate
