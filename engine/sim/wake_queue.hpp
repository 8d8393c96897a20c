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
// Handing over without a SimGrid round: when the worker that parks is the
// only actor not parked here, nothing but this queue can wake anyone, so the
// next thing SimGrid would do is fire the timer of the earliest entry. The
// worker does it instead: it moves the simulated clock to that date and
// resumes the entries due then, in order, before suspending itself (or, if
// its own date comes first, it simply goes on). SimGrid's clock then lags
// lockscope's, which is the one every model reads (SimWorld::clock());
// SimGrid only needs its own for timers, which are set at lockscope's dates.
// Same results, in the same order: the golden outputs say so.
//
// Timers are set, and actors resumed, from actor code without a simcall:
// lockscope runs SimGrid's sequential raw contexts (sim_session.cpp), where
// actors and the maestro take turns on one thread. kernel::timer is
// SimGrid's internal API (3.32 here), and so is the actor resume used by
// the hand-over (simgrid_resume.hpp): a SimGrid upgrade checks both first.
#pragma once

#include <simgrid/forward.h>

#include <cstdint>
#include <vector>

#include "engine/coherence/cost_model.hpp"

namespace lockscope::engine::sim {

using coherence::Picos;

class WakeQueue {
 public:
  // Suspends the calling actor (`self`) until `at`. Returns at once when
  // `at` is not after the simulated clock (SimWorld::clock()).
  void sleep_until(simgrid::s4u::Actor* self, Picos at);
  // Suspends the calling actor until another resumes it with resume_at (a
  // contended line's grant, whose time is not known yet).
  void park(simgrid::s4u::Actor* self);
  // Resumes `actor` at `at`: one parked (park()) to wait for an event whose
  // time is now known. The actor must be parked, or park itself before this
  // round ends (its simcall is handled before any timer fires).
  void resume_at(simgrid::s4u::Actor* actor, Picos at);
  // The resume of `actor` set for `from` happens at `to` instead, earlier
  // and not before the clock (a held line let go: SimWorld::let_go). False
  // if there is no such resume (the actor went on at once).
  bool move_earlier(const simgrid::s4u::Actor* actor, Picos from, Picos to);

  // Off: every wake-up by SimGrid's timer (SimCosts::hand_over).
  void set_hand_over(bool on) { hand_over_ = on; }
  // Wake-ups made without a SimGrid round (a hand-over, or a worker that
  // went on at once): for the profile in docs/simulator.md.
  [[nodiscard]] std::uint64_t hand_overs() const { return hand_overs_; }

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
  // The caller parks: counted, then the hand-over (when it was the only
  // actor running, `only_one_running`: alone() before it counted itself)
  // or SimGrid's timer.
  void suspend(simgrid::s4u::Actor* self, bool only_one_running);
  // The caller is the only actor not parked here.
  [[nodiscard]] bool alone(std::uint64_t others_parked) const;
  // Resumes the entries due at the earliest date directly, the clock moved
  // there (yes); or nothing, because one of them has not suspended yet
  // (not_yet: it parked in this sub-round; no: the caller is one of them).
  enum class HandOver { yes, not_yet, no };
  HandOver hand_over(const simgrid::s4u::Actor* self);
  // A kernel timer fired at `at` (in SimGrid's maestro): every entry due by
  // then, in order; then a timer for the next one.
  void fire(Picos at);

  // A heap by Later (std::push_heap / pop_heap): an entry is moved out when
  // it is due, its actor reference not copied.
  std::vector<Entry> due_;
  std::vector<Entry> batch_;  // hand_over's entries of one date (kept for its capacity)
  // The one kernel timer set, at or before the earliest entry, or null.
  simgrid::kernel::timer::Timer* timer_ = nullptr;
  Picos timer_at_ = 0;
  std::uint64_t seq_ = 0;
  std::uint64_t parked_ = 0;  // actors suspended by sleep_until or park, not yet resumed
  std::uint64_t hand_overs_ = 0;
  bool hand_over_ = true;
  mutable simgrid::s4u::Engine* engine_ = nullptr;  // SimGrid's, looked up at first use
};

}  // namespace lockscope::engine::sim
