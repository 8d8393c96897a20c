#include "engine/bench/readpath_suite.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lockscope::engine::bench {
namespace {

ReadpathReport small_run(std::vector<std::string> locks, std::vector<std::string>* progress) {
  ReadpathOptions options;
  options.locks = std::move(locks);
  options.duration_ms = 10;
  options.iterations = 10'000;
  options.rounds = 1;
  options.max_threads = 2;
  return run_readpath_suite(options, [&](const std::string& what) { progress->push_back(what); });
}

TEST(ReadpathSuite, MeasuresEachRequestedLockAtEveryThreadCount) {
  std::vector<std::string> progress;
  const ReadpathReport report = small_run({"graph", "central", "std-shared-mutex"}, &progress);
  ASSERT_EQ(report.rows.size(), 3U);
  EXPECT_EQ(report.rows[0].lock, "graph");
  for (const ReadpathRow& row : report.rows) {
    EXPECT_GT(row.uncontended_ns, 0) << row.lock;
    ASSERT_EQ(row.ops_per_sec.size(), 2U) << row.lock;
    EXPECT_GT(row.ops_per_sec[0], 0) << row.lock;
    EXPECT_EQ(row.violations, 0U) << row.lock;
  }
  EXPECT_EQ(progress.size(), 3U * 3U) << "one uncontended and two throughput points per lock";
}

TEST(ReadpathSuite, EvaluatesTheTargetsOfTheLocksItMeasured) {
  std::vector<std::string> progress;
  const ReadpathReport report = small_run({"graph", "central", "std-shared-mutex"}, &progress);
  std::vector<std::string> targets;
  for (const ReadpathCheck& c : report.checks) targets.push_back(c.target);
  ASSERT_EQ(targets.size(), 4U);
  EXPECT_NE(targets[0].find("graph uncontended"), std::string::npos);
  EXPECT_NE(targets[3].find("central"), std::string::npos);
}

TEST(ReadpathSuite, SkipsTargetsOfLocksItDidNotMeasure) {
  std::vector<std::string> progress;
  const ReadpathReport report = small_run({"pthread-rwlock"}, &progress);
  EXPECT_TRUE(report.checks.empty());
}

TEST(ReadpathSuite, JsonHasOneEntryPerLock) {
  std::vector<std::string> progress;
  const std::string json = readpath_json(small_run({"graph", "central"}, &progress));
  EXPECT_NE(json.find("\"suite\": \"readpath\""), std::string::npos);
  EXPECT_NE(json.find("\"lock\": \"graph\""), std::string::npos);
  EXPECT_NE(json.find("\"lock\": \"central\""), std::string::npos);
  EXPECT_NE(json.find("\"read_ops_per_sec\""), std::string::npos);
}

}  // namespace
}  // namespace lockscope::engine::bench
