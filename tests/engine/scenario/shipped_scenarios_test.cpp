#include "engine/scenario/generator.hpp"
#include "engine/scenario/scenario_reader.hpp"
#include "tests/engine/scenario/trace_checker.hpp"
#include "traces/narrative.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace lockscope::engine::scenario {
namespace {

const char* const kShipped[] = {"teaching/bouncing.toml", "teaching/false-sharing.toml",
                                "teaching/writer-storm.toml", "teaching/why-the-fence.toml",
                                "qemu/iothreads.toml"};

std::string path_of(const char* name) { return std::string(LOCKSCOPE_SCENARIO_DIR) + "/" + name; }

TEST(ShippedScenarios, EachParsesAndGeneratesAValidTrace) {
  for (const char* name : kShipped) {
    SCOPED_TRACE(name);
    auto s = read_scenario_file(path_of(name));
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    const traces::WorkloadTrace trace = generate(*s);
    EXPECT_EQ(testing::check_trace(trace), "");
    EXPECT_GT(trace.lock_op_count(), 1000U);
    EXPECT_LT(trace.op_count(), 1'000'000U);  // replays in seconds
    std::printf("%-28s %3zu workers %8llu ops\n", name, trace.workers.size(),
                static_cast<unsigned long long>(trace.op_count()));
  }
}

TEST(ShippedScenarios, EachOpensWithANarrative) {
  for (const char* name : kShipped) {
    SCOPED_TRACE(name);
    EXPECT_GT(traces::narrative(path_of(name)).size(), 200U);
  }
}

TEST(ShippedScenarios, QemuIothreadsExercisesOrphanedReadersMigrationAndTheMainLoop) {
  auto s = read_scenario_file(path_of("qemu/iothreads.toml"));
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  const traces::WorkloadTrace trace = generate(*s);
  std::size_t orphaned = 0;
  std::size_t migrations = 0;
  std::size_t writes = 0;
  for (const auto& plan : trace.workers) {
    bool reading = false;
    for (const traces::Op& op : plan.ops) {
      if (op.kind == traces::OpKind::read_acquire) reading = true;
      if (op.kind == traces::OpKind::read_release) reading = false;
      if (op.kind == traces::OpKind::write_acquire) ++writes;
      if (reading && op.kind == traces::OpKind::destroy_context) ++orphaned;
      if (reading && op.kind == traces::OpKind::move && op.value < trace.initial_contexts &&
          op.value != plan.initial_context) {
        ++migrations;
      }
    }
  }
  EXPECT_GT(orphaned, 5U);
  EXPECT_GT(migrations, 50U);
  EXPECT_EQ(writes, 9U);  // main loop at 200, 400, ... 1800 us
}

TEST(ShippedScenarios, ScaleWithOverrides) {
  for (const char* name : kShipped) {
    SCOPED_TRACE(name);
    auto s = read_scenario_file(path_of(name), std::vector<std::string>{"contexts.count=64",
                                                                        "contexts.workers_per_context=1"});
    ASSERT_TRUE(s.has_value()) << s.error().to_string();
    EXPECT_GE(s->worker_count(), 64U);
  }
}

}  // namespace
}  // namespace lockscope::engine::scenario
