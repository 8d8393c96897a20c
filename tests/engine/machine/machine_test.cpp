#include "engine/machine/machine.hpp"

#include <gtest/gtest.h>

#include "engine/machine/presets.hpp"

namespace lockscope::engine::machine {
namespace {

Machine two_by_two() {
  MachineParameters p;
  p.name = "pair";
  return make_machine(p, {"a", "b"}, {0, 30, 40, 0});
}

TEST(Machine, MakeMachineWritesL1OnTheDiagonal) {
  const Machine m = two_by_two();
  EXPECT_EQ(m.cores(), 2U);
  EXPECT_EQ(m.latency(0, 0), m.l1_hit_ns);
  EXPECT_EQ(m.latency(0, 1), 30);  // row = from, column = to
  EXPECT_EQ(m.latency(1, 0), 40);
  EXPECT_TRUE(validate(m).has_value());
  EXPECT_FALSE(summarize(m).symmetric);
}

TEST(Machine, ValidateNamesTheFirstViolation) {
  Machine m = two_by_two();
  m.latency_ns[1] = 0;
  ASSERT_FALSE(validate(m).has_value());
  EXPECT_NE(validate(m).error().find("latency[0][1]"), std::string::npos);

  m = two_by_two();
  m.latency_ns[0] = 5;
  EXPECT_FALSE(validate(m).has_value());

  m = two_by_two();
  m.fence_ns = -1;
  EXPECT_NE(validate(m).error().find("fence_ns"), std::string::npos);

  m = two_by_two();
  m.latency_ns.pop_back();
  EXPECT_FALSE(validate(m).has_value());

  EXPECT_FALSE(validate(Machine{}).has_value());
}

TEST(Machine, FirstCoresKeepsTheTopLeftOfTheMatrix) {
  const Machine epyc = *preset("epyc-64");
  auto m = first_cores(epyc, 12);
  ASSERT_TRUE(m.has_value()) << m.error();
  EXPECT_EQ(m->cores(), 12U);
  EXPECT_EQ(m->name, epyc.name);
  EXPECT_TRUE(validate(*m).has_value());
  for (unsigned i = 0; i < 12; ++i) {
    EXPECT_EQ(m->core_group[i], epyc.core_group[i]);
    for (unsigned j = 0; j < 12; ++j) EXPECT_EQ(m->latency(i, j), epyc.latency(i, j));
  }
  EXPECT_EQ(*first_cores(epyc, 64), epyc);
}

TEST(Machine, FirstCoresRejectsZeroAndTooMany) {
  const Machine laptop = *preset("laptop-8");
  EXPECT_FALSE(first_cores(laptop, 0).has_value());
  auto too_many = first_cores(laptop, 9);
  ASSERT_FALSE(too_many.has_value());
  EXPECT_NE(too_many.error().find("8"), std::string::npos) << too_many.error();
}

TEST(Machine, InferCoreGroupsFindsClusters) {
  // Cores 0, 2 close; 1, 3 close; far otherwise.
  const std::vector<double> lat = {1,  100, 20, 100,  //
                                   100, 1,  100, 22,  //
                                   20, 100, 1,  100,  //
                                   100, 22, 100, 1};
  EXPECT_EQ(infer_core_groups(4, lat),
            (std::vector<std::string>{"group0", "group1", "group0", "group1"}));
}

TEST(Machine, InferCoreGroupsKeepsAFlatMatrixInOneGroup) {
  const std::vector<double> lat = {1, 20, 25, 20, 1, 30, 25, 30, 1};
  EXPECT_EQ(infer_core_groups(3, lat), (std::vector<std::string>(3, "group0")));
}

TEST(Machine, SummarizeSplitsNearAndFar) {
  const LatencySummary s = summarize(*preset("ryzen-16"));
  EXPECT_EQ(s.groups, 2U);
  EXPECT_EQ(s.near.count, 2U * 8 * 7);
  EXPECT_EQ(s.far.count, 2U * 8 * 8);
  EXPECT_LT(s.near.max, s.far.min);
}

// The five topology presets predate per-state costs, and must simulate as
// they always did (tests/golden compares their outputs byte for byte).
TEST(Machine, TopologyPresetsGiveNoPerStateCostsAndTheDefaultScheduler) {
  for (std::string_view name : {"laptop-8", "ryzen-16", "epyc-64", "xeon-2s-56", "mesh-1024"}) {
    SCOPED_TRACE(name);
    const Machine m = *preset(name);
    EXPECT_FALSE(m.access.given());
    EXPECT_EQ(m.arbitration, Arbitration::nearest_first);
    EXPECT_EQ(m.memory_model, MemoryModel::sc);
    EXPECT_EQ(m.scheduler, Scheduler{});
  }
}

TEST(Machine, ValidateChecksPerStateCostsAndTheScheduler) {
  Machine m = two_by_two();
  m.access.rmw.modified_ns = 40;
  ASSERT_FALSE(validate(m).has_value()) << "a cost without its reference latency";
  EXPECT_NE(validate(m).error().find("reference_ns"), std::string::npos) << validate(m).error();
  m.access.reference_ns = 30;
  EXPECT_TRUE(validate(m).has_value()) << validate(m).error();
  m.access.store.shared_by_ns = {35, -1};
  ASSERT_FALSE(validate(m).has_value());
  EXPECT_NE(validate(m).error().find("store_shared_ns[1]"), std::string::npos)
      << validate(m).error();
  m.access.store.shared_by_ns = {35};
  m.access.load.shared_by_ns = {35};
  EXPECT_FALSE(validate(m).has_value()) << "loads take one shared_ns";
  m.access.load.shared_by_ns.clear();
  m.scheduler.slice_us = 0;
  ASSERT_FALSE(validate(m).has_value());
  EXPECT_NE(validate(m).error().find("slice_us"), std::string::npos) << validate(m).error();
  m.scheduler.slice_us = 3000;
  // The wake-up curve: paired, positive, idle times rising.
  m.scheduler.wake_idle_ns = {5000, 50000};
  m.scheduler.wake_after_idle_ns = {11000, 18000};
  EXPECT_TRUE(validate(m).has_value()) << validate(m).error();
  m.scheduler.wake_after_idle_ns = {11000};
  ASSERT_FALSE(validate(m).has_value());
  EXPECT_NE(validate(m).error().find("they pair up"), std::string::npos) << validate(m).error();
  m.scheduler.wake_after_idle_ns = {11000, -1};
  ASSERT_FALSE(validate(m).has_value());
  EXPECT_NE(validate(m).error().find("wake_after_idle_ns[1]"), std::string::npos) << validate(m).error();
  m.scheduler.wake_after_idle_ns = {11000, 18000};
  m.scheduler.wake_idle_ns = {50000, 50000};
  ASSERT_FALSE(validate(m).has_value());
  EXPECT_NE(validate(m).error().find("must rise"), std::string::npos) << validate(m).error();
}

TEST(Machine, ArbitrationNamesReadBack) {
  for (const Arbitration a : {Arbitration::nearest_first, Arbitration::arrival, Arbitration::fifo}) {
    EXPECT_EQ(parse_arbitration(to_string(a)), a);
  }
  EXPECT_FALSE(parse_arbitration("nearest_first").has_value());
}

// A sweep and --cores replay the first N cores of a machine: the model and
// the buffer depth must come along, or a tso sweep would run sc.
TEST(Machine, FirstCoresKeepsTheMemoryModel) {
  Machine m = *preset("laptop-8");
  m.memory_model = MemoryModel::tso;
  m.store_buffer_depth = 12;
  const auto two = first_cores(m, 2);
  ASSERT_TRUE(two.has_value()) << two.error();
  EXPECT_EQ(two->memory_model, MemoryModel::tso);
  EXPECT_EQ(two->store_buffer_depth, 12U);
}

TEST(Machine, MemoryModelNamesReadBack) {
  for (const MemoryModel m : {MemoryModel::sc, MemoryModel::tso}) EXPECT_EQ(parse_memory_model(to_string(m)), m);
  EXPECT_EQ(to_string(MemoryModel::tso), "tso");
  EXPECT_FALSE(parse_memory_model("TSO").has_value());
  EXPECT_FALSE(parse_memory_model("").has_value());
}

TEST(Machine, ValidateChecksTheStoreBufferDepth) {
  Machine m = two_by_two();
  EXPECT_EQ(m.memory_model, MemoryModel::sc);
  EXPECT_EQ(m.store_buffer_depth, 56U);
  m.memory_model = MemoryModel::tso;
  for (const std::uint32_t ok : {1U, 56U, kMaxStoreBufferDepth}) {
    m.store_buffer_depth = ok;
    EXPECT_TRUE(validate(m).has_value()) << ok << ": " << validate(m).error();
  }
  for (const std::uint32_t bad : {0U, kMaxStoreBufferDepth + 1}) {
    m.store_buffer_depth = bad;
    ASSERT_FALSE(validate(m).has_value()) << bad;
    EXPECT_NE(validate(m).error().find("store_buffer_depth"), std::string::npos) << validate(m).error();
  }
  m.store_buffer_depth = 56;
  m.memory_model = static_cast<MemoryModel>(7);
  ASSERT_FALSE(validate(m).has_value());
  EXPECT_NE(validate(m).error().find("memory_model"), std::string::npos) << validate(m).error();
}

}  // namespace
}  // namespace lockscope::engine::machine
