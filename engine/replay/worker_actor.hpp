// The body of one simulated worker: runs its ops in order against the
// trace's locks, telling the recorder what state it is in.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/replay/recorder.hpp"
#include "engine/replay/replay_lock.hpp"
#include "engine/sim/sim_world.hpp"
#include "traces/workload.hpp"

namespace lockscope::engine::replay {

// State shared by every worker of one replay.
struct ReplayShared {
  std::vector<bool> context_exists;          // by context id
  std::vector<std::uint32_t> workers_in;     // by context id: workers running there now
  std::uint64_t ops_done = 0;
  std::uint64_t ops_total = 0;
  std::string error;
  std::function<void(double)> progress;
};

// A context is an event loop, and an event loop runs on one core: its
// workers (coroutines) run there, and a worker that moves to another context
// moves to that context's core. So two workers of one context never bounce
// its reader counter between cores, as in QEMU.
inline unsigned home_core(std::uint32_t ctx, unsigned cores) { return ctx % cores; }

// Scales durations by a per-worker seeded jitter factor in [1-j, 1+j].
class Jitter {
 public:
  Jitter(std::uint64_t seed, double amount) : state_(seed * 0x9E3779B97F4A7C15ULL + 1), amount_(amount) {}
  std::uint64_t apply(std::uint64_t ns) {
    if (amount_ <= 0) return ns;
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    const double u = static_cast<double>(state_ >> 11) / 9007199254740992.0;  // [0, 1)
    const double f = 1.0 - amount_ + 2.0 * amount_ * u;
    return static_cast<std::uint64_t>(static_cast<double>(ns) * f);
  }

 private:
  std::uint64_t state_;
  double amount_;
};

// The locks a worker holds, in the order it took them: after a release its
// lane shows the latest one it still holds.
class HeldLocks {
 public:
  void take(std::uint32_t lock, bool write) { held_.push_back({lock, write}); }
  void drop(std::uint32_t lock) {
    for (auto it = held_.end(); it != held_.begin();) {
      --it;
      if (it->lock == lock) {
        held_.erase(it);
        return;
      }
    }
  }
  [[nodiscard]] traces::WorkerState state() const {
    if (held_.empty()) return traces::WorkerState::running;
    return held_.back().write ? traces::WorkerState::writing : traces::WorkerState::reading;
  }
  [[nodiscard]] std::uint32_t lock() const { return held_.empty() ? traces::kNoLock : held_.back().lock; }

 private:
  struct Held {
    std::uint32_t lock;
    bool write;
  };
  std::vector<Held> held_;
};

// `locks[i]` stands for the trace's lock i.
inline void run_worker(std::span<const std::unique_ptr<ReplayLock>> locks, sim::SimWorld& world,
                       sim::SimWorker& self, const traces::WorkerPlan& plan, Recorder& recorder,
                       ReplayShared& shared, unsigned cores, Jitter jitter) {
  using traces::OpKind;
  world.attach(self);
  auto fail = [&](std::string message) {
    if (shared.error.empty()) shared.error = "worker " + std::to_string(self.id) + ": " + message;
  };
  // A thread the recorded program started late sleeps until then, off its
  // core; then it takes its turn on it (CoreScheduler: workers that share a
  // core run one at a time).
  if (plan.start_ns != 0) world.charge(plan.start_ns * 1000);
  world.join_core();
  HeldLocks held;
  for (const traces::Op& op : plan.ops) {
    if (!shared.error.empty()) break;
    switch (op.kind) {
      case OpKind::read_acquire:
        recorder.begin_acquire(self.id, false, op.lock, world.now());
        locks[op.lock]->lock_shared();
        recorder.acquired(self.id, false, op.lock, world.now());
        held.take(op.lock, false);
        break;
      // The critical section ends where the release begins: once unlock has
      // published the release, another worker may enter while this one is
      // still finishing the call (a kick, a miss on has_writer).
      case OpKind::read_release:
        held.drop(op.lock);
        recorder.released(self.id, false, op.lock, world.now(), held.state(), held.lock());
        locks[op.lock]->unlock_shared();
        break;
      case OpKind::write_acquire:
        recorder.begin_acquire(self.id, true, op.lock, world.now());
        locks[op.lock]->lock();
        recorder.acquired(self.id, true, op.lock, world.now());
        held.take(op.lock, true);
        break;
      case OpKind::write_release:
        held.drop(op.lock);
        recorder.released(self.id, true, op.lock, world.now(), held.state(), held.lock());
        locks[op.lock]->unlock();
        break;
      // The recorded program tried and went on without the lock. The replay
      // tries too (the attempt's cacheline traffic is real) and lets go at
      // once if this design gave it the lock; then it waits as long as the
      // program waited before giving up (0 for a try-lock).
      case OpKind::read_acquire_failed:
      case OpKind::write_acquire_failed: {
        const bool write = op.kind == OpKind::write_acquire_failed;
        recorder.begin_acquire(self.id, write, op.lock, world.now());
        bool got = false;
        ReplayLock& lock = *locks[op.lock];
        // A design without a try operation makes no attempt.
        (void)(write ? lock.try_lock(got) : lock.try_lock_shared(got));
        if (got) {
          if (write) {
            lock.unlock();
          } else {
            lock.unlock_shared();
          }
        }
        world.charge(jitter.apply(op.value) * 1000);
        recorder.attempt_failed(self.id, op.lock, world.now(), held.state(), held.lock());
        break;
      }
      // A hold is work that touches no shared line: an out-of-order core
      // starts it while the acquisition before it still waits for its line
      // (SimWorld::work; nothing when the machine gives no window). A think
      // is charged in full: validate's carries the clock reads that time a
      // wait, whose loads do not pass a locked instruction.
      case OpKind::hold:
        world.work(jitter.apply(op.value) * 1000);
        break;
      // A coroutine that finished a request lets a waiting coroutine of its
      // context run first.
      case OpKind::think:
        world.switch_point();
        world.charge(jitter.apply(op.value) * 1000);
        break;
      // Context operations first let every worker that is behind in time
      // catch up (sync), so that the checks below see the contexts as they
      // are at this worker's time.
      case OpKind::move: {
        const auto to = static_cast<std::uint32_t>(op.value);
        world.sync();
        if (to >= shared.context_exists.size() || !shared.context_exists[to]) {
          fail("moves to context " + std::to_string(to) + ", which does not exist at that time");
          break;
        }
        --shared.workers_in[self.context];
        ++shared.workers_in[to];
        world.move_to(to, home_core(to, cores));
        break;
      }
      case OpKind::create_context: {
        const auto ctx = static_cast<std::uint32_t>(op.value);
        world.sync();
        if (shared.context_exists[ctx]) {
          fail("creates context " + std::to_string(ctx) + ", which already exists");
          break;
        }
        for (const auto& lock : locks) lock->register_context(ctx);
        shared.context_exists[ctx] = true;
        break;
      }
      case OpKind::destroy_context: {
        const auto ctx = static_cast<std::uint32_t>(op.value);
        world.sync();
        if (!shared.context_exists[ctx] || shared.workers_in[ctx] != 0) {
          fail("destroys context " + std::to_string(ctx) +
               (shared.context_exists[ctx] ? " while a worker runs in it" : ", which does not exist"));
          break;
        }
        for (const auto& lock : locks) lock->unregister_context(ctx);
        shared.context_exists[ctx] = false;
        break;
      }
    }
    if (++shared.ops_done % 16384 == 0 && shared.progress) {
      shared.progress(static_cast<double>(shared.ops_done) / static_cast<double>(shared.ops_total));
    }
  }
  world.sync();
  recorder.finish(self.id, world.now());
  world.leave_core();
}

}  // namespace lockscope::engine::replay
