// Measured timelines, as `lockscope record --timeline` writes them: one
// worker per thread (its core is the thread's index modulo the CPUs, not a
// CPU it ran on), states running / waiting to read / reading / waiting to
// write / writing, each span naming its lock, and no lines, transfers or
// upgrades (nothing measured them).
//
// measured_timeline(): small and hand-built, with known waits per lock.
//   locks: 0 "cache_lock (rwlock)", 1 "stats_lock (mutex)"
//   thread 101 (core 0): running [0,1000) waiting_read L0 [1000,1500) reading L0 [1500,3000) running [3000,10000)
//   thread 102 (core 1): running [0,2000) waiting_write L0 [2000,3000) writing L0 [3000,4000) running [4000,5000)
//                        waiting_write L1 [5000,5200) writing L1 [5200,6000) running [6000,10000)
//   thread 103 (core 0): running [0,500) reading L0 [500,2500) running [2500,5500)
//                        waiting_write L1 [5500,6000) writing L1 [6000,6500) running [6500,10000)
//   cache_lock: reads 2 (waits 500, 0), writes 1 (wait 1000); stats_lock: writes 2 (waits 200, 500).
// replay_timeline(): a simulated replay of the same program against `graph`
// (two locks, three cachelines with transfers), for compare tests.
// measured_example(): a larger deterministic recording-like run for the
// docs picture (lockscope_gui_synthetic --measured).
#pragma once

#include <algorithm>
#include <cstdint>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "traces/timeline.hpp"

namespace lockscope::gui::testing {

inline traces::Timeline measured_timeline() {
  using S = traces::WorkerState;
  constexpr std::uint32_t kNone = traces::kNoLock;
  traces::Timeline t;
  t.source = traces::TimelineSource::measured;
  t.lock = "recorded";
  t.machine = "this machine (2 CPUs), measured";
  t.cores = 2;
  t.origin = "rwlock_cache";
  t.end_time = 10000;
  t.locks = {{"cache_lock (rwlock)"}, {"stats_lock (mutex)"}};
  t.workers.push_back({"thread 101 (main)",
                       0,
                       {{0, 1000, S::running, kNone},
                        {1000, 1500, S::waiting_read, 0},
                        {1500, 3000, S::reading, 0},
                        {3000, 10000, S::running, kNone}}});
  t.workers.push_back({"thread 102",
                       1,
                       {{0, 2000, S::running, kNone},
                        {2000, 3000, S::waiting_write, 0},
                        {3000, 4000, S::writing, 0},
                        {4000, 5000, S::running, kNone},
                        {5000, 5200, S::waiting_write, 1},
                        {5200, 6000, S::writing, 1},
                        {6000, 10000, S::running, kNone}}});
  t.workers.push_back({"thread 103",
                       0,
                       {{0, 500, S::running, kNone},
                        {500, 2500, S::reading, 0},
                        {2500, 5500, S::running, kNone},
                        {5500, 6000, S::waiting_write, 1},
                        {6000, 6500, S::writing, 1},
                        {6500, 10000, S::running, kNone}}});
  t.counters = {{"readers_inside", {{0, 0}, {500, 1}, {1500, 2}, {2500, 1}, {3000, 0}}},
                {"writers_waiting", {{0, 0}, {2000, 1}, {3000, 0}, {5000, 1}, {5200, 0}, {5500, 1}, {6000, 0}}}};
  return t;
}

inline traces::Timeline replay_timeline() {
  using S = traces::WorkerState;
  using K = traces::TransferKind;
  constexpr std::uint32_t kNone = traces::kNoLock;
  traces::Timeline t;
  t.lock = "graph";
  t.machine = "epyc-64";
  t.cores = 3;
  t.origin = "rwlock_cache.workload";
  t.end_time = 6000;
  t.locks = {{"cache_lock (rwlock as graph)"}, {"stats_lock (mutex)"}};
  t.workers.push_back({"worker 0 (ctx 0)", 0,
                       {{0, 1000, S::running, kNone}, {1000, 1100, S::waiting_read, 0}, {1100, 2000, S::reading, 0},
                        {2000, 6000, S::running, kNone}}});
  t.workers.push_back({"worker 1 (ctx 1)", 1,
                       {{0, 2000, S::running, kNone}, {2000, 2400, S::draining, 0}, {2400, 3000, S::writing, 0},
                        {3000, 4000, S::running, kNone}, {4000, 4100, S::waiting_write, 1},
                        {4100, 4500, S::writing, 1}, {4500, 6000, S::running, kNone}}});
  t.workers.push_back({"worker 2 (ctx 2)", 2,
                       {{0, 500, S::running, kNone}, {500, 1500, S::reading, 0}, {1500, 6000, S::running, kNone}}});
  t.lines = {{"graph.ctx[0].readers"}, {"graph.has_writer"}, {"mutex#1"}};
  t.transfers = {{100, 200, 0, -1, 0, K::fill},
                 {2000, 2100, 1, -1, 1, K::fill},
                 {2100, 2200, 0, 0, 1, K::read_share},
                 {4000, 4100, 2, -1, 1, K::fill}};
  return t;
}

// A read-mostly cache behind one rwlock, with a statistics mutex taken after
// each update: `threads` threads for about `length_us` microseconds. The
// lock is FIFO (a request is granted after every earlier one that conflicts
// with it), which is near enough to glibc's for a picture. Deterministic.
inline traces::Timeline measured_example(unsigned threads = 6, std::uint64_t length_us = 300) {
  using S = traces::WorkerState;
  constexpr std::uint32_t kNone = traces::kNoLock;
  constexpr std::uint64_t kNs = 1000;  // ps
  std::mt19937_64 rng(7);
  const auto uniform = [&rng](std::uint64_t lo, std::uint64_t hi) { return lo + rng() % (hi - lo + 1); };
  traces::Timeline t;
  t.source = traces::TimelineSource::measured;
  t.lock = "recorded";
  t.machine = "this machine (2 CPUs), measured";
  t.cores = 2;
  t.origin = "examples/rwlock_cache 6";
  t.locks = {{"cache_lock (rwlock)"}, {"stats_lock (mutex)"}};
  std::vector<traces::TimelineWorker> workers(threads);
  struct Request {
    std::uint64_t at;
    unsigned thread;
    bool operator>(const Request& o) const { return at != o.at ? at > o.at : thread > o.thread; }
  };
  std::priority_queue<Request, std::vector<Request>, std::greater<>> queue;
  std::vector<std::uint64_t> now(threads, 0);
  for (unsigned i = 0; i < threads; ++i) {
    workers[i].name = "thread " + std::to_string(4100 + i) + (i == 0 ? " (main)" : "");
    workers[i].core = i % t.cores;
    now[i] = uniform(1, 6) * 1000 * kNs;  // 1-6 us
    workers[i].spans.push_back({0, now[i], S::running, kNone});
    queue.push({now[i], i});
  }
  std::uint64_t writer_end = 0;   // the latest granted write's release
  std::uint64_t readers_end = 0;  // the latest granted read's release
  std::uint64_t mutex_end = 0;
  const std::uint64_t stop = length_us * 1000 * kNs;
  const auto span = [&](unsigned i, std::uint64_t until, S state, std::uint32_t lock) {
    if (until > now[i]) workers[i].spans.push_back({now[i], until, state, lock});
    now[i] = std::max(now[i], until);
  };
  while (!queue.empty()) {
    const unsigned i = queue.top().thread;
    queue.pop();
    if (now[i] >= stop) continue;
    if (rng() % 100 < 8) {  // an update: write the cache, then count it under the mutex
      const std::uint64_t granted = std::max({now[i], writer_end, readers_end});
      span(i, granted, S::waiting_write, 0);
      writer_end = granted + uniform(3000, 8000) * kNs;
      span(i, writer_end, S::writing, 0);
      const std::uint64_t m = std::max(now[i], mutex_end);
      span(i, m, S::waiting_write, 1);
      mutex_end = m + uniform(200, 600) * kNs;
      span(i, mutex_end, S::writing, 1);
    } else {  // a lookup
      const std::uint64_t granted = std::max(now[i], writer_end);
      span(i, granted, S::waiting_read, 0);
      const std::uint64_t end = granted + uniform(800, 2500) * kNs;
      readers_end = std::max(readers_end, end);
      span(i, end, S::reading, 0);
    }
    span(i, now[i] + uniform(1000, 9000) * kNs, S::running, kNone);
    queue.push({now[i], i});
  }
  for (unsigned i = 0; i < threads; ++i) t.end_time = std::max(t.end_time, now[i]);
  for (unsigned i = 0; i < threads; ++i) span(i, t.end_time, S::running, kNone);
  t.workers = std::move(workers);
  return t;
}

}  // namespace lockscope::gui::testing
