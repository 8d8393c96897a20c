#include "engine/scenario/random.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace lockscope::engine::scenario {
namespace {

TEST(Random, Splitmix64MatchesTheReferenceSequence) {
  std::uint64_t state = 0;
  EXPECT_EQ(splitmix64(state), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(splitmix64(state), 0x6E789E6AA1B965F4ULL);
}

TEST(Random, StreamsOfOneSeedDiffer) {
  Rng a(1, 0);
  Rng b(1, 1);
  Rng c(2, 0);
  const std::uint64_t first = a.next();
  EXPECT_NE(first, b.next());
  EXPECT_NE(first, c.next());
  Rng again(1, 0);
  EXPECT_EQ(first, again.next());
}

TEST(Random, BelowStaysInRangeAndHitsEveryValue) {
  Rng rng(7, 3);
  int seen[7] = {};
  for (int i = 0; i < 7000; ++i) {
    const std::uint64_t v = rng.below(7);
    ASSERT_LT(v, 7U);
    ++seen[v];
  }
  for (int count : seen) EXPECT_GT(count, 800);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(rng.below(1), 0U);
}

TEST(Random, PortableLogAgreesWithStdLog) {
  Rng rng(11, 0);
  for (int i = 0; i < 10000; ++i) {
    const double x = 1.0 - rng.unit();  // (0, 1]
    EXPECT_NEAR(portable_log(x), std::log(x), 1e-13 * (1.0 + std::fabs(std::log(x))));
  }
  EXPECT_EQ(portable_log(1.0), 0.0);
  EXPECT_NEAR(portable_log(1e-300), std::log(1e-300), 1e-10);
  EXPECT_NEAR(portable_log(12345.678), std::log(12345.678), 1e-12);
}

double sample_mean(const Distribution& dist, int n, std::uint64_t* lo = nullptr, std::uint64_t* hi = nullptr) {
  Rng rng(42, 9);
  double sum = 0;
  std::uint64_t min = UINT64_MAX;
  std::uint64_t max = 0;
  for (int i = 0; i < n; ++i) {
    const std::uint64_t v = sample(dist, rng);
    sum += static_cast<double>(v);
    min = std::min(min, v);
    max = std::max(max, v);
  }
  if (lo != nullptr) *lo = min;
  if (hi != nullptr) *hi = max;
  return sum / n;
}

TEST(Random, FixedAlwaysGivesTheMean) {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  EXPECT_EQ(sample_mean(Distribution::fixed(123), 1000, &lo, &hi), 123.0);
  EXPECT_EQ(lo, 123U);
  EXPECT_EQ(hi, 123U);
}

TEST(Random, UniformMeanAndBoundsWithinTolerance) {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  EXPECT_NEAR(sample_mean(Distribution::uniform(20, 60), 200000, &lo, &hi), 40.0, 0.2);
  EXPECT_EQ(lo, 20U);
  EXPECT_EQ(hi, 60U);
}

TEST(Random, ExponentialMeanWithinTolerance) {
  EXPECT_NEAR(sample_mean(Distribution::exponential(1000), 200000), 1000.0, 10.0);
  // Shifted: min + Exp(mean - min) keeps the mean.
  std::uint64_t lo = 0;
  EXPECT_NEAR(sample_mean(Distribution::exponential(150, 20), 200000, &lo), 150.0, 1.5);
  EXPECT_GE(lo, 20U);
}

TEST(Random, ExponentialIsCappedAtMax) {
  std::uint64_t hi = 0;
  const double mean = sample_mean(Distribution::exponential(150, 20, 300), 100000, nullptr, &hi);
  EXPECT_EQ(hi, 300U);
  EXPECT_LT(mean, 150.0);  // the cap removes the tail
}

TEST(Rng, FractionalPermilleHitsItsRateAndWholeValuesDrawLikeChancePermille) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    Rng a(seed, 0), b(seed, 0);
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.chance_fractional_permille(7.0), b.chance_permille(7));
    Rng r(seed, 1);
    int hits = 0;
    constexpr int kDraws = 2'000'000;
    for (int i = 0; i < kDraws; ++i) hits += r.chance_fractional_permille(0.1) ? 1 : 0;
    // Expect 200 (one in 10,000); 5 sigma is about +-71.
    EXPECT_GT(hits, 130) << "seed " << seed;
    EXPECT_LT(hits, 270) << "seed " << seed;
  }
}

}  // namespace
}  // namespace lockscope::engine::scenario
