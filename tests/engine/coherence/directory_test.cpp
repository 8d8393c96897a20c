#include "engine/coherence/directory.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace lockscope::engine::coherence {
namespace {

// Four cores in two pairs: 10 ns inside a pair, 100 ns across; memory 80 ns.
CostModel two_pairs() {
  CostModel c;
  c.cores = 4;
  c.l1_hit = 1'000;
  c.memory = 80'000;
  c.transfer.resize(16);
  for (unsigned a = 0; a < 4; ++a) {
    for (unsigned b = 0; b < 4; ++b) c.transfer[a * 4 + b] = a == b ? 1'000 : (a / 2 == b / 2 ? 10'000 : 100'000);
  }
  return c;
}

// two_pairs with a hold of `hold_ps`.
CostModel two_pairs_held(Picos hold_ps) {
  CostModel c = two_pairs();
  c.line_hold = hold_ps;
  return c;
}

struct Fixture {
  Directory dir;
  std::vector<Transfer> log;
  alignas(64) char storage[256] = {};
  explicit Fixture(CostModel costs = two_pairs()) : dir(std::move(costs)) { dir.set_transfer_log(&log); }
  LineId line(int offset, const char* name) {
    return dir.line_at(reinterpret_cast<std::uintptr_t>(&storage[offset]), name);
  }
};

TEST(Directory, FirstLoadFillsFromMemoryThenHits) {
  Fixture f;
  const LineId l = f.line(0, "x");
  EXPECT_EQ(f.dir.access(0, l, Access::load, 0), 80'000U);
  ASSERT_EQ(f.log.size(), 1U);
  EXPECT_EQ(f.log[0].kind, TransferKind::fill);
  EXPECT_EQ(f.log[0].from, kMemory);
  EXPECT_TRUE(f.dir.hits(0, l, Access::load));
  EXPECT_TRUE(f.dir.hits(0, l, Access::store)) << "a lone reader holds the line exclusive";
  EXPECT_EQ(f.dir.access(0, l, Access::store, 100'000), 101'000U);
  EXPECT_EQ(f.log.size(), 1U) << "E to M is silent";
}

TEST(Directory, LogsEverySilentChangeToModified) {
  Fixture f;
  std::vector<Upgrade> up;
  f.dir.set_upgrade_log(&up);
  const LineId l = f.line(0, "x");
  f.dir.access(0, l, Access::load, 0);         // fill: E on core 0, no upgrade
  EXPECT_TRUE(up.empty());
  f.dir.access(0, l, Access::store, 100'000);  // E -> M, silently
  ASSERT_EQ(up.size(), 1U);
  EXPECT_EQ(up[0].time, 100'000U);
  EXPECT_EQ(up[0].core, 0U);
  f.dir.access(0, l, Access::store, 110'000);  // already M: nothing
  EXPECT_EQ(up.size(), 1U);
  f.dir.access(1, l, Access::load, 200'000);   // read_share: both S
  f.dir.access(1, l, Access::rmw, 300'000);    // S -> M with an invalidation of core 0
  ASSERT_EQ(up.size(), 2U);
  EXPECT_EQ(up[1].core, 1U);
  EXPECT_EQ(up[1].time, 310'000U) << "once core 0's acknowledgement is back";
  f.dir.access(2, l, Access::store, 400'000);  // ownership transfer: M says so itself
  EXPECT_EQ(up.size(), 2U);
  const LineId m = f.line(64, "y");
  f.dir.access(3, m, Access::store, 0);        // a store fill: E at the fill's end, then M
  ASSERT_EQ(up.size(), 3U);
  EXPECT_EQ(up[2].time, 80'000U);
  EXPECT_EQ(up[2].line, m);
}

TEST(Directory, LoadMissFromAnOwnerMovesTheLineAndSharesIt) {
  Fixture f;
  const LineId l = f.line(0, "x");
  f.dir.access(0, l, Access::store, 0);
  EXPECT_EQ(f.dir.access(1, l, Access::load, 100'000), 110'000U);
  EXPECT_EQ(f.log.back().kind, TransferKind::read_share);
  EXPECT_EQ(f.log.back().from, 0);
  EXPECT_TRUE(f.dir.hits(0, l, Access::load));
  EXPECT_TRUE(f.dir.hits(1, l, Access::load));
  EXPECT_FALSE(f.dir.hits(0, l, Access::store)) << "shared lines need an upgrade to write";
}

TEST(Directory, StoreInvalidatesEverySharerAndWaitsForTheFarthest) {
  Fixture f;
  const LineId l = f.line(0, "x");
  f.dir.access(0, l, Access::load, 0);
  f.dir.access(1, l, Access::load, 100'000);
  f.dir.access(2, l, Access::load, 200'000);
  f.log.clear();
  // Core 1 upgrades: invalidates 0 (10 ns away) and 2 (100 ns away).
  EXPECT_EQ(f.dir.access(1, l, Access::store, 400'000), 500'000U);
  ASSERT_EQ(f.log.size(), 2U);
  for (const Transfer& t : f.log) EXPECT_EQ(t.kind, TransferKind::invalidation);
  EXPECT_FALSE(f.dir.hits(0, l, Access::load));
  EXPECT_FALSE(f.dir.hits(2, l, Access::load));
  EXPECT_TRUE(f.dir.hits(1, l, Access::store));
  EXPECT_EQ(f.dir.stats(l).invalidations, 2U);
}

TEST(Directory, StoreToAnotherCoresSharedLineTakesDataFromTheNearestSharer) {
  Fixture f;
  const LineId l = f.line(0, "x");
  f.dir.access(0, l, Access::load, 0);
  f.dir.access(2, l, Access::load, 100'000);
  f.log.clear();
  // Core 1: core 0 is 10 ns away, core 2 is 100 ns away.
  f.dir.access(1, l, Access::rmw, 300'000);
  bool saw_data_from_0 = false;
  for (const Transfer& t : f.log) {
    if (t.kind == TransferKind::ownership) saw_data_from_0 = t.from == 0;
  }
  EXPECT_TRUE(saw_data_from_0);
}

// A move from an owner in its hold starts when the hold is over; when the
// owner lets go sooner, the same move starts then, costs the same and is
// logged at its new times, and the owner no longer keeps the line.
TEST(Directory, AHeldMoveCanStartEarlierWhenItsOwnerLetsGo) {
  Fixture f(two_pairs_held(50'000));
  Directory& dir = f.dir;
  const std::vector<Transfer>& log = f.log;
  const LineId l = f.line(0, "x");
  EXPECT_EQ(dir.access(0, l, Access::rmw, 0), 80'000U);  // a fill lands at core 0
  // Core 1 asks at 90 ns: the move waits for the hold (80 + 50 ns).
  EXPECT_EQ(dir.access(1, l, Access::rmw, 90'000), 140'000U);
  EXPECT_EQ(dir.left_at(l), 130'000U);
  EXPECT_TRUE(dir.keeps(0, l, 120'000));
  // Core 0 turns away at 100 ns.
  EXPECT_EQ(dir.move_earlier(l, 100'000), 110'000U);
  EXPECT_EQ(dir.last_moved(l), 110'000U);
  EXPECT_FALSE(dir.keeps(0, l, 100'000));
  EXPECT_TRUE(dir.keeps(0, l, 99'000));
  ASSERT_EQ(log.size(), 2U);
  EXPECT_EQ(log[1].start, 100'000U);
  EXPECT_EQ(log[1].end, 110'000U);
  EXPECT_EQ(log[1].kind, TransferKind::ownership);
  // Never later than it was.
  EXPECT_EQ(dir.move_earlier(l, 120'000), 110'000U);
}

// A request that does not wait for the hold (`wait_for_hold` false) takes
// the line when asked, inside its owner's hold.
TEST(Directory, AMoveThatIsNotHeldStartsWhenAsked) {
  Fixture f(two_pairs_held(50'000));
  Directory& dir = f.dir;
  const LineId l = f.line(0, "x");
  EXPECT_EQ(dir.access(0, l, Access::rmw, 0), 80'000U);
  EXPECT_EQ(dir.access(1, l, Access::rmw, 90'000, false), 100'000U);
  EXPECT_FALSE(dir.keeps(0, l, 90'000));
}

// Only a move that waited for its owner's hold can start earlier: a move
// from sharers after it, the line's latest, is never held, and a later
// let-go must not shift it by the hold of the move before.
TEST(Directory, OnlyAHeldLatestMoveCanStartEarlier) {
  Fixture f(two_pairs_held(50'000));
  Directory& dir = f.dir;
  const LineId l = f.line(0, "x");
  EXPECT_EQ(dir.access(0, l, Access::rmw, 0), 80'000U);
  EXPECT_EQ(dir.access(1, l, Access::load, 95'000), 140'000U);  // held: 130 to 140
  EXPECT_TRUE(dir.held(l));
  EXPECT_EQ(dir.access(2, l, Access::load, 100'000), 240'000U);  // from a sharer: 140 to 240
  EXPECT_FALSE(dir.held(l));
  EXPECT_EQ(dir.move_earlier(l, 100'000), 240'000U);
  EXPECT_EQ(dir.last_moved(l), 240'000U);
}

TEST(Directory, TransfersOfOneLineAreSerialized) {
  Fixture f;
  const LineId l = f.line(0, "counter");
  f.dir.access(0, l, Access::rmw, 0);  // fill: until 80 ns
  // Three cores ask at the same instant: each waits for the one before.
  const Picos a = f.dir.access(1, l, Access::rmw, 100'000);
  const Picos b = f.dir.access(2, l, Access::rmw, 100'000);
  const Picos c = f.dir.access(3, l, Access::rmw, 100'000);
  EXPECT_EQ(a, 110'000U);
  EXPECT_EQ(b, a + 100'000U);
  EXPECT_EQ(c, b + 10'000U);
}

TEST(Directory, DifferentLinesDoNotWaitForEachOther) {
  Fixture f;
  const LineId x = f.line(0, "x");
  const LineId y = f.line(64, "y");
  EXPECT_NE(x, y);
  EXPECT_EQ(f.dir.access(0, x, Access::rmw, 0), 80'000U);
  EXPECT_EQ(f.dir.access(1, y, Access::rmw, 0), 80'000U);
}

TEST(Directory, TwoVariablesInOneLineShareItsNameAndItsTraffic) {
  Fixture f;
  const LineId a = f.line(0, "a.count");
  const LineId b = f.line(8, "b.count");
  EXPECT_EQ(a, b);
  EXPECT_EQ(f.dir.stats(a).name, "a.count + b.count");
  EXPECT_EQ(f.line(16, "a.count"), a);
  EXPECT_EQ(f.dir.stats(a).name, "a.count + b.count") << "a known name is not repeated";
}

// A replay of named locks prefixes a line with the lock that named it first;
// that lock's later variables on the line come unprefixed. Before, a futex
// bucket's word, mutex and queue (one name, one line) read
// "table: glibc-mutex.futex.lock + glibc-mutex.futex.lock".
TEST(Directory, ALineNamedWithItsLocksPrefixDoesNotRepeatThatLocksVariable) {
  Fixture f;
  const LineId l = f.line(0, "table: glibc-mutex.futex.lock");
  EXPECT_EQ(f.line(8, "glibc-mutex.futex.lock"), l);
  EXPECT_EQ(f.dir.stats(l).name, "table: glibc-mutex.futex.lock");
  f.line(16, "other: glibc-mutex.futex.lock");  // another lock's variable is another variable
  EXPECT_EQ(f.dir.stats(l).name, "table: glibc-mutex.futex.lock + other: glibc-mutex.futex.lock");
  f.line(24, "b.count");
  f.line(32, "b.count");
  f.line(40, "count");  // not a variable of the line: only a suffix of one
  EXPECT_EQ(f.dir.stats(l).name,
            "table: glibc-mutex.futex.lock + other: glibc-mutex.futex.lock + b.count + count");
}

TEST(Directory, PingPongCountsOneTransferPerMiss) {
  Fixture f;
  const LineId l = f.line(0, "flag");
  Picos t = 0;
  for (int i = 0; i < 10; ++i) t = f.dir.access(static_cast<unsigned>(i % 2), l, Access::rmw, t);
  EXPECT_EQ(f.dir.stats(l).transfers, 10U);  // one fill + nine ownership moves
  EXPECT_EQ(f.dir.total_transfers(), 10U);
  EXPECT_EQ(f.dir.stats(l).touched_by, (std::vector<bool>{true, true, false, false}));
}

// Per-state costs (from a calibrated machine's [access] table): every kind
// of miss is scaled by the factor of the line's state for that access.
CostModel two_pairs_with_states() {
  CostModel c = two_pairs();
  c.load.modified = 2;
  c.load.exclusive = 3;
  c.load.shared = 1.5;
  c.load.memory = 50'000;
  c.store.modified = 1.2;
  c.store.exclusive = 5;
  c.store.shared_by = {2, 4};
  c.rmw.modified = 0.8;
  c.rmw.memory = 120'000;
  return c;
}

TEST(Directory, PerStateCostsScaleEachKindOfMissByTheLinesState) {
  Directory dir{two_pairs_with_states()};
  alignas(64) static char storage[256];
  auto line = [&](int offset) {
    return dir.line_at(reinterpret_cast<std::uintptr_t>(&storage[offset]), "x");
  };
  const LineId x = line(0);
  EXPECT_EQ(dir.access(0, x, Access::load, 0), 50'000U) << "a load fill costs load_memory";
  EXPECT_EQ(dir.access(1, x, Access::load, 100'000), 130'000U) << "E in core 0: 10 ns x 3";
  EXPECT_EQ(dir.access(2, x, Access::load, 200'000), 350'000U) << "S only: 100 ns x 1.5";
  // Core 1 upgrades, invalidating two other copies (0 and 2): factor [1] = 4,
  // so the farthest acknowledgement takes 100 ns x 4.
  EXPECT_EQ(dir.access(1, x, Access::store, 400'000), 800'000U);
  EXPECT_EQ(dir.access(0, x, Access::rmw, 900'000), 908'000U) << "M in core 1: 10 ns x 0.8";
  EXPECT_EQ(dir.access(1, x, Access::load, 1'000'000), 1'020'000U) << "M in core 0: 10 ns x 2";
  // One other copy (core 0): factor [0] = 2.
  EXPECT_EQ(dir.access(1, x, Access::store, 1'100'000), 1'120'000U);
  EXPECT_EQ(dir.access(3, x, Access::store, 1'200'000), 1'320'000U) << "M in core 1: 100 x 1.2";

  const LineId y = line(64);
  EXPECT_EQ(dir.access(2, y, Access::rmw, 0), 120'000U) << "an RMW fill costs rmw_memory";
  const LineId z = line(128);
  EXPECT_EQ(dir.access(3, z, Access::store, 0), 80'000U) << "no store_memory: memory_ns";
  const LineId w = line(192);
  dir.access(0, w, Access::load, 0);  // E in core 0
  EXPECT_EQ(dir.access(1, w, Access::store, 100'000), 150'000U) << "E in core 0: 10 ns x 5";
}

TEST(Directory, WritingALineSharedByMoreCoresThanMeasuredUsesTheLastFactor) {
  CostModel c = two_pairs();
  c.store.shared_by = {2};
  Directory dir{c};
  alignas(64) static char storage[64];
  const LineId x = dir.line_at(reinterpret_cast<std::uintptr_t>(&storage[0]), "x");
  dir.access(0, x, Access::load, 0);
  dir.access(1, x, Access::load, 100'000);
  dir.access(2, x, Access::load, 200'000);
  // Core 3 writes a line shared by three cores: data from core 2 (10 ns),
  // acknowledgements from 0 and 1 (100 ns), all x 2.
  EXPECT_EQ(dir.access(3, x, Access::store, 400'000), 600'000U);
  EXPECT_EQ(c.store.shared_by_factor(0), 1);
  EXPECT_EQ(c.store.shared_by_factor(1), 2);
  EXPECT_EQ(c.store.shared_by_factor(7), 2);
  EXPECT_EQ(c.rmw.shared_by_factor(3), 1) << "no factors: the plain model";
}

// The defaults charge what the plain model charged; explicit factors of 1
// and a memory cost equal to memory_ns must give the very same run, access
// for access, on a random mix of loads, stores and RMWs.
TEST(Directory, IdentityStateCostsGiveTheDefaultRunExactly) {
  CostModel identity = two_pairs();
  for (StateCosts* s : {&identity.load, &identity.store, &identity.rmw}) {
    s->modified = s->exclusive = s->shared = 1;
    s->shared_by = {1, 1, 1};
    s->memory = identity.memory;
  }
  CostModel scaled_loads = two_pairs();
  scaled_loads.load.shared = 1.5;
  Directory plain{two_pairs()};
  Directory same{identity};
  Directory different{scaled_loads};
  alignas(64) static char storage[4 * 64];
  std::vector<LineId> lines;
  for (int i = 0; i < 4; ++i) {
    const auto at = reinterpret_cast<std::uintptr_t>(&storage[i * 64]);
    lines.push_back(plain.line_at(at, "l"));
    same.line_at(at, "l");
    different.line_at(at, "l");
  }
  std::uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<unsigned>(state >> 33);
  };
  Picos now = 0;
  bool differed = false;
  for (int i = 0; i < 2000; ++i) {
    const unsigned core = next() % 4;
    const LineId l = lines[next() % lines.size()];
    const auto kind = static_cast<Access>(next() % 3);
    const Picos a = plain.access(core, l, kind, now);
    ASSERT_EQ(same.access(core, l, kind, now), a) << "access " << i;
    differed = differed || different.access(core, l, kind, now) != a;
    now += 5'000;
  }
  EXPECT_TRUE(differed) << "a load factor on shared lines must show in the same mix";
}

// The nearest sharer is kept per core while sharers come (add_sharer
// updates it) and forgotten when a write clears them: asked before, during
// and after a line gains sharers one by one, holder() must give what
// costing every sharer gives — the cheapest to the asker, the lowest
// numbered of equal costs — on a matrix with many ties and asymmetries.
TEST(Directory, TheNearestSharerKeptAsSharersComeMatchesCostingEverySharer) {
  constexpr unsigned kCores = 70;  // two words of the sharer bitset
  CostModel c;
  c.cores = kCores;
  c.l1_hit = 1'000;
  c.memory = 80'000;
  c.transfer.resize(std::size_t{kCores} * kCores);
  std::uint64_t x = 12345;
  for (unsigned a = 0; a < kCores; ++a) {
    for (unsigned b = 0; b < kCores; ++b) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      c.transfer[a * kCores + b] = a == b ? 1'000 : 10'000 * (1 + (x >> 61));  // 8 distinct costs: ties
    }
  }
  Directory dir(c);
  alignas(64) static char storage[64];
  const LineId l = dir.line_at(reinterpret_cast<std::uintptr_t>(&storage[0]), "flag");
  std::vector<bool> sharer(kCores, false);
  auto expected = [&](unsigned asker) {
    int best = kMemory;
    for (unsigned s = 0; s < kCores; ++s) {
      if (!sharer[s]) continue;
      if (best == kMemory || c.between(s, asker) < c.between(static_cast<unsigned>(best), asker)) {
        best = static_cast<int>(s);
      }
    }
    return best;
  };
  Picos now = 0;
  for (int round = 0; round < 2; ++round) {
    // A fill, then loads from cores in a scrambled order: the first load
    // makes the owner and the loader sharers, each later one adds itself.
    for (unsigned k = 0; k < kCores; ++k) {
      const unsigned core = (k * 37 + static_cast<unsigned>(round) * 11) % kCores;
      now = dir.access(core, l, Access::load, now);
      if (k == 1) sharer[(static_cast<unsigned>(round) * 11) % kCores] = true;  // the filler, now S
      if (k >= 1) sharer[core] = true;
      if (k % 3 == 0 || k + 1 == kCores) {
        for (unsigned asker = 0; asker < kCores; ++asker) {
          const int want = k == 0 ? static_cast<int>(core) : expected(asker);
          ASSERT_EQ(dir.holder(l, asker), want) << "round " << round << " after " << k + 1 << " loads, asker "
                                                << asker;
        }
      }
    }
    // A store makes one owner; the kept answers must not outlive the sharers.
    now = dir.access(5, l, Access::store, now);
    std::fill(sharer.begin(), sharer.end(), false);
    for (unsigned asker = 0; asker < kCores; ++asker) ASSERT_EQ(dir.holder(l, asker), 5);
    now = dir.access(6, l, Access::load, now);  // 5 and 6 share it
    sharer[5] = sharer[6] = true;
    for (unsigned asker = 0; asker < kCores; ++asker) ASSERT_EQ(dir.holder(l, asker), expected(asker)) << asker;
    // Back to memory for the next round: a store by the next filler.
    now = dir.access((static_cast<unsigned>(round + 1) * 11) % kCores, l, Access::store, now);
    std::fill(sharer.begin(), sharer.end(), false);
  }
}

}  // namespace
}  // namespace lockscope::engine::coherence
