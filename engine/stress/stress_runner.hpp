// run_stress<L>(): the soak test of one lock on real threads.
//
// Each of cfg.threads workers is a thread that loops for its share of
// cfg.ops operations, picking each from cfg.mix with its own seeded
// generator: reads, writes, try-locks (when the lock has them), and, when
// the lock counts readers per context, readers that migrate between
// contexts, readers whose context is unregistered while they are inside
// (orphaned), and context churn. Every critical section runs StressData's
// checks (exclusion and data integrity) before and after a random hold.
//
// Contexts: worker w owns three context ids, 1 + 3w .. 3 + 3w (context 0 is
// the runner's), two of them registered at any time: `current`, where it
// runs, and `other`, where it migrates to; `spare` is unregistered. Only w
// ever runs in its contexts, as the locks require (a context is run by one
// thread at a time). A migrating read locks in `current`, moves to `other`
// (they swap) and unlocks there. An orphaned read locks in `current`,
// registers `spare`, moves there and unregisters the context it locked in,
// then unlocks in the new one: the lock must keep counting it meanwhile.
// Context churn does the same without a reader inside.
//
// Memory: a fixed tally per worker, nothing per operation, so any count up
// to 2^64 - 1 runs in constant memory. Progress: workers publish their
// count every kPublishEvery operations; the calling thread reports it
// through hooks.progress and watches for a stall.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>
#include <vector>

#include "engine/bench/fast_rng.hpp"
#include "engine/bench/locks/table_slots.hpp"
#include "engine/platform/real_platform.hpp"
#include "engine/stress/stress_config.hpp"
#include "engine/stress/stress_data.hpp"
#include "engine/stress/stress_lock.hpp"

namespace lockscope::engine::stress {

struct StressHooks {
  // Called on the calling thread about every progress_every while the run
  // goes on: operations done so far, seconds since the start.
  std::function<void(std::uint64_t done, double elapsed_sec)> progress;
  std::chrono::milliseconds progress_every{1000};
};

namespace detail {

using Clock = std::chrono::steady_clock;
inline constexpr ContextId kContextsPerWorker = 3;
inline constexpr std::uint64_t kPublishEvery = 256;

inline ContextId max_contexts(unsigned threads) { return 1 + kContextsPerWorker * threads; }

struct alignas(64) WorkerTally {
  std::array<std::uint64_t, kOpKinds> ops{};
  std::array<std::uint64_t, kViolationKinds> violations{};
  std::atomic<std::uint64_t> done{0};  // published every kPublishEvery operations
};

// Cumulative thresholds over [0, 1000) for the lock's capabilities.
struct Thresholds {
  unsigned write, try_write, try_read, migrating, orphaned, churn;
};

template <StressLock L>
Thresholds thresholds(const OpMix& m) {
  constexpr bool ctx = kUsesContexts<L>;
  constexpr bool tries = kUsesTryLocks<L>;
  // Without try-locks a try-write is a write, so the write share stays.
  unsigned t = std::min(1000U, m.write + (tries ? 0 : m.try_write));
  Thresholds th{};
  th.write = t;
  th.try_write = t = std::min(1000U, t + (tries ? m.try_write : 0));
  th.try_read = t = std::min(1000U, t + (tries ? m.try_read : 0));
  th.migrating = t = std::min(1000U, t + (ctx ? m.migrating_read : 0));
  th.orphaned = t = std::min(1000U, t + (ctx ? m.orphaned_read : 0));
  th.churn = std::min(1000U, t + (ctx ? m.context_churn : 0));
  return th;
}

template <StressLock L>
class Worker {
 public:
  Worker(L& lock, StressData& data, const StressConfig& cfg, unsigned w, WorkerTally& tally)
      : lock_(lock), data_(data), cfg_(cfg), w_(w), rng_(cfg.seed * 1'000'003 + w),
        hold_rng_(~(cfg.seed * 1'000'003 + w)), tally_(tally),
        th_(thresholds<L>(cfg.mix)) {
    for (ContextId i = 0; i < kContextsPerWorker; ++i) ids_[i] = 1 + kContextsPerWorker * w + i;
  }

  // On the worker's thread, before the start line / after the loop.
  void enter() {
    lock_.enter(session_, w_);
    if constexpr (kUsesContexts<L>) {
      lock_.register_context(ids_[current_]);
      lock_.register_context(ids_[other_]);
      L::set_context(ids_[current_]);
    }
  }
  void leave() {
    if constexpr (kUsesContexts<L>) {
      L::set_context(0);
      lock_.unregister_context(ids_[current_]);
      lock_.unregister_context(ids_[other_]);
    }
    lock_.leave(session_);
  }

  void run(std::uint64_t quota) {
    for (std::uint64_t n = 0; n < quota; ++n) {
      one_op();
      // relaxed: a progress count; the join orders the final tally.
      if ((n + 1) % kPublishEvery == 0) tally_.done.store(n + 1, std::memory_order_relaxed);
    }
    tally_.done.store(quota, std::memory_order_relaxed);  // relaxed: as above
  }

 private:
  using Session = typename L::Session;

  void one_op() {
    const unsigned r = rng_.below(1000);
    if (r < th_.write) return write();
    if constexpr (kUsesTryLocks<L>) {
      if (r < th_.try_write) return try_write();
      if (r < th_.try_read) return try_read();
    }
    if constexpr (kUsesContexts<L>) {
      if (r < th_.migrating) return migrating_read();
      if (r < th_.orphaned) return orphaned_read();
      if (r < th_.churn) return churn();
    }
    read();
  }

  void count(OpKind k) { ++tally_.ops[static_cast<std::size_t>(k)]; }
  void violation(ViolationKind k) { ++tally_.violations[static_cast<std::size_t>(k)]; }

  void hold() {
    const unsigned spins = hold_rng_.below(cfg_.max_hold_spins + 1);
    for (unsigned i = 0; i < spins; ++i) platform::RealPlatform::cpu_relax();
  }

  // The checks of a read section. RCU readers overlap writers by design.
  void check_read() {
    if constexpr (L::kReadersExcluded) {
      const ReadCheck c = data_.check_read();
      if (c.writer_inside) violation(ViolationKind::reader_saw_writer);
      if (c.torn) violation(ViolationKind::torn_read);
    }
  }
  void begin_read() {
    if constexpr (L::kReadersExcluded) data_.enter_read(w_);
    check_read();
  }
  void end_read() {
    check_read();
    if constexpr (L::kReadersExcluded) data_.leave_read(w_);
  }
  void read_body() {
    begin_read();
    hold();
    end_read();
  }
  void write_body() {
    const WriteCheck c = data_.write(w_, [this] { hold(); });
    if (c.other_writer) violation(ViolationKind::writer_saw_writer);
    if (c.reader_inside && L::kReadersExcluded) violation(ViolationKind::writer_saw_reader);
    if (c.torn) violation(ViolationKind::torn_write);
  }

  void read() {
    lock_.lock_shared(session_);
    read_body();
    lock_.unlock_shared(session_);
    count(OpKind::read);
  }
  void write() {
    lock_.lock(session_);
    write_body();
    lock_.unlock(session_);
    count(OpKind::write);
  }
  void try_read() {
    if constexpr (kUsesTryLocks<L>) {
      if (!lock_.try_lock_shared(session_)) return count(OpKind::try_read_failed);
      read_body();
      lock_.unlock_shared(session_);
      count(OpKind::try_read_ok);
    }
  }
  void try_write() {
    if constexpr (kUsesTryLocks<L>) {
      if (!lock_.try_lock(session_)) return count(OpKind::try_write_failed);
      write_body();
      lock_.unlock(session_);
      count(OpKind::try_write_ok);
    }
  }

  // Lock in `current`, unlock in `other`; they swap.
  void migrating_read() {
    if constexpr (kUsesContexts<L>) {
      lock_.lock_shared(session_);
      begin_read();
      hold();
      std::swap(current_, other_);
      L::set_context(ids_[current_]);
      check_read();
      hold();
      end_read();
      lock_.unlock_shared(session_);
      count(OpKind::migrating_read);
    }
  }

  // Registers `spare`, moves there and unregisters the context we ran in;
  // that context becomes the spare.
  void move_to_spare() {
    if constexpr (kUsesContexts<L>) {
      const ContextId left = ids_[current_];
      lock_.register_context(ids_[spare_]);
      std::swap(current_, spare_);
      L::set_context(ids_[current_]);
      lock_.unregister_context(left);
    }
  }

  // A reader inside while the context it locked in is unregistered.
  void orphaned_read() {
    lock_.lock_shared(session_);
    begin_read();
    move_to_spare();
    check_read();
    hold();
    end_read();
    lock_.unlock_shared(session_);
    count(OpKind::orphaned_read);
  }

  void churn() {
    move_to_spare();
    count(OpKind::context_churn);
  }

  L& lock_;
  StressData& data_;
  const StressConfig& cfg_;
  unsigned w_;
  // Two streams: the operations depend on the seed alone, whatever the
  // schedule does to try-locks (a failed one holds nothing).
  bench::FastRng rng_;
  bench::FastRng hold_rng_;
  WorkerTally& tally_;
  Thresholds th_;
  Session session_{};
  std::array<ContextId, kContextsPerWorker> ids_{};
  unsigned current_ = 0;
  unsigned other_ = 1;
  unsigned spare_ = 2;
};

inline double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace detail

template <StressLock L>
StressResult run_stress(const StressConfig& cfg, const StressHooks& hooks = {}) {
  using detail::Clock;
  const unsigned threads = std::max(cfg.threads, 1U);
  L lock = bench::make_run_lock<L>(detail::max_contexts(threads), cfg.table_slots);
  // Every thread starts in context 0 (the runner included): registered
  // first, as docs/using-the-locks.md asks.
  if constexpr (kUsesContexts<L>) lock.register_context(0);
  StressData data(threads);
  std::vector<detail::WorkerTally> tallies(threads);
  std::atomic<unsigned> ready{0};
  std::atomic<bool> go{false};

  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) {
    const std::uint64_t quota = cfg.ops / threads + (i < cfg.ops % threads ? 1 : 0);
    workers.emplace_back([&, i, quota] {
      platform::RealPlatform::set_current_worker(i);  // 0 .. n-1 in every run
      detail::Worker<L> worker(lock, data, cfg, i, tallies[i]);
      worker.enter();
      ready.fetch_add(1, std::memory_order_release);  // pairs with the acquire spin below
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();  // pairs with the release below
      worker.run(quota);
      worker.leave();
    });
  }
  while (ready.load(std::memory_order_acquire) != threads) std::this_thread::yield();
  const auto start = Clock::now();
  go.store(true, std::memory_order_release);

  // Watch: progress, and a run that stops moving (a deadlock or a lost
  // wake-up) ends the process, since its threads cannot be taken back.
  auto done = [&] {
    std::uint64_t n = 0;
    // relaxed: a progress count.
    for (const auto& t : tallies) n += t.done.load(std::memory_order_relaxed);
    return n;
  };
  std::uint64_t last_done = 0;
  auto last_move = start;
  auto last_report = start;
  while (done() != cfg.ops) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto now = Clock::now();
    const std::uint64_t n = done();
    if (n != last_done) {
      last_done = n;
      last_move = now;
    } else if (cfg.stall_seconds != 0 && now - last_move > std::chrono::seconds(cfg.stall_seconds)) {
      std::fprintf(stderr,
                   "lockscope: stress: %s: no operation finished in %u s (%llu of %llu done): "
                   "a deadlock or a lost wake-up\n",
                   cfg.lock.c_str(), cfg.stall_seconds, static_cast<unsigned long long>(n),
                   static_cast<unsigned long long>(cfg.ops));
      std::fflush(stderr);
      std::_Exit(4);
    }
    if (hooks.progress && now - last_report >= hooks.progress_every) {
      last_report = now;
      hooks.progress(n, detail::seconds_since(start));
    }
  }
  for (auto& t : workers) t.join();

  StressResult r;
  r.elapsed_sec = detail::seconds_since(start);
  if constexpr (kUsesContexts<L>) lock.unregister_context(0);
  r.config = cfg;
  r.config.threads = threads;
  r.contexts = kUsesContexts<L>;
  r.try_locks = kUsesTryLocks<L>;
  r.readers_checked = L::kReadersExcluded;
  for (const auto& t : tallies) {
    for (std::size_t k = 0; k < kOpKinds; ++k) r.ops[k] += t.ops[k];
    for (std::size_t k = 0; k < kViolationKinds; ++k) r.violations[k] += t.violations[k];
  }
  return r;
}

}  // namespace lockscope::engine::stress
