// The simulated wait queue (SimWaitQueue, QEMU's CoQueue on a futex): a
// notify wakes every worker that entered wait() before it, wherever its
// futex_wait is. Regression: a notify that came at the very moment the
// futex_wait finished entering the kernel was lost. SimGrid answers a
// timed-out condition-variable wait first and takes the mutex back with a
// lock of its own; a notifier that took the queue's guard in between found
// nobody in the condition variable, and the waiter then slept for good.
// `lockscope explore` found it as deadlocks with a worker "in the reader
// queue" on percpu, glibc-rwlock and glibc-rwlock-wp.
#include <gtest/gtest.h>
#include <simgrid/s4u/Actor.hpp>

#include <sstream>
#include <string>

#include "engine/sim/sim_session.hpp"
#include "engine/sim/sim_sync.hpp"
#include "tests/engine/replay/in_child.hpp"
#include "tests/engine/sim/sim_test_util.hpp"

namespace lockscope::engine::sim {
namespace {

using lockscope::testing::in_child;
using testing::two_speed;

constexpr Picos kSyscall = 1'000'000;  // 1 us: the futex_wait enters for 500 ns

struct Outcome {
  bool woken = false;  // the waiter came back from wait() and the simulation ended
  Picos entered = 0;   // when the waiter called wait()
  Picos returned = 0;  // when it was back, holding the mutex again
};

// Worker 0 (core 0) takes the mutex and waits on the queue; worker 1 (core
// 1) notifies `notify_after` after worker 0 called wait().
Outcome wait_and_notify(Picos notify_after, Picos wake) {
  const std::string out = in_child([&] {
    SimCosts costs;
    costs.fence = 0;
    costs.syscall = kSyscall;
    costs.wake = wake;
    costs.wake_call = 0;
    Outcome o;
    const SimulationEnd end = run_simulation(two_speed(2, 2, 100'000, 100'000), costs,
                                             [&](SimWorld& world, const SimHosts& hosts) {
                                               SimMutex m;
                                               SimWaitQueue q;
                                               m.lock();
                                               world.sync();
                                               o.entered = SimWorld::clock();
                                               SimWorker notifier;
                                               notifier.id = 1;
                                               notifier.core = 1;
                                               simgrid::s4u::ActorPtr actor = spawn_worker(hosts, notifier, [&] {
                                                 simgrid::s4u::this_actor::sleep_until(
                                                     to_seconds(o.entered + notify_after));
                                                 q.notify_all();
                                               });
                                               q.wait(m);
                                               world.sync();
                                               o.returned = SimWorld::clock();
                                               m.unlock();
                                               actor->join();
                                             });
    std::ostringstream s;
    s << (end.main_finished ? 1 : 0) << ' ' << o.entered << ' ' << o.returned;
    return s.str();
  }).out;
  Outcome o;
  std::istringstream in(out);
  int woken = 0;
  if (!(in >> woken >> o.entered >> o.returned)) ADD_FAILURE() << "child said: " << out;
  o.woken = woken == 1;
  return o;
}

// wait() frees the mutex (an L1 hit, 1 ns, on this machine) and then spends
// half a system call entering the kernel: the entry ends 501 ns after the
// call. The notify lands on that instant, and around it to the picosecond
// scale, so that a change in what the unlock costs does not move the
// instant out of the sweep.
TEST(SimWaitQueue, ANotifyAsTheFutexWaitFinishesEnteringIsNotLost) {
  const Picos entry_end = 1'000 + kSyscall / 2;
  for (Picos at = entry_end - 2'000; at <= entry_end + 2'000; at += 250) {
    const Outcome o = wait_and_notify(at, 0);
    EXPECT_TRUE(o.woken) << "a notify " << at << " ps after wait() was lost";
  }
}

TEST(SimWaitQueue, ANotifyWhileEnteringReturnsWithoutAWakeUp) {
  // 200 ns in, the futex_wait is still entering: it comes back after the
  // other half of the system call, and pays no 20 us wake-up.
  const Outcome o = wait_and_notify(200'000, 20'000'000);
  ASSERT_TRUE(o.woken);
  EXPECT_LT(o.returned - o.entered, 2'000'000U);
}

TEST(SimWaitQueue, ANotifyOnceAsleepWakesAfterAWakeUp) {
  // At the end of the entry and after it, the waiter is asleep: the notify
  // from the other core wakes it a wake-up later.
  for (const Picos at : {Picos{1'000 + kSyscall / 2}, Picos{5'000'000}}) {
    const Outcome o = wait_and_notify(at, 20'000'000);
    ASSERT_TRUE(o.woken) << "notify " << at << " ps after wait()";
    EXPECT_GE(o.returned - o.entered, at + 20'000'000) << "notify " << at << " ps after wait()";
  }
}

}  // namespace
}  // namespace lockscope::engine::sim
