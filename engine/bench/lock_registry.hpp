// The locks `lockscope bench` knows, by the names users type.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "engine/bench/bench_config.hpp"
#include "engine/bench/bench_result.hpp"
#include "engine/bench/spin_delay.hpp"

namespace lockscope::engine::bench {

struct LockEntry {
  std::string_view name;
  std::string_view summary;
  bool simulated;  // written in lockimpl/, so it runs in the simulator too
  BenchResult (*run)(const BenchConfig&, const SpinDelay&);
  double (*uncontended_read_ns)(std::uint64_t iterations, int rounds);
  // Wrong on purpose, for teaching (docs/memory-ordering.md): listed as
  // BROKEN, left out of the suites, `validate` and `stress --lock all`.
  bool broken = false;
};

// Every bench lock, `graph` first (the reference the suite's ratios use).
std::span<const LockEntry> bench_locks();

// nullptr if no lock has that name.
const LockEntry* find_bench_lock(std::string_view name);

}  // namespace lockscope::engine::bench
