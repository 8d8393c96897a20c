// The body of one simulated worker: runs its ops in order against the lock,
// telling the recorder what state it is in.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/replay/recorder.hpp"
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

template <class Lock>
void run_worker(Lock& lock, sim::SimWorld& world, sim::SimWorker& self, const traces::WorkerPlan& plan,
                Recorder& recorder, ReplayShared& shared, unsigned cores, Jitter jitter) {
  using traces::OpKind;
  using traces::WorkerState;
  world.attach(self);
  auto fail = [&](std::string message) {
    if (shared.error.empty()) shared.error = "worker " + std::to_string(self.id) + ": " + message;
  };
  for (const traces::Op& op : plan.ops) {
    if (!shared.error.empty()) break;
    switch (op.kind) {
      case OpKind::read_acquire:
        recorder.set_state(self.id, WorkerState::waiting_read, world.now());
        lock.lock_shared();
        recorder.set_state(self.id, WorkerState::reading, world.now());
        break;
      // The critical section ends where the release begins: once unlock has
      // published the release, another worker may enter while this one is
      // still finishing the call (a kick, a miss on has_writer).
      case OpKind::read_release:
        recorder.set_state(self.id, WorkerState::running, world.now());
        lock.unlock_shared();
        break;
      case OpKind::write_acquire:
        recorder.set_state(self.id, WorkerState::waiting_write, world.now());
        lock.lock();
        recorder.set_state(self.id, WorkerState::writing, world.now());
        break;
      case OpKind::write_release:
        recorder.set_state(self.id, WorkerState::running, world.now());
        lock.unlock();
        break;
      case OpKind::hold:
      case OpKind::think:
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
        self.context = to;
        self.core = home_core(to, cores);
        break;
      }
      case OpKind::create_context: {
        const auto ctx = static_cast<std::uint32_t>(op.value);
        world.sync();
        if (shared.context_exists[ctx]) {
          fail("creates context " + std::to_string(ctx) + ", which already exists");
          break;
        }
        lock.register_context(ctx);
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
        lock.unregister_context(ctx);
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
}

}  // namespace lockscope::engine::replay
