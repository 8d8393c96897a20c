// WakeQueue: the simulator's own timed wake-ups. Workers it wakes at the
// same picosecond run in the order they were scheduled, whatever order
// SimGrid would give them; each runs at exactly its date.
#include "engine/sim/wake_queue.hpp"

#include <gtest/gtest.h>
#include <simgrid/s4u/Actor.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "engine/sim/sim_session.hpp"
#include "tests/engine/replay/in_child.hpp"
#include "tests/engine/sim/sim_test_util.hpp"

namespace lockscope::engine::sim {
namespace {

using lockscope::testing::in_child;
using testing::two_speed;

// Each worker first waits its turn (a SimGrid sleep of `turn` ns), then asks
// `queue` to wake it at `at`; on waking it writes "id@clock " to `log`.
struct Sleeper {
  unsigned turn_ns;
  Picos at;
  bool by_event;  // suspends itself, resumed by resume_at, instead
};

std::string run_sleepers(const std::vector<Sleeper>& sleepers) {
  return in_child([&] {
           std::ostringstream log;
           run_simulation(two_speed(8, 4, 50'000, 120'000), SimCosts{}, [&](SimWorld& /*world*/, const SimHosts& hosts) {
             WakeQueue queue;
             std::vector<SimWorker> workers(sleepers.size());
             std::vector<simgrid::s4u::ActorPtr> actors;
             for (unsigned i = 0; i < sleepers.size(); ++i) {
               workers[i].id = i;
               workers[i].core = i % 8;
               actors.push_back(spawn_worker(hosts, workers[i], [&, i] {
                 const Sleeper& s = sleepers[i];
                 simgrid::s4u::this_actor::sleep_for(to_seconds(Picos{s.turn_ns} * 1'000));
                 if (s.by_event) {
                   // As a contended line's wait: suspended until resumed.
                   queue.resume_at(simgrid::s4u::Actor::self(), s.at);
                   simgrid::s4u::this_actor::suspend();
                 } else {
                   queue.sleep_until(simgrid::s4u::Actor::self(), s.at);
                 }
                 log << i << '@' << SimWorld::clock() << ' ';
               }));
             }
             for (auto& a : actors) a->join();
           });
           return log.str();
         })
      .out;
}

TEST(WakeQueue, SameTimeWakeUpsRunInTheOrderTheyWereScheduled) {
  // Scheduled in the order 3, 0, 5, 1, 4, 2 (neither creation nor id
  // order), all for 10 us.
  const std::vector<unsigned> turn = {20, 40, 60, 10, 50, 30};
  std::vector<Sleeper> s;
  for (unsigned t : turn) s.push_back({t, 10'000'000, false});
  EXPECT_EQ(run_sleepers(s), "3@10000000 0@10000000 5@10000000 1@10000000 4@10000000 2@10000000 ");
}

TEST(WakeQueue, SleepsAndResumesOfWaitersShareOneOrder) {
  const std::vector<Sleeper> s = {{30, 7'000'001, true}, {10, 7'000'001, false}, {20, 7'000'001, true},
                                  {40, 7'000'001, false}};
  EXPECT_EQ(run_sleepers(s), "1@7000001 2@7000001 0@7000001 3@7000001 ");
}

TEST(WakeQueue, AnEarlierDateScheduledLaterStillComesFirst) {
  // The 9 us wake-up is scheduled first (its timer set), the 2 us one after:
  // the queue must set a timer for the earlier date too.
  const std::vector<Sleeper> s = {{10, 9'000'000, false}, {20, 2'000'000, false}, {30, 5'000'000, true}};
  EXPECT_EQ(run_sleepers(s), "1@2000000 2@5000000 0@9000000 ");
}

TEST(WakeQueue, ADateNotAfterNowDoesNotSleep) {
  // Asked at 20 ns to wake at 5 ns: it goes on at once, its clock unmoved.
  const std::vector<Sleeper> s = {{20, 5'000, false}, {10, 40'000, false}};
  EXPECT_EQ(run_sleepers(s), "0@20000 1@40000 ");
}

// As a contended line's grant: a waiter suspends itself, and another worker,
// later in the same round, resumes it at a date (here the current
// picosecond too, the date a zero-cost grant would give).
std::string run_waiter_and_server(Picos grant_after) {
  return in_child([grant_after] {
           std::ostringstream log;
           run_simulation(two_speed(2, 1, 50'000, 120'000), SimCosts{}, [&](SimWorld& /*world*/, const SimHosts& hosts) {
             WakeQueue queue;
             std::vector<SimWorker> workers(2);
             simgrid::s4u::Actor* waiter = nullptr;
             for (unsigned i = 0; i < 2; ++i) {
               workers[i].id = i;
               workers[i].core = i;
             }
             auto a = spawn_worker(hosts, workers[0], [&] {
               simgrid::s4u::this_actor::sleep_for(to_seconds(1'237));
               waiter = simgrid::s4u::Actor::self();
               simgrid::s4u::this_actor::suspend();
               log << "waiter@" << SimWorld::clock() << ' ';
             });
             auto b = spawn_worker(hosts, workers[1], [&] {
               simgrid::s4u::this_actor::sleep_for(to_seconds(1'237));
               simgrid::s4u::this_actor::yield();  // the waiter, due at 1237 too, suspends first
               log << (waiter != nullptr ? "granted@" : "no-waiter@") << SimWorld::clock() << ' ';
               if (waiter != nullptr) queue.resume_at(waiter, SimWorld::clock() + grant_after);
             });
             a->join();
             b->join();
           });
           return log.str();
         })
      .out;
}

TEST(WakeQueue, AWaiterIsResumedByAnotherWorkerInTheSameRound) {
  EXPECT_EQ(run_waiter_and_server(3'000'001), "granted@1237 waiter@3001238 ");
}

TEST(WakeQueue, AGrantForTheCurrentPicosecondStillWakesTheWaiter) {
  EXPECT_EQ(run_waiter_and_server(0), "granted@1237 waiter@1237 ");
}

}  // namespace
}  // namespace lockscope::engine::sim
