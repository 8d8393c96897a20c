// The microbenchmarks of a published synchronization study, written directly
// against the simulator (run_simulation, SimWorld, SimAtomic), so that their
// figures can be set beside the published ones (`lockscope study`).
//
//   bounce      ccbench: core `from` writes a line (it is Modified there),
//               then core `to` performs one operation on it; the latency of
//               that operation, averaged over rounds that never overlap
//               (each round gets a slot of simulated time of its own).
//   contended   libslock's atomic benchmark: `threads` workers on cores
//               0, 1, ..., each doing the operation on ONE shared line in a
//               loop with no work between; completed operations per
//               simulated second after a warm-up.
//
// SimGrid allows one simulation per process, so each call forks a child
// that runs the simulation and sends its figures back through a pipe; the
// caller's process never starts SimGrid and may call again.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "engine/machine/machine.hpp"

namespace lockscope::engine::study {

// The operations of the study's Table 2 and atomic benchmark.
enum class Op : std::uint8_t { load, store, cas, fai };
std::string_view to_string(Op op);

struct BounceOptions {
  unsigned rounds = 50;
  double slot_ns = 20'000;  // one round; far longer than any transfer
};

// The mean latency, in ns, of `op` by core `to` on a line Modified in core
// `from`. Preconditions: from != to, both < m.cores(). The error says why a
// child failed.
std::expected<double, std::string> bounce_latency_ns(const machine::Machine& m, unsigned from, unsigned to, Op op,
                                                     const BounceOptions& options = {});

struct ContendedOptions {
  double duration_ns = 100'000;  // measured, after the warm-up
  double warmup_ns = 10'000;     // first fills and the queue forming; not counted
};

struct ContendedResult {
  std::uint64_t ops = 0;     // operations completed inside the measured window
  double ops_per_sec = 0;    // per simulated second
};

// Precondition: 1 <= threads <= m.cores().
std::expected<ContendedResult, std::string> contended_throughput(const machine::Machine& m, unsigned threads, Op op,
                                                                 const ContendedOptions& options = {});

}  // namespace lockscope::engine::study
