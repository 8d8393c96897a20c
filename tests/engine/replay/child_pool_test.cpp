// run_pool: every run is started once, reported once, with its own result,
// whatever order runs finish in; a child that dies is an error result for
// that run, not a lost run. The children here do not simulate: the pool
// does not care what a run does.
#include "engine/replay/child_pool.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace lockscope::engine::replay {
namespace {

PoolCallbacks callbacks(std::vector<int>& reports, std::vector<ReplayResult>& results) {
  PoolCallbacks cb;
  cb.run = [](std::size_t i) {
    if (i == 3) std::abort();  // a run that dies
    // Later runs finish first: the pool must not assume order.
    ::usleep(static_cast<useconds_t>((10 - i) * 2000));
    ReplayResult r;
    r.seed = 100 + i;
    r.read_ops = i * i;
    return r;
  };
  cb.identity = [](std::size_t i) {
    ReplayResult who;
    who.lock = "pool-test";
    who.seed = 100 + i;
    return who;
  };
  cb.finished = [&](std::size_t i, const ReplayResult& r) {
    reports[i] += 1;
    results[i] = r;
  };
  return cb;
}

TEST(ChildPool, EveryRunIsReportedOnceWithItsOwnResult) {
  for (const unsigned jobs : {0U, 1U, 3U, 64U}) {
    std::vector<int> reports(10, 0);
    std::vector<ReplayResult> results(10);
    const std::vector<std::size_t> order = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
    run_pool(order, jobs, callbacks(reports, results));
    for (std::size_t i = 0; i < 10; ++i) {
      EXPECT_EQ(reports[i], 1) << "run " << i << " with " << jobs << " jobs";
      if (i == 3) {
        EXPECT_FALSE(results[i].error.empty()) << "the child that died is an error";
        EXPECT_EQ(results[i].seed, 103u) << "and says who it was";
      } else {
        EXPECT_TRUE(results[i].error.empty()) << results[i].error;
        EXPECT_EQ(results[i].seed, 100 + i);
        EXPECT_EQ(results[i].read_ops, i * i);
      }
    }
  }
}

TEST(ChildPool, NothingToRunReturnsAtOnce) {
  std::vector<int> reports;
  std::vector<ReplayResult> results;
  run_pool({}, 4, callbacks(reports, results));
  EXPECT_TRUE(reports.empty());
}

}  // namespace
}  // namespace lockscope::engine::replay
