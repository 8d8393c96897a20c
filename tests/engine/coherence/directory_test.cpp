#include "engine/coherence/directory.hpp"

#include <gtest/gtest.h>

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

struct Fixture {
  Directory dir{two_pairs()};
  std::vector<Transfer> log;
  alignas(64) char storage[256] = {};
  Fixture() { dir.set_transfer_log(&log); }
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

TEST(Directory, PingPongCountsOneTransferPerMiss) {
  Fixture f;
  const LineId l = f.line(0, "flag");
  Picos t = 0;
  for (int i = 0; i < 10; ++i) t = f.dir.access(static_cast<unsigned>(i % 2), l, Access::rmw, t);
  EXPECT_EQ(f.dir.stats(l).transfers, 10U);  // one fill + nine ownership moves
  EXPECT_EQ(f.dir.total_transfers(), 10U);
  EXPECT_EQ(f.dir.stats(l).touched_by, (std::vector<bool>{true, true, false, false}));
}

}  // namespace
}  // namespace lockscope::engine::coherence
