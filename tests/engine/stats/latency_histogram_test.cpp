#include "engine/stats/latency_histogram.hpp"

#include <gtest/gtest.h>

namespace lockscope::engine::stats {
namespace {

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 50; ++v) h.record(v);
  EXPECT_EQ(h.samples(), 50U);
  EXPECT_EQ(h.quantile(0.5), 25U);
  EXPECT_EQ(h.quantile(0.99), 50U);
  EXPECT_EQ(h.max(), 50U);
}

TEST(LatencyHistogram, BucketsCoverEveryValueWithBoundedError) {
  for (std::uint64_t v : {64ULL, 65ULL, 100ULL, 1000ULL, 123456ULL, 1ULL << 40, ~0ULL}) {
    const unsigned b = LatencyHistogram::bucket_of(v);
    const std::uint64_t upper = LatencyHistogram::bucket_upper(b);
    EXPECT_GE(upper, v) << v;
    EXPECT_LE(static_cast<double>(upper - v), static_cast<double>(v) / 32.0) << v;
    if (b > 0) {
      EXPECT_LT(LatencyHistogram::bucket_upper(b - 1), v) << v;
    }
  }
}

TEST(LatencyHistogram, QuantilesOfASkewedDistribution) {
  LatencyHistogram h;
  for (int i = 0; i < 990; ++i) h.record(20);
  for (int i = 0; i < 10; ++i) h.record(100'000);
  EXPECT_EQ(h.quantile(0.5), 20U);
  EXPECT_EQ(h.quantile(0.99), 20U);
  EXPECT_GE(h.quantile(0.995), 100'000U);
  EXPECT_EQ(h.summary().max, 100'000U);
}

TEST(LatencyHistogram, QuantileNeverExceedsMax) {
  LatencyHistogram h;
  h.record(1000);
  EXPECT_EQ(h.quantile(1.0), 1000U);
}

TEST(LatencyHistogram, MergeAddsCountsAndKeepsMax) {
  LatencyHistogram a;
  LatencyHistogram b;
  a.record(10);
  b.record(30);
  b.record(5000);
  a.merge(b);
  EXPECT_EQ(a.samples(), 3U);
  EXPECT_EQ(a.max(), 5000U);
  EXPECT_EQ(a.quantile(0.5), 30U);
}

TEST(LatencyHistogram, EmptyIsAllZero) {
  const LatencySummary s = LatencyHistogram{}.summary();
  EXPECT_EQ(s.samples + s.p50 + s.p99 + s.max, 0U);
}

}  // namespace
}  // namespace lockscope::engine::stats
