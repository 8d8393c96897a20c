#include "engine/sim/core_scheduler.hpp"

#include <simgrid/s4u/Semaphore.hpp>

#include <algorithm>

namespace lockscope::engine::sim {

CoreScheduler::CoreScheduler(unsigned cores, const SimCosts& costs) : cores_(cores), costs_(costs) {}

void CoreScheduler::take(Core& c, SimWorker& w, Picos now, bool fresh) {
  const bool first = c.last == nullptr;
  const bool same_thread = !first && c.last_context == w.context;
  if (!first && !same_thread) {
    w.ahead += costs_.thread_switch;
    ++thread_switches_;
  } else if (!first && c.last != &w) {
    w.ahead += costs_.coroutine_switch;
    ++coroutine_switches_;
  }
  if (fresh || !same_thread) c.slice_start = now;
  c.running = &w;
  c.last = &w;
  c.last_context = w.context;
  w.has_core = true;
}

void CoreScheduler::wait_for_core(SimWorker& w) {
  if (!w.wake) w.wake = simgrid::s4u::Semaphore::create(0);
  // Spurious permits (from a line grant) only cost a loop.
  while (!w.has_core) w.wake->acquire();
}

std::deque<SimWorker*>::iterator CoreScheduler::first_of(Core& c, std::uint32_t context, bool same) {
  return std::find_if(c.waiting.begin(), c.waiting.end(),
                      [&](const SimWorker* x) { return (x->context == context) == same; });
}

void CoreScheduler::acquire(SimWorker& w, Picos now) {
  in_use_ = true;
  Core& c = cores_[w.core];
  if (c.running == nullptr && c.waiting.empty()) {
    take(c, w, now, true);
    return;
  }
  w.has_core = false;
  c.waiting.push_back(&w);
  wait_for_core(w);
}

// The switch is charged to the worker that comes in, at the time it was
// handed the core (the releaser's time: it synchronized before releasing).
void CoreScheduler::hand_over(Core& c, std::deque<SimWorker*>::iterator next, SimWorker* requeue) {
  SimWorker& n = **next;
  c.waiting.erase(next);
  if (requeue != nullptr) c.waiting.push_back(requeue);  // after the erase: it moves iterators
  take(c, n, SimWorld::clock(), false);
  if (!n.wake) n.wake = simgrid::s4u::Semaphore::create(0);
  n.wake->release();
}

void CoreScheduler::release(SimWorker& w) {
  Core& c = cores_[w.core];
  if (c.running != &w) return;
  c.running = nullptr;
  w.has_core = false;
  if (c.waiting.empty()) return;
  // The thread goes on with another of its coroutines if one is ready.
  auto next = first_of(c, w.context, true);
  hand_over(c, next != c.waiting.end() ? next : c.waiting.begin(), nullptr);
}

bool CoreScheduler::sibling_waits(const SimWorker& w) const {
  const Core& c = cores_[w.core];
  return std::any_of(c.waiting.begin(), c.waiting.end(),
                     [&](const SimWorker* x) { return x->context == w.context; });
}

// The running worker gives its core to the first waiting worker of its own
// context (`same`) or of another, goes to the back of the queue, and waits
// for the core to come back. Nothing happens when nobody such waits.
void CoreScheduler::switch_away(Core& c, SimWorker& w, bool same) {
  const auto next = first_of(c, w.context, same);
  if (next == c.waiting.end()) return;
  c.running = nullptr;
  w.has_core = false;
  hand_over(c, next, &w);
  wait_for_core(w);
}

void CoreScheduler::yield_to_sibling(SimWorker& w) {
  Core& c = cores_[w.core];
  if (c.running == &w && !c.waiting.empty()) switch_away(c, w, true);
}

bool CoreScheduler::preemption_due(const SimWorker& w, Picos now) const {
  const Core& c = cores_[w.core];
  return c.running == &w && !c.waiting.empty() && now >= c.slice_start + costs_.slice;
}

void CoreScheduler::preempt_if_due(SimWorker& w, Picos now) {
  if (preemption_due(w, now)) switch_away(cores_[w.core], w, false);
}

}  // namespace lockscope::engine::sim
