// WakeQueue: the simulator's own timed wake-ups. A worker catching up with
// its `ahead` clock, or one whose contended line arrives at a known time, is
// woken here rather than by a SimGrid sleep: no activity and no CPU-model
// action per wake-up, only a suspend and one kernel timer per distinct date
// (docs/simulator.md, "Where the wall time goes").
//
// Wake-ups due at the same picosecond happen in the order they were
// scheduled (first scheduled, first run), an order that is lockscope's, not
// the order SimGrid's timer heap happens to keep for equal dates. (Actors
// SimGrid itself wakes at that picosecond, by a semaphore or a timed wait,
// run after these, in SimGrid's order: deterministic, not lockscope's.)
//
// Timers are set from actor code without a simcall: lockscope runs
// SimGrid's sequential raw contexts (sim_session.cpp), where actors and the
// maestro take turns on one thread. kernel::timer is SimGrid's internal API
// (3.32 here): a SimGrid upgrade checks it first.
#pragma once

#include <simgrid/forward.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "engine/coherence/cost_model.hpp"

namespace lockscope::engine::sim {

using coherence::Picos;

class WakeQueue {
 public:
  // Suspends the calling actor (`self`) until `at`. Returns at once when
  // `at` is not after the simulated clock (SimWorld::clock()).
  void sleep_until(simgrid::s4u::Actor* self, Picos at);
  // Resumes `actor` at `at`: one that suspended itself to wait for an event
  // (its contended line's grant) whose time is now known. The actor must be
  // suspended, or suspend itself before this round ends (its simcall is
  // handled before any timer fires).
  void resume_at(simgrid::s4u::Actor* actor, Picos at);

 private:
  struct Entry {
    Picos at;
    std::uint64_t seq;
    simgrid::s4u::ActorPtr actor;  // resumed then (kept alive until then)
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const { return a.at != b.at ? a.at > b.at : a.seq > b.seq; }
  };
  void push(Entry e);
  void arm(Picos at);
  // A kernel timer fired at `at` (in SimGrid's maestro): every entry due by
  // then, in order; then a timer for the next one if none is set before it.
  void fire(Picos at);

  // A heap by Later (std::push_heap / pop_heap): an entry is moved out when
  // it is due, its actor reference not copied.
  std::vector<Entry> due_;
  // Dates of kernel timers set and not yet fired, earliest on top: the
  // earliest entry always has one at or before its date.
  std::priority_queue<Picos, std::vector<Picos>, std::greater<>> armed_;
  std::uint64_t seq_ = 0;
};

}  // namespace lockscope::engine::sim
