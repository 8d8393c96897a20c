// The replay's summaries name the memory model only when it is tso: an sc
// run prints and writes exactly what it did before tso existed (the
// goldens compare it byte for byte), and the model survives the child's
// pipe (encode_summary / decode_summary) that every forked replay uses.
#include "engine/replay/summary.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "engine/replay/forked_replay.hpp"
#include "tests/engine/replay/printed_summary.hpp"
#include "traces/workload.hpp"

namespace lockscope::engine::replay {
namespace {

using testing::printed_summary;

ReplayResult a_result(std::string memory_model) {
  ReplayResult r;
  r.lock = "graph";
  r.machine = "epyc-64";
  r.cores = 16;
  r.seed = 7;
  r.memory_model = std::move(memory_model);
  return r;
}

TEST(ReplaySummary, AnScRunDoesNotMentionTheMemoryModel) {
  const ReplayResult r = a_result("sc");
  EXPECT_EQ(printed_summary(r).substr(0, printed_summary(r).find('\n') + 1), "graph on epyc-64 (16 cores), seed 7\n");
  const std::string json = summary_json(r);
  EXPECT_EQ(json.find("memory_model"), std::string::npos) << json;
  EXPECT_NE(json.find("\"seed\": 7,\n  \"sim_time_ns\""), std::string::npos) << json;
}

TEST(ReplaySummary, ATsoRunSaysSoInTheHeaderAndTheJson) {
  const ReplayResult r = a_result("tso");
  const std::string text = printed_summary(r);
  EXPECT_EQ(text.substr(0, text.find('\n') + 1), "graph on epyc-64 (16 cores), seed 7, memory model tso\n");
  const std::string json = summary_json(r);
  EXPECT_NE(json.find("\"seed\": 7,\n  \"memory_model\": \"tso\",\n  \"sim_time_ns\""), std::string::npos) << json;
}

TEST(ForkedReplay, TheMemoryModelCrossesThePipe) {
  EXPECT_EQ(decode_summary(encode_summary(a_result("tso"))).memory_model, "tso");
  EXPECT_EQ(decode_summary(encode_summary(a_result("sc"))).memory_model, "sc");
}

// The whole path: the SimCosts a command builds reach the child, and the
// child's result says which model it ran.
TEST(ForkedReplay, AReplayInAChildReportsTheModelItRan) {
  traces::WorkloadTrace t;
  t.initial_contexts = 2;
  t.workers.resize(2);
  t.workers[1].initial_context = 1;
  for (traces::WorkerPlan& w : t.workers) {
    w.ops = {{traces::OpKind::read_acquire, 0}, {traces::OpKind::hold, 20}, {traces::OpKind::read_release, 0}};
  }
  ReplayOptions o;
  o.lock = "graph";
  o.machine = "flat";
  o.costs.cores = 2;
  o.costs.l1_hit = 1'000;
  o.costs.memory = 90'000;
  o.costs.transfer = {1'000, 40'000, 40'000, 1'000};
  o.costs.socket_of = {0, 0};
  o.costs.cache_of = {0, 0};
  for (const auto& [model, name] : {std::pair{sim::MemoryModel::sc, "sc"}, std::pair{sim::MemoryModel::tso, "tso"}}) {
    o.sim_costs.memory_model = model;
    const ReplayResult r = replay_in_child(t, o, "");
    EXPECT_TRUE(r.error.empty()) << r.error;
    EXPECT_EQ(r.memory_model, name);
    EXPECT_EQ(r.read_ops, 2U);
  }
}

}  // namespace
}  // namespace lockscope::engine::replay
