// Resuming a suspended actor from actor code, without a simcall.
//
// s4u::Actor::resume() from an actor is a simcall: the actor yields, and the
// resumed one runs only in the next sub-round. The wake-up queue's hand-over
// (wake_queue.hpp) resumes the next worker and then suspends the caller,
// which must cost no more than a context switch, so it calls the kernel's
// ActorImpl::resume() directly, as the maestro does: legal here because
// lockscope runs SimGrid's sequential raw contexts (sim_session.cpp), where
// actors and the maestro take turns on one thread. It marks the actor
// runnable and appends it to this sub-round's run list: it runs as soon as
// the caller suspends, by a direct context switch.
//
// SimGrid 3.32 exports that member function but does not install its class
// (src/kernel/actor/ActorImpl.hpp), so it is declared here by its symbol.
// The build checks the version: an upgrade must check the function first.
#pragma once

#include <simgrid/forward.h>
#include <simgrid/version.h>

#if SIMGRID_VERSION_MAJOR != 3 || SIMGRID_VERSION_MINOR != 32
#error "lockscope calls SimGrid 3.32's ActorImpl::resume() directly: check it in this SimGrid version"
#endif

namespace lockscope::engine::sim::kernel_call {

// simgrid::kernel::actor::ActorImpl::resume(): `actor` must be suspended
// (s4u::Actor::is_suspended()); otherwise it does nothing.
void resume_actor(simgrid::kernel::actor::ActorImpl* actor) __asm__("_ZN7simgrid6kernel5actor9ActorImpl6resumeEv");

}  // namespace lockscope::engine::sim::kernel_call
