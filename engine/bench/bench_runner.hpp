// run_bench<L>(): the bench loop on real hardware threads.
//
// Each worker is a thread pinned to CPU (i mod #cpus) that enters the lock's
// session (worker i runs in context i), waits at a start line, then loops:
// decide read or write, acquire, check the exclusion invariant, hold for
// cs_ns, release, think for think_ns. Acquire latency is timed for every
// write and for one read in cfg.read_sample_every, so that two clock reads do
// not dominate a nanosecond read path; the sampled reads are spread evenly
// over the run. The run ends after duration_ms (checked every
// kStopCheckEvery iterations) or after `ops` acquisitions in all.
//
// uncontended_read_ns<L>() is the read path alone: one thread, no other
// worker, rdlock+rdunlock in a tight loop, the best of several rounds.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/bench/bench_config.hpp"
#include "engine/bench/bench_result.hpp"
#include "engine/bench/cpu_affinity.hpp"
#include "engine/bench/exclusion_checker.hpp"
#include "engine/bench/fast_rng.hpp"
#include "engine/bench/locks/bench_lock.hpp"
#include "engine/bench/locks/table_slots.hpp"
#include "engine/bench/spin_delay.hpp"
#include "engine/platform/real_platform.hpp"
#include "engine/stats/latency_histogram.hpp"
#include "fmt/format.h"
#include "traces/workload.hpp"

namespace lockscope::engine::bench {

inline constexpr std::uint64_t kStopCheckEvery = 64;

namespace detail {

using stats::LatencyHistogram;
using Clock = std::chrono::steady_clock;

struct alignas(64) WorkerTally {
  // Acquisitions finished, for the stall watch (written by the worker,
  // read by the watching thread); reads + writes once the worker is done.
  std::atomic<std::uint64_t> done{0};
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  std::uint64_t violations = 0;
  Clock::time_point finished;
  LatencyHistogram read_latency;
  LatencyHistogram write_latency;
  std::vector<traces::Op> recorded;  // only with BenchConfig::record
};

// Appends one acquisition, as the trace format spells it, to `ops`.
inline void record_section(std::vector<traces::Op>& ops, bool write, const BenchConfig& cfg) {
  using traces::OpKind;
  ops.push_back({write ? OpKind::write_acquire : OpKind::read_acquire});
  if (cfg.cs_ns != 0) ops.push_back({OpKind::hold, cfg.cs_ns});
  ops.push_back({write ? OpKind::write_release : OpKind::read_release});
  if (cfg.think_ns != 0) ops.push_back({OpKind::think, cfg.think_ns});
}

inline std::uint64_t elapsed_ns(Clock::time_point from, Clock::time_point to) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count());
}

// Whether the loop times its n-th acquisition when it is a read (every
// write is timed): one read in cfg.read_sample_every.
inline bool read_is_timed(const BenchConfig& cfg, std::uint64_t n) {
  return cfg.read_sample_every != 0 && n % cfg.read_sample_every == 0;
}

// One worker's loop. `quota` is this worker's share of cfg.ops (0: until stop).
template <BenchLock L>
void worker_loop(L& lock, typename L::Session& session, const BenchConfig& cfg,
                 const SpinDelay& delay, ExclusionChecker& checker,
                 const std::atomic<bool>& stop, std::uint64_t quota, std::uint64_t seed,
                 WorkerTally& tally) {
  FastRng rng(seed);
  for (std::uint64_t n = 0;; ++n) {
    if (quota != 0 ? n == quota
                   // relaxed: a stop flag; being a few iterations late is fine.
                   : (n % kStopCheckEvery == 0 && stop.load(std::memory_order_relaxed))) {
      break;
    }
    const bool write = cfg.write_permille != 0 && rng.below(1000) < cfg.write_permille;
    if (write) {
      const auto t0 = Clock::now();
      lock.lock(session);
      tally.write_latency.record(elapsed_ns(t0, Clock::now()));
      if (!checker.write([&] { delay.spin(cfg.cs_ns); })) ++tally.violations;
      lock.unlock(session);
      ++tally.writes;
    } else {
      if (read_is_timed(cfg, n)) {
        const auto t0 = Clock::now();
        lock.lock_shared(session);
        tally.read_latency.record(elapsed_ns(t0, Clock::now()));
      } else {
        lock.lock_shared(session);
      }
      if (L::kReadersExcluded && !checker.check_read()) ++tally.violations;
      delay.spin(cfg.cs_ns);
      // Again after the hold: a writer that came in meanwhile is caught too.
      if (L::kReadersExcluded && cfg.cs_ns != 0 && !checker.check_read()) ++tally.violations;
      lock.unlock_shared(session);
      ++tally.reads;
    }
    // relaxed: a progress count for the stall watch; a store to a line
    // this worker owns (its tally), as the counts above are.
    tally.done.store(n + 1, std::memory_order_relaxed);
    delay.spin(cfg.think_ns);
    if (cfg.record) record_section(tally.recorded, write, cfg);
  }
  tally.finished = Clock::now();
}

// How long a run may go without an acquisition finishing before it is
// called deadlocked (see BenchConfig::stall_seconds); zero: never.
inline Clock::duration stall_limit(const BenchConfig& cfg) {
  if (cfg.stall_seconds == 0) return Clock::duration::max();
  const auto rounds = std::chrono::nanoseconds(4 * (cfg.cs_ns + cfg.think_ns));
  return std::max<Clock::duration>(std::chrono::seconds(cfg.stall_seconds), rounds);
}

// Ends the process: threads that hold or wait for a deadlocked lock cannot
// be stopped or joined, and returning would destroy the lock under them.
[[noreturn]] inline void report_stall(const BenchConfig& cfg, std::uint64_t done, unsigned unfinished) {
  const double seconds = std::chrono::duration<double>(stall_limit(cfg)).count();
  std::fprintf(stderr,
               "lockscope: bench: %s: no acquisition finished in %.0f s (%llu done, %u of %u workers still in "
               "their loop): a deadlock or a lost wake-up\n",
               cfg.lock.c_str(), seconds, static_cast<unsigned long long>(done), unfinished, cfg.threads);
  std::fflush(stderr);
  std::_Exit(4);
}

}  // namespace detail

template <BenchLock L>
BenchResult run_bench(const BenchConfig& cfg, const SpinDelay& delay) {
  using detail::Clock;
  L lock = make_run_lock<L>(cfg.threads, cfg.table_slots);
  ExclusionChecker checker;
  const std::vector<int> cpus = allowed_cpus();
  std::vector<detail::WorkerTally> tallies(cfg.threads);
  if (cfg.record) {
    for (unsigned i = 0; i < cfg.threads; ++i) tallies[i].recorded.reserve(4 * (cfg.ops / cfg.threads + 1));
  }
  std::atomic<unsigned> ready{0};
  // Workers that left their loop; the last one wakes the watch below at
  // once, rather than at its next nap's end (validate runs ~1,500 runs of a
  // few ms each).
  unsigned finished = 0;  // guarded by finished_mutex
  std::mutex finished_mutex;
  std::condition_variable all_finished;
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};

  std::vector<std::thread> workers;
  workers.reserve(cfg.threads);
  for (unsigned i = 0; i < cfg.threads; ++i) {
    const std::uint64_t quota =
        cfg.ops == 0 ? 0 : cfg.ops / cfg.threads + (i < cfg.ops % cfg.threads ? 1 : 0);
    workers.emplace_back([&, i, quota] {
      if (cfg.pin) pin_current_thread(cpus[i % cpus.size()]);
      platform::RealPlatform::set_current_worker(i);  // 0 .. n-1 in every run
      typename L::Session session;
      lock.enter(session, i);
      ready.fetch_add(1, std::memory_order_release);  // pairs with the acquire spin below
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();  // pairs with the release below
      if (quota != 0 || cfg.ops == 0) {
        detail::worker_loop(lock, session, cfg, delay, checker, stop, quota,
                            cfg.seed * 1'000'003 + i, tallies[i]);
      } else {
        tallies[i].finished = Clock::now();
      }
      lock.leave(session);
      {
        const std::lock_guard<std::mutex> held(finished_mutex);
        ++finished;
      }
      all_finished.notify_one();
    });
  }
  while (ready.load(std::memory_order_acquire) != cfg.threads) std::this_thread::yield();
  const auto start = Clock::now();
  go.store(true, std::memory_order_release);
  // Watch: the end of a timed run, and a run that stops moving.
  const auto stop_at = start + std::chrono::milliseconds(cfg.duration_ms);
  const auto limit = detail::stall_limit(cfg);
  std::uint64_t last_done = 0;
  auto last_move = start;
  for (;;) {
    auto nap = std::chrono::milliseconds(20);
    if (cfg.ops == 0 && !stop.load(std::memory_order_relaxed)) {  // relaxed: only this thread writes it
      nap = std::min(nap, std::chrono::ceil<std::chrono::milliseconds>(stop_at - Clock::now()));
    }
    unsigned unfinished = 0;
    {
      std::unique_lock<std::mutex> held(finished_mutex);
      all_finished.wait_for(held, std::max(nap, std::chrono::milliseconds(0)),
                            [&] { return finished == cfg.threads; });
      unfinished = cfg.threads - finished;
    }
    if (unfinished == 0) break;
    const auto now = Clock::now();
    if (cfg.ops == 0 && now >= stop_at) stop.store(true, std::memory_order_relaxed);  // relaxed: see the stop check
    std::uint64_t done = 0;
    // relaxed: a progress count.
    for (const auto& t : tallies) done += t.done.load(std::memory_order_relaxed);
    if (done != last_done) {
      last_done = done;
      last_move = now;
    } else if (now - last_move > limit) {
      detail::report_stall(cfg, done, unfinished);
    }
  }
  for (auto& t : workers) t.join();

  BenchResult result;
  result.config = cfg;
  using stats::LatencyHistogram;
  result.readers_checked = L::kReadersExcluded;
  LatencyHistogram reads;
  LatencyHistogram writes;
  Clock::time_point last = start;
  for (const auto& t : tallies) {
    result.read_ops += t.reads;
    result.write_ops += t.writes;
    result.violations += t.violations;
    reads.merge(t.read_latency);
    writes.merge(t.write_latency);
    last = std::max(last, t.finished);
  }
  result.elapsed_sec = std::chrono::duration<double>(last - start).count();
  const auto total = static_cast<double>(result.read_ops + result.write_ops);
  result.ops_per_sec = result.elapsed_sec > 0 ? total / result.elapsed_sec : 0;
  result.read_latency_ns = reads.summary();
  result.write_latency_ns = writes.summary();
  if (cfg.record) {
    result.workload.initial_contexts = cfg.threads;
    result.workload.origin = fmt::format(
        "lockscope bench --lock {} --threads {} --write-permille {} --cs-ns {} --think-ns {} --ops {} --seed {}",
        cfg.lock, cfg.threads, cfg.write_permille, cfg.cs_ns, cfg.think_ns, cfg.ops, cfg.seed);
    for (unsigned i = 0; i < cfg.threads; ++i) {
      result.workload.workers.push_back({i, std::move(tallies[i].recorded)});
    }
  }
  return result;
}

namespace detail {

// The timed loop, with its bounds in locals: a lock's compiler barrier
// (asymmetric fences) clobbers memory, and bounds read through a lambda's
// captured references would be reloaded on every iteration, timing the
// harness instead of the lock.
template <BenchLock L>
[[gnu::noinline]] double time_read_path(L& lock, typename L::Session& session, std::uint64_t iterations) {
  const auto t0 = Clock::now();
  for (std::uint64_t i = 0; i < iterations; ++i) {
    lock.lock_shared(session);
    lock.unlock_shared(session);
  }
  return static_cast<double>(elapsed_ns(t0, Clock::now())) / static_cast<double>(iterations);
}

}  // namespace detail

template <BenchLock L>
double uncontended_read_ns(std::uint64_t iterations, int rounds) {
  L lock(1);
  typename L::Session session;
  double best = 0;
  std::thread runner([&] {
    platform::RealPlatform::set_current_worker(0);
    lock.enter(session, 0);
    for (int round = 0; round < rounds; ++round) {
      const double ns = detail::time_read_path(lock, session, iterations);
      best = round == 0 ? ns : std::min(best, ns);
    }
    lock.leave(session);
  });
  runner.join();
  return best;
}

}  // namespace lockscope::engine::bench
