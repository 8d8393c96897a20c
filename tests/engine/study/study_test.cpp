// The study's microbenchmarks on machines small enough to work out by hand:
// what the coherence model charges is what they report.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "engine/machine/presets.hpp"
#include "engine/study/microbenchmark.hpp"
#include "engine/study/study.hpp"

namespace lockscope::engine::study {
namespace {

// Two cores of one die, a line moves between them in 100 ns; an L1 hit
// costs 1 ns.
machine::Machine toy(double fence_ns) {
  machine::MachineParameters p;
  p.name = "toy-2";
  p.clock_ghz = 1;
  p.l1_hit_ns = 1;
  p.fence_ns = fence_ns;
  return machine::uniform_topology(p, 1, 2, 100, 100, "die");
}

// ccbench on the toy: a load from the other core's Modified line is one
// transfer; a CAS is one transfer after the fence its lock prefix drains.
TEST(StudyMicrobenchmark, BounceIsOneTransferPlusTheFence) {
  const machine::Machine m = toy(8);
  for (const Op op : {Op::load, Op::cas, Op::fai}) {
    SCOPED_TRACE(std::string(to_string(op)));
    auto ns = bounce_latency_ns(m, 0, 1, op, BounceOptions{.rounds = 5});
    ASSERT_TRUE(ns.has_value()) << ns.error();
    EXPECT_NEAR(*ns, op == Op::load ? 100.0 : 108.0, 1e-9);
  }
}

// Two workers hammering one line with fetch_add: every operation takes the
// line from the other core, one after another (a line is in one place at a
// time), so the pair completes one operation per transfer: 1 / 100 ns =
// 10 M per second. Within rounding: the window may cut one operation.
TEST(StudyMicrobenchmark, TwoCoresContendedIsOneOverTheLatency) {
  const machine::Machine m = toy(0);
  ContendedOptions o;
  o.duration_ns = 100'000;
  o.warmup_ns = 1'000;
  auto r = contended_throughput(m, 2, Op::fai, o);
  ASSERT_TRUE(r.has_value()) << r.error();
  const double expected_ops = o.duration_ns / 100.0;  // 1000
  EXPECT_NEAR(static_cast<double>(r->ops), expected_ops, 1.0);
  EXPECT_NEAR(r->ops_per_sec, 1e9 / 100.0, 1e9 / 100.0 * 0.002);
  EXPECT_NEAR(one_transfer_bound_mops(m, 2), 10.0, 1e-9);
}

// One worker alone keeps the line: every operation is an L1 hit.
TEST(StudyMicrobenchmark, OneCoreIsL1Hits) {
  const machine::Machine m = toy(0);
  ContendedOptions o;
  o.duration_ns = 10'000;
  o.warmup_ns = 1'000;
  auto r = contended_throughput(m, 1, Op::fai, o);
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_NEAR(static_cast<double>(r->ops), o.duration_ns / m.l1_hit_ns, 1.0);
}

TEST(Study, TheSosp13XeonStudyNamesItsPresetAndSources) {
  const Study* s = find_study("sosp13-xeon");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(find_study("no-such-study"), nullptr);
  EXPECT_TRUE(machine::preset(s->machine).has_value());
  EXPECT_FALSE(s->latencies.empty());
  bool held_out = false;
  for (const PublishedLatency& p : s->latencies) {
    EXPECT_GT(p.cycles, 0);
    EXPECT_LT(p.distance, s->distance_names.size());
    EXPECT_NE(p.source.find("Table 2"), std::string_view::npos);
    held_out = held_out || !p.fitted;
  }
  EXPECT_TRUE(held_out) << "a replay that only checks fitted figures checks nothing";
  EXPECT_FALSE(s->threads.empty());
}

}  // namespace
}  // namespace lockscope::engine::study
