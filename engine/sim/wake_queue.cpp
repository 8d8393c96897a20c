#include "engine/sim/wake_queue.hpp"

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include <algorithm>

#include "engine/sim/sim_world.hpp"
#include "engine/sim/simgrid_resume.hpp"

namespace lockscope::engine::sim {

void WakeQueue::sleep_until(simgrid::s4u::Actor* self, Picos at) {
  if (at <= SimWorld::clock()) return;
  const bool only_one_running = alone(parked_);
  if (only_one_running && (due_.empty() || at < due_.front().at)) {
    // The earliest timer SimGrid could fire is this one's: go on at once.
    SimWorld::advance_clock(at);
    ++hand_overs_;
    return;
  }
  push(Entry{at, seq_++, simgrid::s4u::ActorPtr(self)});
  suspend(self, only_one_running);
}

void WakeQueue::park(simgrid::s4u::Actor* self) { suspend(self, alone(parked_)); }

void WakeQueue::resume_at(simgrid::s4u::Actor* actor, Picos at) {
  push(Entry{at, seq_++, simgrid::s4u::ActorPtr(actor)});
}

bool WakeQueue::move_earlier(const simgrid::s4u::Actor* actor, Picos from, Picos to) {
  const auto it =
      std::find_if(due_.begin(), due_.end(), [&](const Entry& e) { return e.actor.get() == actor && e.at == from; });
  if (it == due_.end() || to >= from) return false;
  // A new sequence number: among entries due at `to` it was scheduled last.
  Entry moved{to, seq_++, std::move(it->actor)};
  *it = std::move(due_.back());
  due_.pop_back();
  std::make_heap(due_.begin(), due_.end(), Later{});
  push(std::move(moved));
  return true;
}

void WakeQueue::push(Entry e) {
  const Picos at = e.at;
  due_.push_back(std::move(e));
  std::push_heap(due_.begin(), due_.end(), Later{});
  // Kept at or before the earliest entry whatever the caller does next (it
  // may end, or block on a SimGrid semaphore, without parking here).
  if (timer_ == nullptr || at < timer_at_) arm(at);
}

void WakeQueue::arm(Picos at) {
  // Set (and removed) from an actor without a simcall: actors and the
  // maestro run one at a time (lockscope never runs SimGrid's parallel
  // contexts), and the timer heap is only read between rounds.
  if (timer_ != nullptr) timer_->remove();
  timer_at_ = at;
  // Never before SimGrid's clock (its solve step asserts that): a date of
  // the current picosecond may convert to a double just below it.
  const double date = std::max(to_seconds(at), simgrid::s4u::Engine::get_clock());
  timer_ = simgrid::kernel::timer::Timer::set(date, [this, at] { fire(at); });
}

bool WakeQueue::alone(std::uint64_t others_parked) const {
  if (!hand_over_) return false;
  if (engine_ == nullptr) engine_ = simgrid::s4u::Engine::get_instance();
  if (others_parked + 1 != engine_->get_actor_count()) return false;
  // Every other actor is parked here, so only timers can wake anyone; and
  // only this queue's (a SimGrid timeout or sleep would be a timer too).
  return simgrid::kernel::timer::kernel_timers().size() <= (timer_ != nullptr ? 1U : 0U);
}

void WakeQueue::suspend(simgrid::s4u::Actor* self, bool only_one_running) {
  ++parked_;
  if (only_one_running) {
    HandOver done = hand_over(self);
    if (done == HandOver::not_yet) {
      // The earliest parked in this sub-round: the maestro handles their
      // suspends when it ends. A yield ends it without a SimGrid round
      // (no timer can fire, nobody else can run): then hand over.
      simgrid::s4u::this_actor::yield();
      done = alone(parked_ - 1) ? hand_over(self) : HandOver::no;
    }
    if (done == HandOver::yes) {
      simgrid::s4u::this_actor::suspend();
      return;
    }
  }
  if (!due_.empty() && timer_at_ != due_.front().at) {
    // Entries handed over earlier may have left the timer before the
    // earliest: it would fire for nothing (a SimGrid round) and re-arm.
    arm(due_.front().at);
  }
  simgrid::s4u::this_actor::suspend();
}

WakeQueue::HandOver WakeQueue::hand_over(const simgrid::s4u::Actor* self) {
  if (due_.empty()) return HandOver::no;
  // An actor that parked in this sub-round is not suspended until the
  // maestro handles its simcall, after the sub-round: a resume now would be
  // lost. The caller itself will not be before it suspends: SimGrid's timer
  // resumes it, and those due with it, instead. Mostly one entry is due at
  // the earliest date: it is checked before anything leaves the heap.
  const Entry& front = due_.front();
  if (front.actor.get() == self) return HandOver::no;
  if (!front.actor->is_suspended()) return HandOver::not_yet;
  const Picos next = front.at;
  batch_.clear();
  while (!due_.empty() && due_.front().at == next) {
    std::pop_heap(due_.begin(), due_.end(), Later{});
    batch_.push_back(std::move(due_.back()));
    due_.pop_back();
  }
  const bool ready = std::all_of(batch_.begin(), batch_.end(), [](const Entry& e) { return e.actor->is_suspended(); });
  if (!ready) {
    const bool mine = std::any_of(batch_.begin(), batch_.end(), [self](const Entry& e) { return e.actor.get() == self; });
    for (Entry& e : batch_) {
      due_.push_back(std::move(e));
      std::push_heap(due_.begin(), due_.end(), Later{});
    }
    batch_.clear();
    return mine ? HandOver::no : HandOver::not_yet;
  }
  SimWorld::advance_clock(next);
  for (Entry& e : batch_) {
    --parked_;
    kernel_call::resume_actor(e.actor->get_impl());
  }
  batch_.clear();
  ++hand_overs_;
  return HandOver::yes;
}

void WakeQueue::fire(Picos at) {
  timer_ = nullptr;  // this one: SimGrid deletes it when the callback returns
  while (!due_.empty() && due_.front().at <= at) {
    std::pop_heap(due_.begin(), due_.end(), Later{});
    const simgrid::s4u::ActorPtr actor = std::move(due_.back().actor);
    due_.pop_back();
    --parked_;
    actor->resume();
  }
  if (!due_.empty()) arm(due_.front().at);
}

}  // namespace lockscope::engine::sim
