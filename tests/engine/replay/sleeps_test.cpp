// The replay counts the blocking waits that slept (SimWorld::sleeps): a
// reader that meets a writer holding the lock for longer than any poll
// sleeps in the reader queue and is woken; workers that never meet do not
// sleep. The count crosses the child's pipe and reaches the JSON and the
// terminal summary.
#include <gtest/gtest.h>

#include <string>

#include "engine/replay/forked_replay.hpp"
#include "engine/replay/summary.hpp"
#include "tests/engine/replay/printed_summary.hpp"

namespace lockscope::engine::replay {
namespace {

using traces::OpKind;

ReplayResult run(const traces::WorkloadTrace& trace, const std::string& lock) {
  ReplayOptions o;
  o.lock = lock;
  o.machine = "flat";
  o.costs.cores = 2;
  o.costs.l1_hit = 1'000;
  o.costs.memory = 90'000;
  o.costs.transfer = {1'000, 40'000, 40'000, 1'000};
  o.costs.socket_of = {0, 0};
  o.costs.cache_of = {0, 1};
  return replay_in_child(trace, o, "");
}

// Worker 0 writes for 200 us; worker 1 asks to read 1 us in.
traces::WorkloadTrace writer_and_late_reader(std::uint64_t reader_starts_ns) {
  traces::WorkloadTrace t;
  t.initial_contexts = 2;
  t.workers.resize(2);
  t.workers[1].initial_context = 1;
  t.workers[0].ops = {{OpKind::write_acquire}, {OpKind::hold, 200'000}, {OpKind::write_release}};
  t.workers[1].ops = {{OpKind::think, reader_starts_ns}, {OpKind::read_acquire}, {OpKind::hold, 10},
                      {OpKind::read_release}};
  return t;
}

using testing::printed_summary;

TEST(ReplaySleeps, AReaderBehindALongWriteSleepsOnce) {
  for (const char* lock : {"graph", "central", "glibc-rwlock"}) {
    const ReplayResult r = run(writer_and_late_reader(1'000), lock);
    ASSERT_TRUE(r.error.empty() && !r.deadlock) << lock << ": " << r.error;
    EXPECT_EQ(r.lock_ops(), 2U) << lock;
    EXPECT_EQ(r.sleeps, 1U) << lock;
    EXPECT_DOUBLE_EQ(r.sleeps_per_op(), 0.5) << lock;
  }
}

TEST(ReplaySleeps, WorkersThatNeverMeetNeverSleep) {
  // The reader comes after the write: nobody waits.
  const ReplayResult r = run(writer_and_late_reader(400'000), "graph");
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.sleeps, 0U);
  const std::string json = summary_json(r);
  EXPECT_NE(json.find("\"sleeps\": 0,\n  \"sleeps_per_op\": 0,"), std::string::npos) << json;
  const ReplayResult slept = run(writer_and_late_reader(1'000), "graph");
  EXPECT_NE(printed_summary(slept).find("  sleeps              1 (0.5000 per operation)\n"), std::string::npos)
      << printed_summary(slept);
}

}  // namespace
}  // namespace lockscope::engine::replay
