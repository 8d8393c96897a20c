#include "engine/sim/sim_sync.hpp"

#include <mutex>

namespace lockscope::engine::sim {
namespace {

using coherence::Access;
using lockimpl::MemoryOrder;

void blocked(BlockKind kind) {
  SimWorld& world = SimWorld::current();
  if (world.observer() != nullptr) world.observer()->blocked(world.self().id, kind, world.now());
}

void unblocked() {
  SimWorld& world = SimWorld::current();
  if (world.observer() != nullptr) world.observer()->unblocked(world.self().id, world.now());
}

}  // namespace

SimMutex::SimMutex()
    : mutex_(simgrid::s4u::Mutex::create()), line_(SimWorld::current().line_for(this, "mutex")) {}

void SimMutex::lock() {
  SimWorld& world = SimWorld::current();
  world.access(line_, Access::rmw, MemoryOrder::acquire);
  world.sync();
  if (mutex_->try_lock()) return;
  blocked(BlockKind::mutex);
  world.off_core();
  mutex_->lock();
  world.on_core();
  unblocked();
}

bool SimMutex::try_lock() {
  SimWorld& world = SimWorld::current();
  world.access(line_, Access::rmw, MemoryOrder::acquire);
  world.sync();
  return mutex_->try_lock();
}

void SimMutex::unlock() {
  SimWorld& world = SimWorld::current();
  world.access(line_, Access::rmw, MemoryOrder::release);
  world.sync();
  mutex_->unlock();
}

SimWaitQueue::SimWaitQueue() : cv_(simgrid::s4u::ConditionVariable::create()) {}

void SimWaitQueue::wait(SimMutex& m) {
  SimWorld& world = SimWorld::current();
  world.sync();
  blocked(BlockKind::wait_queue);
  world.off_core();
  std::unique_lock<simgrid::s4u::Mutex> held(m.native(), std::adopt_lock);
  cv_->wait(held);
  held.release();  // the caller still holds m, as it did on entry
  // Waiting for the core while holding m is safe: a worker of this core that
  // wants m blocks in SimMutex::lock, which gives the core up.
  world.on_core();
  unblocked();
}

void SimWaitQueue::notify_all() {
  SimWorld::current().sync();
  cv_->notify_all();
}

SimWaiter::SimWaiter()
    : mutex_(simgrid::s4u::Mutex::create()),
      cv_(simgrid::s4u::ConditionVariable::create()),
      line_(SimWorld::current().line_for(this, "waiter")) {}

bool SimWaiter::sleep_unless_kicked_since(std::uint64_t seen) {
  SimWorld& world = SimWorld::current();
  world.sync();
  std::unique_lock<simgrid::s4u::Mutex> held(*mutex_);
  if (epoch_ != seen) return false;
  blocked(BlockKind::waiter);
  world.off_core();
  cv_->wait(held);
  // Not while holding mutex_: a kicker on this core would block on it
  // without giving the core up.
  held.unlock();
  world.on_core();
  unblocked();
  return true;
}

void SimWaiter::arrive() {
  SimWorld::current().access(line_, Access::rmw, MemoryOrder::seq_cst);
  ++waiters_;
}

void SimWaiter::leave() {
  SimWorld::current().access(line_, Access::rmw, MemoryOrder::relaxed);
  --waiters_;
}

void SimWaiter::kick() {
  SimWorld& world = SimWorld::current();
  world.charge(world.costs().fence);  // QEMU's smp_mb() in aio_wait_kick
  world.access(line_, Access::load, MemoryOrder::relaxed);
  if (waiters_ == 0) return;
  world.sync();
  std::unique_lock<simgrid::s4u::Mutex> held(*mutex_);
  ++epoch_;
  cv_->notify_all();
}

}  // namespace lockscope::engine::sim
