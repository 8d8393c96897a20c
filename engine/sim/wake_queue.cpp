#include "engine/sim/wake_queue.hpp"

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include <algorithm>

#include "engine/sim/sim_world.hpp"

namespace lockscope::engine::sim {

void WakeQueue::sleep_until(simgrid::s4u::Actor* self, Picos at) {
  if (at <= SimWorld::clock()) return;
  push(Entry{at, seq_++, simgrid::s4u::ActorPtr(self)});
  // The timer's callback resumes us: it runs after this round's simcalls
  // (the suspend among them) are handled, so the resume cannot come first.
  simgrid::s4u::this_actor::suspend();
}

void WakeQueue::resume_at(simgrid::s4u::Actor* actor, Picos at) {
  push(Entry{at, seq_++, simgrid::s4u::ActorPtr(actor)});
}

void WakeQueue::push(Entry e) {
  const Picos at = e.at;
  due_.push_back(std::move(e));
  std::push_heap(due_.begin(), due_.end(), Later{});
  if (armed_.empty() || at < armed_.top()) arm(at);
}

void WakeQueue::arm(Picos at) {
  armed_.push(at);
  // Set from an actor without a simcall: actors and the maestro run one at
  // a time (lockscope never runs SimGrid's parallel contexts), and the
  // timer heap is only read between rounds.
  // Never before SimGrid's clock (its solve step asserts that): a date of
  // the current picosecond may convert to a double just below it.
  const double date = std::max(to_seconds(at), simgrid::s4u::Engine::get_clock());
  simgrid::kernel::timer::Timer::set(date, [this, at] { fire(at); });
}

void WakeQueue::fire(Picos at) {
  while (!armed_.empty() && armed_.top() <= at) armed_.pop();
  while (!due_.empty() && due_.front().at <= at) {
    std::pop_heap(due_.begin(), due_.end(), Later{});
    const simgrid::s4u::ActorPtr actor = std::move(due_.back().actor);
    due_.pop_back();
    actor->resume();
  }
  if (!due_.empty() && (armed_.empty() || due_.front().at < armed_.top())) arm(due_.front().at);
}

}  // namespace lockscope::engine::sim
