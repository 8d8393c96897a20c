// The shape every lock takes in bench mode. A bench lock is a class with a
// per-worker Session (a context, a CK reader record, an RCU registration),
// built for a number of workers, whose operations take the worker's session.
// The runner is a template over it, so a 1 ns read path is not hidden behind
// a virtual call.
#pragma once

#include <concepts>

namespace lockscope::engine::bench {

template <class L>
concept BenchLock = requires(L& lock, typename L::Session& session, unsigned worker) {
  requires std::constructible_from<L, unsigned>;
  requires std::default_initializable<typename L::Session>;
  // False for a lock whose readers may overlap writers by design (RCU): the
  // runner then checks only writer against writer.
  { L::kReadersExcluded } -> std::convertible_to<bool>;
  lock.enter(session, worker);
  lock.leave(session);
  lock.lock_shared(session);
  lock.unlock_shared(session);
  lock.lock(session);
  lock.unlock(session);
};

}  // namespace lockscope::engine::bench
