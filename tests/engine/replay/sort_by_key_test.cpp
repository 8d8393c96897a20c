#include "engine/replay/sort_by_key.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "traces/timeline.hpp"

namespace lockscope::engine::replay {
namespace {

using traces::CounterSample;

void sort_by_time(std::vector<CounterSample>& v, std::vector<CounterSample>& scratch) {
  sort_by_key(v, scratch, [](const CounterSample& s) { return s.time; });
}

void sort_by_time(std::vector<CounterSample>& v) {
  std::vector<CounterSample> scratch;
  sort_by_time(v, scratch);
}

std::vector<CounterSample> stable_sorted(std::vector<CounterSample> v) {
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.time < b.time; });
  return v;
}

// Keyed by time as the recorder makes them: times near each other, out of
// order by up to a quantum, many equal (the values, in arrival order, tell equal times
// apart: a stable sort keeps that order).
TEST(SortByKey, EqualsAStableSortOnRecorderLikeSamples) {
  std::mt19937_64 rng(3);
  for (const std::uint64_t base : {std::uint64_t{0}, std::uint64_t{1} << 40, ~std::uint64_t{0} - (1U << 30)}) {
    std::vector<CounterSample> v;
    for (std::int64_t i = 0; i < 200'000; ++i) {
      const std::uint64_t t = base + static_cast<std::uint64_t>(i) * 40'000 + rng() % 200'000;
      v.push_back({(rng() % 8 == 0) ? base + static_cast<std::uint64_t>(i / 4) * 40'000 : t, i});
    }
    const auto want = stable_sorted(v);
    sort_by_time(v);
    EXPECT_EQ(v, want) << "base " << base;
  }
}

TEST(SortByKey, EqualsAStableSortOnArbitraryTimes) {
  std::mt19937_64 rng(4);
  for (int round = 0; round < 20; ++round) {
    std::vector<CounterSample> v(static_cast<std::size_t>(rng() % 5000));
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::uint64_t r = rng();
      v[i] = {round % 2 == 0 ? r : r % 16, static_cast<std::int64_t>(i)};
    }
    const auto want = stable_sorted(v);
    sort_by_time(v);
    EXPECT_EQ(v, want) << "round " << round;
  }
}

TEST(SortByKey, LeavesSortedAndTinyInputsAlone) {
  std::vector<CounterSample> empty;
  sort_by_time(empty);
  EXPECT_TRUE(empty.empty());
  std::vector<CounterSample> one{{5, 1}};
  sort_by_time(one);
  EXPECT_EQ(one, (std::vector<CounterSample>{{5, 1}}));
  std::vector<CounterSample> sorted{{1, 0}, {1, 1}, {2, 2}, {9, 3}};
  const auto copy = sorted;
  sort_by_time(sorted);
  EXPECT_EQ(sorted, copy);
}

// StepCounters passes the scratch it keeps from chunk to chunk: too small,
// it is grown; large, reused; its old contents never leak into the result.
TEST(SortByKey, AGivenScratchOfAnySizeGivesTheSameResult) {
  std::mt19937_64 rng(5);
  std::vector<CounterSample> v;
  for (std::int64_t i = 0; i < 50'000; ++i) v.push_back({rng() % 1'000'000, i});
  const auto want = stable_sorted(v);
  for (const std::size_t capacity : {std::size_t{0}, std::size_t{10}, std::size_t{50'000}, std::size_t{200'000}}) {
    std::vector<CounterSample> scratch(capacity, CounterSample{7, -1});
    auto copy = v;
    sort_by_time(copy, scratch);
    EXPECT_EQ(copy, want) << "scratch of " << capacity;
  }
}

}  // namespace
}  // namespace lockscope::engine::replay
