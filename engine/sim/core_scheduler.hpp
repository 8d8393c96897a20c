// CoreScheduler: a core runs one worker at a time. Workers that share a core
// take turns (docs/simulator.md, "Sharing a core"):
//
//   - A context is a thread, and its workers are coroutines on it (QEMU: the
//     coroutines of one AioContext). Coroutines switch cooperatively: when
//     the running one blocks in a lock, spins (cpu_relax: the event loop
//     polls, as AIO_WAIT_WHILE does), starts to think (it has finished a
//     request), or ends. A switch costs `coroutine_switch`.
//   - Threads of different contexts on one core are time-shared: the running
//     thread gives the core up when it blocks or ends, or at the first
//     synchronization point after its slice expired while another thread
//     waits. A switch costs `thread_switch`; the slice restarts.
//   - Waiting workers are served in the order they started to wait, a
//     coroutine of the running context first.
//
// A worker waiting for its core is off it: its time stops, and a lock it
// holds stays held (lock-holder preemption, as on a real machine). Only
// workers that `join` take part: the lock tests' workers keep a core each.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "engine/sim/sim_world.hpp"

namespace lockscope::engine::sim {

class CoreScheduler {
 public:
  CoreScheduler(unsigned cores, const SimCosts& costs);

  // The calling worker (already synchronized: its time is SimGrid's clock)
  // wants its core: returns once it has it, charged the switch.
  void acquire(SimWorker& w, Picos now);
  // The worker leaves its core (blocks, moves, ends): the next waiting worker
  // gets it.
  void release(SimWorker& w);
  // Whether a coroutine of the worker's context waits for its core: a
  // cooperative switch point is free (no simcall) when none does.
  [[nodiscard]] bool sibling_waits(const SimWorker& w) const;
  // Whether a core other than `core` runs a worker now (one that has not
  // blocked or ended): what membarrier(2) must interrupt.
  [[nodiscard]] bool another_core_runs(unsigned core) const {
    for (unsigned c = 0; c < cores_.size(); ++c) {
      if (c != core && cores_[c].running != nullptr) return true;
    }
    return false;
  }
  // Whether any worker ever took a core (the replay's workers do; a bare
  // lock test's actors may not).
  [[nodiscard]] bool in_use() const { return in_use_; }
  // A cooperative switch point: hands the core to a waiting coroutine of
  // the same context, if there is one, and waits for it back.
  void yield_to_sibling(SimWorker& w);
  // The running worker's slice is over and another thread waits for its core.
  [[nodiscard]] bool preemption_due(const SimWorker& w, Picos now) const;
  // A preemption point: if the worker's slice has expired and a worker of
  // another context waits, hands the core over and waits for it back.
  void preempt_if_due(SimWorker& w, Picos now);

  [[nodiscard]] std::uint64_t thread_switches() const { return thread_switches_; }
  [[nodiscard]] std::uint64_t coroutine_switches() const { return coroutine_switches_; }

 private:
  struct Core {
    SimWorker* running = nullptr;
    std::deque<SimWorker*> waiting;
    const SimWorker* last = nullptr;  // the worker that ran last
    std::uint32_t last_context = 0;
    Picos slice_start = 0;
  };
  // `fresh`: the slice starts anew (the core was idle or changes thread).
  void take(Core& c, SimWorker& w, Picos now, bool fresh);
  // Gives the core to `next` (erased from the queue); `requeue`, if set,
  // goes to the back of the queue first.
  void hand_over(Core& c, std::deque<SimWorker*>::iterator next, SimWorker* requeue);
  void wait_for_core(SimWorker& w);
  void switch_away(Core& c, SimWorker& w, bool same);
  // The first waiting worker of `context` (or of any other context).
  std::deque<SimWorker*>::iterator first_of(Core& c, std::uint32_t context, bool same);

  std::vector<Core> cores_;
  bool in_use_ = false;
  SimCosts costs_;
  std::uint64_t thread_switches_ = 0;
  std::uint64_t coroutine_switches_ = 0;
};

}  // namespace lockscope::engine::sim
