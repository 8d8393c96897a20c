// generate(): a Scenario into a lock-independent WorkloadTrace,
// deterministically — the same scenario (seed included) gives the same
// trace, byte for byte once written, on every platform (random.hpp).
//
// Workers. Ordinary worker w (0 .. contexts*workers_per_context-1) lives in
// context w / workers_per_context; the dedicated writers follow them and
// live in writer_context. Each worker draws from its own Rng stream (seed,
// w), so changing one worker's plan never shifts another's.
//
// Planning. A worker's "planned time" is the sum of its hold and think
// values, i.e. its time if it never waited for the lock. An ordinary worker
// starts with one think, then loops until its planned time reaches
// duration_us: [churn episode if due] acquire (write with write_permille,
// else read, migrating with migration_permille), hold, release, think. A
// dedicated writer thinks until k * writer_period_us (+ jitter), then takes
// the write lock for one write critical section, for k = 1, 2, ... while
// that arrival is before duration_us.
//
// Contexts. Initial contexts are never destroyed, so every move into one is
// safe under any interleaving. Churn event k (at k * churn.period_us, k >= 1)
// belongs to ordinary worker (k-1) mod W; worker w's churned context is the
// private id contexts + w, which no other worker ever names: it creates it,
// moves in, runs churn.sections read sections, moves home, destroys it. With
// orphan_permille the last section's read lock is taken in the private
// context and released at home after the destroy (the orphaned-reader path).
#pragma once

#include "engine/scenario/scenario.hpp"
#include "traces/workload.hpp"

#include <cstdint>

namespace lockscope::engine::scenario {

[[nodiscard]] traces::WorkloadTrace generate(const Scenario& scenario);

// The mean time of one reader iteration (think, then a read or a write
// section in the scenario's proportion), in ns: the unit of the estimates
// below and of the reader's check that workers make progress.
[[nodiscard]] double expected_iteration_ns(const Scenario& scenario);

// What generate() would roughly produce, for the reader's size limit
// (an estimate from the distributions' means, not a bound).
[[nodiscard]] double estimated_op_count(const Scenario& scenario);

// The reader rejects scenarios whose estimate is above this (16 bytes per op).
inline constexpr double kMaxEstimatedOps = 64e6;

}  // namespace lockscope::engine::scenario
