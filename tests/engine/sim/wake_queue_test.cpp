// WakeQueue: the simulator's own timed wake-ups. Workers it wakes at the
// same picosecond run in the order they were scheduled, whatever order
// SimGrid would give them; each runs at exactly its date.
#include "engine/sim/wake_queue.hpp"

#include <gtest/gtest.h>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Semaphore.hpp>

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
                   queue.park(simgrid::s4u::Actor::self());
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
               queue.park(waiter);
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

// Hand-overs: workers that each wake at their own dates through `queue`,
// started by a main actor that ends at once (as a replay's does), so that
// the last worker running is alone. `blocker` adds an actor blocked on a
// SimGrid semaphore until the last worker ends: nothing may be handed over
// while it is.
struct Script {
  std::vector<Picos> dates;
};

struct HandOverRun {
  std::string log;  // "id@clock " at each wake-up
  std::uint64_t hand_overs = 0;
  bool lagged = false;  // SimGrid's clock was seen behind the simulator's
};

HandOverRun run_scripts(const std::vector<Script>& scripts, bool blocker) {
  const std::string out = in_child([&] {
                            std::ostringstream log;
                            WakeQueue queue;
                            bool lagged = false;
                            std::vector<SimWorker> workers(scripts.size() + 1);
                            unsigned left = static_cast<unsigned>(scripts.size());
                            simgrid::s4u::SemaphorePtr done = simgrid::s4u::Semaphore::create(0);
                            run_simulation(
                                two_speed(8, 4, 50'000, 120'000), SimCosts{},
                                [&](SimWorld& /*world*/, const SimHosts& hosts) {
                                  for (unsigned i = 0; i < scripts.size(); ++i) {
                                    workers[i].id = i;
                                    workers[i].core = i % 8;
                                    spawn_worker(hosts, workers[i], [&, i] {
                                      for (const Picos at : scripts[i].dates) {
                                        queue.sleep_until(simgrid::s4u::Actor::self(), at);
                                        log << i << '@' << SimWorld::clock() << ' ';
                                        lagged = lagged || simgrid::s4u::Engine::get_clock() < to_seconds(SimWorld::clock());
                                      }
                                      if (--left == 0) done->release();
                                    });
                                  }
                                  if (blocker) {
                                    SimWorker& b = workers.back();
                                    b.id = static_cast<unsigned>(scripts.size());
                                    b.core = 7;
                                    spawn_worker(hosts, b, [&] { done->acquire(); });
                                  }
                                });
                            return log.str() + "| " + std::to_string(queue.hand_overs()) + ' ' + (lagged ? "lagged" : "even");
                          }).out;
  HandOverRun r;
  const auto bar = out.find("| ");
  r.log = out.substr(0, bar);
  std::istringstream rest(out.substr(bar == std::string::npos ? out.size() : bar + 2));
  std::string lag;
  rest >> r.hand_overs >> lag;
  r.lagged = lag == "lagged";
  return r;
}

// Worker 2, alone and earliest at 3 ns, goes on to 4 ns without a round;
// at 4 ns it hands over to workers 0 and 1, both due at 9 ns, in the order
// they were scheduled; the last of them, alone again, hands back to it.
const std::vector<Script> kStaggered = {{{1'000, 9'000}}, {{2'000, 9'000}}, {{3'000, 4'000, 12'000}}};
constexpr const char* kStaggeredLog = "0@1000 1@2000 2@3000 2@4000 0@9000 1@9000 2@12000 ";

TEST(WakeQueue, TheLastWorkerRunningHandsOverWithoutASimGridRound) {
  const HandOverRun r = run_scripts(kStaggered, false);
  EXPECT_EQ(r.log, kStaggeredLog);
  EXPECT_GE(r.hand_overs, 3U);
  EXPECT_TRUE(r.lagged) << "a hand-over moves the simulator's clock ahead of SimGrid's";
}

TEST(WakeQueue, AnActorBlockedOnSimGridKeepsEveryWakeUpOnTimers) {
  const HandOverRun r = run_scripts(kStaggered, true);
  EXPECT_EQ(r.log, kStaggeredLog);
  EXPECT_EQ(r.hand_overs, 0U);
  EXPECT_FALSE(r.lagged);
}

TEST(WakeQueue, HandOversKeepTheOrderOfManyWorkers) {
  // Twelve workers, dates interleaved and often equal: the same log with
  // and without hand-overs.
  std::vector<Script> many(12);
  for (unsigned i = 0; i < many.size(); ++i) {
    for (unsigned k = 1; k <= 30; ++k) many[i].dates.push_back(Picos{k} * 7'000 + Picos{(i * k) % 5} * 2'000);
  }
  const HandOverRun fast = run_scripts(many, false);
  const HandOverRun timed = run_scripts(many, true);
  EXPECT_EQ(fast.log, timed.log);
  EXPECT_GT(fast.hand_overs, 100U);  // 112 of 360; 89 without the yield when the next parked in this sub-round
  EXPECT_EQ(timed.hand_overs, 0U);
}

}  // namespace
}  // namespace lockscope::engine::sim
