#include "engine/scenario/generator.hpp"

#include "engine/scenario/scenario_reader.hpp"
#include "tests/engine/scenario/trace_checker.hpp"
#include "traces/fnv1a.hpp"
#include "traces/workload_reader.hpp"
#include "traces/workload_writer.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace lockscope::engine::scenario {
namespace {

using traces::OpKind;

Scenario base() {
  Scenario s;
  s.source = "test.toml";
  s.duration_us = 50;
  s.contexts = 4;
  s.workers_per_context = 2;
  s.think_ns = Distribution::exponential(200);
  s.read_cs_ns = Distribution::uniform(10, 50);
  s.write_cs_ns = Distribution::fixed(100);
  s.write_permille = 50;
  return s;
}

std::string text_of(const traces::WorkloadTrace& trace) {
  std::ostringstream out;
  traces::write_workload(out, trace);
  return out.str();
}

std::uint64_t planned_ns(const traces::WorkerPlan& plan) {
  std::uint64_t ns = 0;
  for (const traces::Op& op : plan.ops) {
    if (op.kind == OpKind::hold || op.kind == OpKind::think) ns += op.value;
  }
  return ns;
}

std::size_t count(const traces::WorkerPlan& plan, OpKind kind) {
  std::size_t n = 0;
  for (const traces::Op& op : plan.ops) n += op.kind == kind ? 1 : 0;
  return n;
}

TEST(Generator, SameScenarioAndSeedGiveAnIdenticalTrace) {
  Scenario s = base();
  s.churn_period_us = 5;
  s.orphan_permille = 500;
  s.migration_permille = 100;
  EXPECT_EQ(text_of(generate(s)), text_of(generate(s)));
}

TEST(Generator, DifferentSeedGivesADifferentTrace) {
  Scenario a = base();
  Scenario b = base();
  b.seed = 2;
  EXPECT_NE(generate(a), generate(b));
}

TEST(Generator, TraceRoundTripsThroughTheWorkloadReader) {
  Scenario s = base();
  s.churn_period_us = 3;
  s.orphan_permille = 500;
  s.migration_permille = 200;
  s.writer_period_us = 10;
  s.writers = 2;
  const traces::WorkloadTrace trace = generate(s);
  EXPECT_EQ(testing::check_trace(trace), "");
  std::istringstream in(text_of(trace));
  auto back = traces::read_workload(in, "generated");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, trace);
}

TEST(Generator, OrdinaryWorkersPlanUntilTheDuration) {
  const Scenario s = base();
  const traces::WorkloadTrace trace = generate(s);
  ASSERT_EQ(trace.workers.size(), 8U);
  EXPECT_EQ(trace.initial_contexts, 4U);
  for (std::size_t w = 0; w < trace.workers.size(); ++w) {
    EXPECT_EQ(trace.workers[w].initial_context, w / 2);
    EXPECT_GE(planned_ns(trace.workers[w]), s.duration_us * 1000);
    // One iteration at most past the end (exponential think tails aside).
    EXPECT_LT(planned_ns(trace.workers[w]), s.duration_us * 1000 + 5000);
  }
}

TEST(Generator, WritePermilleSetsTheShareOfWrites) {
  Scenario s = base();
  s.duration_us = 2000;
  s.write_permille = 100;
  const traces::WorkloadTrace trace = generate(s);
  double writes = 0;
  for (const auto& plan : trace.workers) writes += static_cast<double>(count(plan, OpKind::write_acquire));
  EXPECT_NEAR(writes / static_cast<double>(trace.lock_op_count()), 0.1, 0.01);
}

TEST(Generator, ExpectedIterationIsTheMeanOfWhatTheGeneratorPlans) {
  Scenario s = base();
  s.duration_us = 2000;
  // think 200 + 5 % of a 100 ns write + 95 % of a 10..50 ns read.
  EXPECT_DOUBLE_EQ(expected_iteration_ns(s), 200.0 + 0.05 * 100.0 + 0.95 * 30.0);
  const traces::WorkloadTrace trace = generate(s);
  double sections = 0;
  for (const auto& plan : trace.workers) {
    sections += static_cast<double>(count(plan, OpKind::read_acquire) + count(plan, OpKind::write_acquire));
  }
  const double per_worker = sections / static_cast<double>(trace.workers.size());
  EXPECT_NEAR(per_worker, 2000e3 / expected_iteration_ns(s), 0.03 * per_worker);
  // The estimate the reader limits by is an upper figure: six ops per
  // iteration (migration included), where these plans have four.
  EXPECT_GE(estimated_op_count(s), static_cast<double>(trace.lock_op_count()));
}

TEST(Generator, DedicatedWriterTakesTheWriteLockEveryPeriod) {
  Scenario s = base();
  s.duration_us = 1000;
  s.write_permille = 0;
  s.writer_period_us = 100;
  s.writers = 3;
  s.writer_context = 2;
  const traces::WorkloadTrace trace = generate(s);
  ASSERT_EQ(trace.workers.size(), 11U);
  for (std::size_t w = 8; w < 11; ++w) {
    const traces::WorkerPlan& writer = trace.workers[w];
    EXPECT_EQ(writer.initial_context, 2U);
    EXPECT_EQ(count(writer, OpKind::write_acquire), 9U);  // at 100, 200, ... 900 us
    EXPECT_EQ(count(writer, OpKind::read_acquire), 0U);
  }
  for (std::size_t w = 0; w < 8; ++w) EXPECT_EQ(count(trace.workers[w], OpKind::write_acquire), 0U);
}

TEST(Generator, ChurnUsesPrivateContextsAndOrphansReaders) {
  Scenario s = base();
  s.churn_period_us = 2;
  s.churn_sections = 1;
  s.orphan_permille = 1000;
  const traces::WorkloadTrace trace = generate(s);
  EXPECT_EQ(testing::check_trace(trace), "");
  std::size_t orphans = 0;
  for (std::uint32_t w = 0; w < trace.workers.size(); ++w) {
    const auto& ops = trace.workers[w].ops;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].kind != OpKind::destroy_context) continue;
      EXPECT_EQ(ops[i].value, s.contexts + w);
      // Orphaned reader: rdlock in the private context, hold, move home, destroy, hold, rdunlock.
      ASSERT_GE(i, 3U);
      EXPECT_EQ(ops[i - 1].kind, OpKind::move);
      EXPECT_EQ(ops[i - 1].value, trace.workers[w].initial_context);
      EXPECT_EQ(ops[i - 3].kind, OpKind::read_acquire);
      ASSERT_LT(i + 2, ops.size());
      EXPECT_EQ(ops[i + 2].kind, OpKind::read_release);
      ++orphans;
    }
  }
  EXPECT_GE(orphans, 20U);  // 50 us / 2 us churn events
}

TEST(Generator, MigrationMovesOnlyIntoOtherInitialContexts) {
  Scenario s = base();
  s.migration_permille = 300;
  const traces::WorkloadTrace trace = generate(s);
  EXPECT_EQ(testing::check_trace(trace), "");
  std::size_t moves = 0;
  for (const auto& plan : trace.workers) {
    for (std::size_t i = 0; i < plan.ops.size(); ++i) {
      if (plan.ops[i].kind != OpKind::move || plan.ops[i].value == plan.initial_context) continue;
      EXPECT_LT(plan.ops[i].value, s.contexts);
      ++moves;
    }
  }
  EXPECT_GT(moves, 100U);
}

TEST(Generator, OriginNamesFileSeedAndOverrides) {
  Scenario s = base();
  s.seed = 9;
  s.overrides = {"writes.write_permille=5"};
  EXPECT_EQ(generate(s).origin, "test.toml seed 9 --set writes.write_permille=5");
}

// Pins the generator bit for bit: if this digest changes, every trace
// generated from a scenario changes, which must be deliberate.
TEST(Generator, GoldenDigestPinsTheOutput) {
  Scenario s = base();
  s.churn_period_us = 5;
  s.orphan_permille = 500;
  s.migration_permille = 100;
  s.writer_period_us = 10;
  s.writer_jitter_ns = 300;
  const std::string text = text_of(generate(s));
  EXPECT_EQ(traces::fnv1a64(text), 13232517354235200764ULL) << "size " << text.size();
}

}  // namespace
}  // namespace lockscope::engine::scenario
