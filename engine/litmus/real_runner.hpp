// Litmus tests on this machine's hardware: two threads pinned to two CPUs
// run a test's halves a million times (by default), meeting at a spin
// barrier before and after each run so that the halves overlap, and the
// outcomes are counted. The program is the one the simulator runs
// (program.hpp), on RealPlatform.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "engine/litmus/catalogue.hpp"
#include "engine/litmus/outcome_counts.hpp"

namespace lockscope::engine::litmus {

struct RealRun {
  OutcomeCounts counts;
  std::array<int, 2> cpus{-1, -1};  // where the threads were pinned
  bool pinned = false;              // false: the kernel refused, or one CPU only
  double seconds = 0;               // wall time of the runs
};

// Called from the calling thread once a second with the runs done so far.
using RealProgress = std::function<void(std::uint64_t done)>;

// The first two CPUs this process may use (one CPU: both threads there, and
// the outcomes are those of one core).
RealRun run_real(const LitmusTest& test, std::uint64_t runs, const RealProgress& progress = {});

}  // namespace lockscope::engine::litmus
