// Running many replays, each in a child process of its own (SimGrid allows
// one simulation per process), `jobs` at a time: what a sweep and the
// explorer share. The parent only starts children, polls their summary
// pipes and hands each result back in the order they finish.
//
// SIGINT and SIGTERM while a pool runs kill its children, then the
// signal's default action ends the process: Ctrl-C never leaves orphaned
// simulations running.
#pragma once

#include <cstddef>
#include <functional>

#include "engine/replay/replay_result.hpp"

namespace lockscope::engine::replay {

// The most children a pool runs at once.
inline constexpr unsigned kMaxPoolJobs = 1024;

struct PoolCallbacks {
  // The replay run `i` does, called in the child.
  std::function<ReplayResult(std::size_t i)> run;
  // Who run `i` is (lock, machine, cores, seed), for the error of a child
  // that could not start or died.
  std::function<ReplayResult(std::size_t i)> identity;
  // Run `i` finished, called in the parent, in the order runs finish.
  std::function<void(std::size_t i, const ReplayResult&)> finished;
  // About once a second while runs go on, for elapsed-time progress (may be empty).
  std::function<void()> tick;
};

// Runs `order[0]`, `order[1]`, ... (run indices), at most `jobs` at a time
// (clamped to 1..kMaxPoolJobs).
void run_pool(const std::vector<std::size_t>& order, unsigned jobs, const PoolCallbacks& callbacks);

}  // namespace lockscope::engine::replay
