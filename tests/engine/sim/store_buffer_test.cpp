// The tso memory model's store buffer (engine/sim/store_buffer.hpp), held
// to x86-TSO's rules with litmus-style programs on two simulated cores:
// store buffering (SB) shows r1 = r2 = 0 only in tso and never with fences;
// a core reads its own buffered store; stores drain in order (MP); an RMW,
// a fence and a heavy barrier drain; a full buffer makes its core wait.
#include <gtest/gtest.h>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Semaphore.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/sim/sim_atomic.hpp"
#include "engine/sim/sim_platform.hpp"
#include "engine/sim/sim_session.hpp"
#include "tests/engine/replay/in_child.hpp"
#include "tests/engine/sim/sim_test_util.hpp"

namespace lockscope::engine::sim {
namespace {

using lockimpl::MemoryOrder;
using lockscope::testing::in_child;
using testing::two_speed;

// Two variables a line apart.
struct Pair {
  alignas(64) SimAtomic<std::uint32_t> x{0, lockimpl::LineName{"x"}};
  alignas(64) SimAtomic<std::uint32_t> y{0, lockimpl::LineName{"y"}};
};

constexpr Picos kStart = 1'000'000;  // both cores begin the test at 1 us

void at(Picos t) {
  SimWorld::current().sync();
  simgrid::s4u::this_actor::sleep_until(to_seconds(t));
}

SimCosts model(MemoryModel m, std::uint32_t depth = 56) {
  SimCosts s;
  s.memory_model = m;
  s.store_buffer_depth = depth;
  return s;
}

// Runs `first` on core 0 and `second` on `second_core` (core 1: 200 ns
// apart) and returns what `report` makes of the pair afterwards; in a child
// process, as every simulation here.
template <class First, class Second, class Report>
std::string run_two(const SimCosts& costs, First first, Second second, Report report, unsigned second_core = 1) {
  return in_child([&] {
    std::string out;
    Pair* pair = nullptr;
    SimWorker a, b;
    a.id = 1;
    a.core = 0;
    b.id = 2;
    b.core = second_core;
    run_simulation(
        two_speed(2, 1, 200'000, 200'000), costs,
        [&](SimWorld&, const SimHosts& hosts) {
          pair = new Pair;
          spawn_worker(hosts, a, [&] { first(*pair); });
          spawn_worker(hosts, b, [&] { second(*pair); });
        },
        0, [&](SimWorld&) {
          out = report(*pair);
          delete pair;
        });
    return out;
  }).out;
}

// SB: each core owns the line it loads and the other stores to, so both
// loads hit and both stores miss.
std::string store_buffering(MemoryModel m, bool fences) {
  std::uint32_t r1 = 9, r2 = 9;
  return run_two(
      model(m),
      [&](Pair& p) {
        p.y.store(0, MemoryOrder::release);  // core 0 owns y
        SimPlatform::fence();
        at(kStart);
        p.x.store(1, MemoryOrder::release);
        if (fences) SimPlatform::fence();
        r1 = p.y.load(MemoryOrder::acquire);
      },
      [&](Pair& p) {
        p.x.store(0, MemoryOrder::release);  // core 1 owns x
        SimPlatform::fence();
        at(kStart);
        p.y.store(1, MemoryOrder::release);
        if (fences) SimPlatform::fence();
        r2 = p.x.load(MemoryOrder::acquire);
      },
      [&](Pair& p) {
        return "r1=" + std::to_string(r1) + " r2=" + std::to_string(r2) + " x=" + std::to_string(p.x.peek()) +
               " y=" + std::to_string(p.y.peek());
      });
}

TEST(StoreBuffer, TsoLetsStoreBufferingReadZeroTwice) {
  EXPECT_EQ(store_buffering(MemoryModel::tso, false), "r1=0 r2=0 x=1 y=1");
}

TEST(StoreBuffer, ScNeverReadsZeroTwice) {
  const std::string out = store_buffering(MemoryModel::sc, false);
  EXPECT_NE(out.substr(0, 9), "r1=0 r2=0") << out;
  EXPECT_TRUE(out.ends_with("x=1 y=1")) << out;
}

TEST(StoreBuffer, FencesForbidStoreBufferingInTso) {
  const std::string out = store_buffering(MemoryModel::tso, true);
  EXPECT_NE(out.substr(0, 9), "r1=0 r2=0") << out;
  EXPECT_TRUE(out.ends_with("x=1 y=1")) << out;
}

// A core sees its own buffered store while the other core, at the same
// time, still reads the old value.
TEST(StoreBuffer, ACoreReadsItsOwnBufferedStoreFirst) {
  std::uint32_t own = 9, other = 9;
  const std::string out = run_two(
      model(MemoryModel::tso),
      [&](Pair& p) {
        at(kStart);
        p.x.store(7, MemoryOrder::release);  // core 1 has x: a miss, buffered
        own = p.x.load(MemoryOrder::acquire);
      },
      [&](Pair& p) {
        p.x.load(MemoryOrder::relaxed);  // core 1 has x from the start
        at(kStart + 10'000);
        other = p.x.load(MemoryOrder::acquire);
      },
      [&](Pair& p) { return std::to_string(own) + " " + std::to_string(other) + " " + std::to_string(p.x.peek()); });
  EXPECT_EQ(out, "7 0 7");
}

// Two workers on one core (coroutines of one context: one thread) share
// its store buffer: the second reads the first's buffered store, as the
// same thread would, while it is still hidden from every other core. With a
// buffer per worker, a context's counter updated by two of its coroutines
// lost increments, and `percpu` with two workers per context broke.
TEST(StoreBuffer, WorkersOnOneCoreShareItsBuffer) {
  std::uint32_t sibling = 9;
  const std::string out = run_two(
      model(MemoryModel::tso),
      [&](Pair& p) {
        p.x.store(0, MemoryOrder::release);  // core 0 owns x
        SimPlatform::fence();
        at(kStart);
        p.y.store(1, MemoryOrder::release);  // y is in memory: a miss, buffered
        p.x.store(7, MemoryOrder::release);  // waits behind it
      },
      [&](Pair& p) {
        at(kStart + 10'000);
        sibling = p.x.load(MemoryOrder::acquire);  // a hit: core 0 has x
      },
      [&](Pair& p) { return std::to_string(sibling) + " " + std::to_string(p.x.peek()); }, 0);
  EXPECT_EQ(out, "7 7");
}

// MP: data then flag from one core; the other waits for the flag and reads
// the data. Stores leave the buffer in order, so the flag never overtakes.
TEST(StoreBuffer, StoresBecomeVisibleInProgramOrder) {
  std::uint32_t data_seen = 9;
  Picos flag_seen_at = 0;
  const std::string out = run_two(
      model(MemoryModel::tso),
      [&](Pair& p) {
        at(kStart / 2);
        p.y.load(MemoryOrder::relaxed);  // core 0 shares y (the flag): its store is a miss too
        at(kStart);
        p.x.store(42, MemoryOrder::relaxed);  // data
        p.y.store(1, MemoryOrder::release);   // flag, buffered behind the data
      },
      [&](Pair& p) {
        p.y.store(0, MemoryOrder::release);  // core 1 owns the flag...
        p.x.store(0, MemoryOrder::release);  // ...and the data
        SimPlatform::fence();
        while (p.y.load(MemoryOrder::acquire) == 0) SimPlatform::cpu_relax();
        flag_seen_at = SimWorld::current().now();
        data_seen = p.x.load(MemoryOrder::acquire);
      },
      [&](Pair&) { return std::to_string(data_seen) + (flag_seen_at > kStart ? " after" : " before"); });
  EXPECT_EQ(out, "42 after");
}

// A core that runs on without sleeping (a hold, a think: time charged
// ahead of SimGrid's clock) drains a store to a line it owns at the
// store's retire time, not when it next sleeps (here: a miss 150 ns
// later), which kept the store hidden up to a quantum longer than the
// model says. The store log (the GUI's store-buffer lanes) says when.
TEST(StoreBuffer, AStoreDrainsAtItsRetireTimeWhileItsCoreRunsOn) {
  const std::string out = in_child([] {
    std::vector<StoreLogEntry> log;
    Pair* pair = nullptr;
    SimWorker a, b;
    a.id = 1;
    a.core = 0;
    b.id = 2;
    b.core = 1;
    run_simulation(
        two_speed(2, 1, 200'000, 200'000), model(MemoryModel::tso),
        [&](SimWorld& world, const SimHosts& hosts) {
          world.set_store_log(&log);
          pair = new Pair;
          spawn_worker(hosts, a, [&] {
            pair->x.store(0, MemoryOrder::release);  // core 0 owns x
            SimPlatform::fence();
            at(kStart);
            pair->x.store(1, MemoryOrder::release);
            SimWorld::current().charge(150'000);  // busy for 150 ns, never asleep
            pair->y.load(MemoryOrder::relaxed);   // a miss: the core sleeps
          });
          spawn_worker(hosts, b, [&] {
            pair->y.store(0, MemoryOrder::release);  // core 1 owns y
            SimPlatform::fence();
          });
        },
        0, [&](SimWorld&) { delete pair; });
    std::string ns;
    for (const StoreLogEntry& e : log) {
      if (e.bits == 1) ns = std::to_string((e.visible - e.stored) / 1000);
    }
    return ns;
  }).out;
  EXPECT_FALSE(out.empty());
  EXPECT_LT(std::stoull(out), 10U) << "ns from stored to visible";
}

// With a buffered store outstanding, an RMW on another line waits for the
// buffer to drain first (a 200 ns transfer), then takes its own line
// (another 200 ns); the other core sees the store once it sees the RMW.
TEST(StoreBuffer, AnRmwDrainsTheBufferFirst) {
  std::uint32_t x_seen = 9;
  Picos rmw_done = 0;
  const std::string out = run_two(
      model(MemoryModel::tso),
      [&](Pair& p) {
        at(kStart);
        p.x.store(5, MemoryOrder::relaxed);     // core 1 owns x: buffered
        p.y.fetch_add(1, MemoryOrder::acq_rel);  // drains, then takes y from core 1
        rmw_done = SimWorld::current().now();
      },
      [&](Pair& p) {
        p.x.store(0, MemoryOrder::release);  // core 1 owns x and y
        p.y.store(0, MemoryOrder::release);
        SimPlatform::fence();
        while (p.y.load(MemoryOrder::acquire) == 0) SimPlatform::cpu_relax();
        x_seen = p.x.load(MemoryOrder::acquire);
      },
      [&](Pair&) { return std::to_string(x_seen) + (rmw_done >= kStart + 400'000 ? " drained first" : " did not wait"); });
  EXPECT_EQ(out, "5 drained first");
}

// membarrier(2) drains the other core's buffer: after it, a load of what
// the other core stored reads the new value. A light barrier does not. The
// barrier itself costs 1 ns here, less than the drain, so only the drain
// can make the difference.
std::string after_barrier(bool heavy) {
  std::uint32_t seen = 9;
  SimCosts costs = model(MemoryModel::tso);
  costs.heavy_barrier = 1'000;
  return run_two(
      costs,
      [&](Pair& p) {
        p.x.load(MemoryOrder::relaxed);  // core 0 shares x
        at(kStart + 20'000);
        if (heavy) {
          SimPlatform::heavy_barrier();
        } else {
          SimPlatform::light_barrier();
        }
        seen = p.x.load(MemoryOrder::acquire);
      },
      [&](Pair& p) {
        p.x.load(MemoryOrder::relaxed);
        at(kStart);
        p.x.store(3, MemoryOrder::relaxed);  // shared with core 0: buffered while it invalidates
        at(kStart + 100'000'000);            // and the core goes on with other work
      },
      [&](Pair&) { return std::to_string(seen); });
}

TEST(StoreBuffer, AHeavyBarrierDrainsEveryCoresBuffer) { EXPECT_EQ(after_barrier(true), "3"); }

TEST(StoreBuffer, ALightBarrierDoesNotDrainAnotherCore) { EXPECT_EQ(after_barrier(false), "0"); }

// A buffer of depth 1: the second store that misses waits for the first to
// drain (a 200 ns transfer), so the core is not free before then.
Picos time_after_two_stores(std::uint32_t depth) {
  Picos done = 0;
  const std::string out = run_two(
      model(MemoryModel::tso, depth),
      [&](Pair& p) {
        at(kStart);
        p.x.store(1, MemoryOrder::relaxed);
        p.y.store(1, MemoryOrder::relaxed);
        done = SimWorld::current().now();
      },
      [&](Pair& p) {
        p.x.store(0, MemoryOrder::release);  // core 1 owns both lines
        p.y.store(0, MemoryOrder::release);
        SimPlatform::fence();
      },
      [&](Pair&) { return std::to_string(done - kStart); });
  return std::stoull(out);
}

TEST(StoreBuffer, AFullBufferMakesTheCoreWait) {
  EXPECT_LT(time_after_two_stores(56), 10'000U) << "two buffered stores cost two L1 hits";
  EXPECT_GE(time_after_two_stores(1), 200'000U) << "the second waits for the first's transfer";
}

// A run that ends deadlocked leaves its drains blocked on their buffers;
// tearing the world down must not abort on their semaphores (SimGrid does,
// if a semaphore someone waits on is destroyed).
TEST(StoreBuffer, ADeadlockedRunEndsCleanly) {
  const lockscope::testing::ChildResult r = in_child([] {
    std::string out;
    Pair* pair = nullptr;
    SimWorker a;
    a.id = 1;
    a.core = 0;
    // Leaked, as the world leaks what blocked actors wait on.
    simgrid::s4u::Semaphore* never = nullptr;
    const SimulationEnd end = run_simulation(
        two_speed(2, 1, 200'000, 200'000), model(MemoryModel::tso),
        [&](SimWorld&, const SimHosts& hosts) {
          pair = new Pair;
          never = simgrid::s4u::Semaphore::create(0).detach();
          spawn_worker(hosts, a, [&] {
            at(kStart);
            pair->x.store(1, MemoryOrder::relaxed);  // core 0 does not own x: buffered
            never->acquire();
          });
          never->acquire();
        },
        0, [&](SimWorld&) { out = std::to_string(pair->x.load(MemoryOrder::relaxed)); });
    return out + (end.main_finished ? " finished" : " deadlocked");
  });
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "1 deadlocked");
}

}  // namespace
}  // namespace lockscope::engine::sim
