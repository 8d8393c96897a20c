#include "engine/replay/step_counters.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace lockscope::engine::replay {
namespace {

using traces::CounterSample;

std::vector<CounterSample> samples_of(StepCounters& c, std::size_t counter = 0) {
  std::vector<CounterSample> out;
  c.take_samples(counter, out);
  return out;
}

// The header's example: a reader entering at 5 executed before one entering
// at 4 still shows one reader at 4 and two at 5.
TEST(StepCounters, StepsExecutedOutOfTimeOrderGiveTheCountAtEachTime) {
  StepCounters c(1, false);
  c.step(0, 5, true);
  c.step(0, 4, true);
  c.step(0, 9, false);
  c.step(0, 7, false);
  EXPECT_EQ(samples_of(c), (std::vector<CounterSample>{{4, 1}, {5, 2}, {7, 1}, {9, 0}}));
}

TEST(StepCounters, StepsAtOneTimeFoldIntoOneSample) {
  StepCounters c(1, false);
  c.step(0, 3, true);
  c.step(0, 3, true);
  c.step(0, 6, true);
  c.step(0, 6, false);  // in and out at 6: no change, one sample
  c.step(0, 8, false);
  EXPECT_EQ(samples_of(c), (std::vector<CounterSample>{{3, 2}, {6, 2}, {8, 1}}));
}

struct Interval {
  std::uint64_t in, out;
};

// Workers, each with its intervals in its own time order.
std::vector<std::vector<Interval>> workers_intervals(std::mt19937_64& rng, std::size_t workers, int each) {
  std::vector<std::vector<Interval>> out(workers);
  for (auto& w : out) {
    std::uint64_t at = rng() % 1000;
    for (int i = 0; i < each; ++i) {
      const std::uint64_t in = at + rng() % 300;
      const std::uint64_t out_at = in + rng() % 200;  // zero-length sometimes
      w.push_back({in, out_at});
      at = out_at;
    }
  }
  return out;
}

// Steps into two counters at once (the second counts every interval
// twice), interleaved by worker in runs of a few intervals, as the
// simulator executes them. Every sample must be the number of intervals
// [in, out) that hold its time: #(in <= t) - #(out <= t).
void expect_counts(std::size_t chunk, bool beside, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto workers = workers_intervals(rng, 16, 2500);
  StepCounters c(2, beside, chunk);
  std::vector<std::size_t> next(workers.size());
  for (bool more = true; more;) {
    more = false;
    for (std::size_t w = 0; w < workers.size(); ++w) {
      for (std::size_t k = rng() % 4; k > 0 && next[w] < workers[w].size(); --k, ++next[w]) {
        const Interval& v = workers[w][next[w]];
        c.step(0, v.in, true);
        c.step(1, v.in, true);
        c.step(1, v.in, true);
        c.step(0, v.out, false);
        c.step(1, v.out, false);
        c.step(1, v.out, false);
      }
      more = more || next[w] < workers[w].size();
    }
  }
  std::vector<std::uint64_t> ins, outs;
  for (const auto& w : workers) {
    for (const Interval& v : w) {
      ins.push_back(v.in);
      outs.push_back(v.out);
    }
  }
  std::sort(ins.begin(), ins.end());
  std::sort(outs.begin(), outs.end());
  const auto count_at = [&](std::uint64_t t) {
    return (std::upper_bound(ins.begin(), ins.end(), t) - ins.begin()) -
           (std::upper_bound(outs.begin(), outs.end(), t) - outs.begin());
  };
  for (std::size_t counter = 0; counter < 2; ++counter) {
    const auto samples = samples_of(c, counter);
    ASSERT_GT(samples.size(), 1000U);
    for (std::size_t i = 0; i < samples.size(); ++i) {
      if (i > 0) {
        ASSERT_LT(samples[i - 1].time, samples[i].time) << "chunk " << chunk;
      }
      ASSERT_EQ(samples[i].value, static_cast<std::int64_t>(counter + 1) * count_at(samples[i].time))
          << "chunk " << chunk << " beside " << beside << " counter " << counter << " at " << samples[i].time;
    }
    EXPECT_EQ(samples.back().value, 0);
  }
}

// Chunks from one step to more than a counter's steps, sorted in the
// simulation's thread and beside it (not one step at a time: a hand-off per
// step is slow under the sanitizers and tests nothing more than seven).
TEST(StepCounters, EqualsACountOfIntervalsAtEverySampleTimeWhateverTheChunks) {
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{1000}, StepCounters::kChunk}) {
    for (const bool beside : {false, true}) {
      if (!beside || chunk > 1) expect_counts(chunk, beside, 11 + chunk);
    }
  }
}

TEST(StepCounters, ACounterWithNoStepsHasNoSamples) {
  StepCounters c(3, true, 4);
  for (std::uint64_t t = 0; t < 100; ++t) c.step(1, t, t % 2 == 0);
  EXPECT_TRUE(samples_of(c, 0).empty());
  EXPECT_EQ(samples_of(c, 1).size(), 100U);
  EXPECT_TRUE(samples_of(c, 2).empty());
}

}  // namespace
}  // namespace lockscope::engine::replay
