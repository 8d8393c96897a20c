#include "gui/model/timeline_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "gui/model/run_stats.hpp"
#include "small_timeline.hpp"
#include "traces/cacheline_table.hpp"
#include "traces/timeline_file.hpp"

namespace lockscope::gui {
namespace {

using S = traces::WorkerState;

std::uint64_t total_count(const std::vector<Mark>& marks) {
  return std::accumulate(marks.begin(), marks.end(), std::uint64_t{0},
                         [](std::uint64_t n, const Mark& m) { return n + m.count; });
}

TEST(TimelineModel, LanesAreGroupedByCoreThenLines) {
  const TimelineModel m(testing::small_timeline());
  ASSERT_EQ(m.lanes().size(), 4U);
  EXPECT_EQ(m.lanes()[0].label, "a");
  EXPECT_EQ(m.lanes()[0].core, 0U);
  EXPECT_EQ(m.lanes()[1].label, "b");
  EXPECT_EQ(m.lanes()[2].kind, LaneKind::line);
  EXPECT_EQ(m.lanes()[2].label, "counter");
  EXPECT_EQ(m.event_count(0), 4U);
  EXPECT_EQ(m.event_count(2), 2U);
  EXPECT_EQ(m.event_count(3), 1U);
  EXPECT_EQ(m.end_time(), 10000U);
}

TEST(TimelineModel, LoadsAFileAndRejectsATruncatedOne) {
  const auto path = std::filesystem::temp_directory_path() / "lockscope_gui_model_test.lstl";
  ASSERT_TRUE(traces::write_timeline_file(path, testing::small_timeline()));
  auto loaded = traces::read_timeline_file(path);
  ASSERT_TRUE(loaded);
  const TimelineModel m(std::move(*loaded));
  EXPECT_EQ(m.timeline(), testing::small_timeline());
  const auto bytes = *traces::encode_timeline(testing::small_timeline());
  const auto truncated = traces::decode_timeline(std::string_view(bytes).substr(0, bytes.size() - 5), "t.lstl");
  EXPECT_FALSE(truncated);
  std::filesystem::remove(path);
}

TEST(TimelineModel, VisibleAtFullResolutionReturnsTheSpans) {
  const TimelineModel m(testing::small_timeline());
  const auto marks = m.visible(0, 0, 10000, 1000);
  ASSERT_EQ(marks.size(), 4U);
  EXPECT_EQ(marks[1].start, 1000U);
  EXPECT_EQ(marks[1].end, 5000U);
  EXPECT_EQ(marks[1].state, S::reading);
  EXPECT_FALSE(marks[1].folded());
  // A window inside one span gives that span.
  const auto inner = m.visible(1, 3000, 4000, 100);
  ASSERT_EQ(inner.size(), 1U);
  EXPECT_EQ(inner[0].state, S::draining);
  const auto ticks = m.visible(2, 0, 10000, 1000);
  ASSERT_EQ(ticks.size(), 2U);
  EXPECT_EQ(ticks[0].transfer, 1U);
}

TEST(TimelineModel, SubPixelSpansFoldIntoOneMarkWithTheirCount) {
  const TimelineModel m(testing::small_timeline());
  // 10 ns across 2 pixels: the 1 ns span cannot be drawn alone.
  const auto marks = m.visible(0, 0, 10000, 2);
  EXPECT_EQ(total_count(marks), 4U);
  const auto ticks = m.visible(2, 0, 10000, 1);
  ASSERT_EQ(ticks.size(), 1U);
  EXPECT_EQ(ticks[0].count, 2U);
}

traces::Timeline dense_timeline(std::size_t spans, std::size_t transfers) {
  traces::Timeline t;
  t.cores = 1;
  std::mt19937 rng(7);
  traces::TimelineWorker w{"w", 0, {}};
  std::uint64_t now = 0;
  for (std::size_t i = 0; i < spans; ++i) {
    const std::uint64_t len = 1 + rng() % 20;
    w.spans.push_back({now, now + len, static_cast<S>(rng() % traces::kWorkerStateCount)});
    now += len;
  }
  t.workers.push_back(std::move(w));
  t.end_time = now;
  t.lines = {{"l"}};
  for (std::size_t i = 0; i < transfers; ++i) {
    const std::uint64_t s = i * (now / transfers);
    t.transfers.push_back({s, s + 3, 0, -1, 0, traces::TransferKind::fill});
  }
  return t;
}

TEST(TimelineModel, LevelOfDetailConservesCounts) {
  const TimelineModel m(dense_timeline(200000, 50000));
  EXPECT_GT(m.level_count(0), 5U);
  for (const double pixels : {1.0, 37.0, 1000.0, 1920.0, 50000.0}) {
    const auto marks = m.visible(0, 0, static_cast<double>(m.end_time()), pixels);
    EXPECT_EQ(total_count(marks), 200000U) << pixels;
    EXPECT_LE(static_cast<double>(marks.size()), 2 * pixels + 2) << pixels;
    const auto ticks = m.visible(1, 0, static_cast<double>(m.end_time()), pixels);
    EXPECT_EQ(total_count(ticks), 50000U) << pixels;
    EXPECT_LE(static_cast<double>(ticks.size()), pixels + 2) << pixels;
  }
}

// A lane with many spans per base bucket gets finer levels (FinePyramid):
// a view between their width and the base's folds from them, conserving
// counts, and each column shows the state a walk of its spans finds
// dominant, wherever that state leads by more than the levels' rounding.
TEST(TimelineModel, FineLevelsFoldDenseLanesAsAWalkOfTheirSpansWould) {
  // Phases of 50-400 ps in which one state has about 70% of short spans.
  traces::Timeline t;
  t.cores = 1;
  std::mt19937 rng(5);
  traces::TimelineWorker worker{"w", 0, {}};
  std::uint64_t now = 0;
  while (worker.spans.size() < 200000) {
    const auto phase_end = now + 50 + rng() % 350;
    const auto dominant = static_cast<S>(rng() % traces::kWorkerStateCount);
    for (; now < phase_end;) {
      const std::uint64_t len = 1 + rng() % 8;
      const auto state = rng() % 10 < 7 ? dominant : static_cast<S>(rng() % traces::kWorkerStateCount);
      worker.spans.push_back({now, now + len, state});
      now += len;
    }
  }
  t.workers.push_back(worker);
  t.end_time = now;
  const auto& spans = worker.spans;
  const TimelineModel m(t);
  const std::uint64_t fine = m.finest_width(0);
  ASSERT_LT(fine, m.bucket_width());
  const double end = static_cast<double>(m.end_time());
  for (const double ps_per_px : {1.0 * static_cast<double>(fine), 1.5 * static_cast<double>(fine),
                                 0.9 * static_cast<double>(m.bucket_width())}) {
    const double pixels = end / ps_per_px;
    const auto marks = m.visible(0, 0, end, pixels);
    EXPECT_EQ(total_count(marks), spans.size()) << ps_per_px;
    EXPECT_LE(static_cast<double>(marks.size()), pixels + 2) << ps_per_px;
    // The level folded: the widest fine one at most a pixel wide. Column c
    // holds the buckets whose middles fall in it; its state must be the one
    // with the most time in those buckets, as the spans say, wherever it
    // leads by more than the levels' rounding (1/255 of a bucket a level).
    std::uint64_t w = fine;
    while (static_cast<double>(2 * w) <= ps_per_px && 2 * w < m.bucket_width()) w *= 2;
    std::size_t checked = 0;
    std::size_t mark = 0;
    std::size_t first_span = 0;
    const auto columns = static_cast<std::size_t>(pixels);
    std::size_t bucket = 0;
    for (std::size_t c = 0; c < columns; ++c) {
      const auto col_of = [&](std::size_t b) {
        return static_cast<std::size_t>(std::floor((static_cast<double>(b * w) + static_cast<double>(w) / 2) / ps_per_px));
      };
      const std::size_t b0 = bucket;
      while (static_cast<double>(bucket * w) < end && col_of(bucket) <= c) ++bucket;
      if (bucket == b0) continue;
      const std::uint64_t lo = b0 * w;
      const std::uint64_t hi = bucket * w;
      std::array<std::uint64_t, kStateCount> time{};
      while (first_span < spans.size() && spans[first_span].end <= lo) ++first_span;
      for (std::size_t j = first_span; j < spans.size() && spans[j].start < hi; ++j) {
        const std::uint64_t a = std::max(spans[j].start, lo);
        const std::uint64_t b = std::min(spans[j].end, hi);
        if (b > a) time[static_cast<std::size_t>(spans[j].state)] += b - a;
      }
      auto sorted = time;
      std::sort(sorted.begin(), sorted.end(), std::greater<>());
      if (sorted[0] - sorted[1] <= (bucket - b0) * w * 4 / 255 + 1) continue;
      const auto best = static_cast<std::size_t>(std::max_element(time.begin(), time.end()) - time.begin());
      const double at = static_cast<double>(c) * ps_per_px + ps_per_px / 2;
      while (mark < marks.size() && static_cast<double>(marks[mark].end) <= at) ++mark;
      ASSERT_LT(mark, marks.size());
      EXPECT_EQ(static_cast<std::size_t>(marks[mark].state), best) << ps_per_px << " column " << c;
      ++checked;
    }
    EXPECT_GT(checked, columns / 2) << ps_per_px;
  }
  // A sparse lane has none.
  const TimelineModel small(testing::small_timeline());
  EXPECT_EQ(small.finest_width(0), small.bucket_width());
}

TEST(TimelineModel, FoldedMarksTakeTheDominantState) {
  traces::Timeline t;
  t.cores = 1;
  traces::TimelineWorker w{"w", 0, {}};
  // 90% reading, 10% writing, in 1000 alternating spans.
  std::uint64_t now = 0;
  for (int i = 0; i < 1000; ++i) {
    w.spans.push_back({now, now + 9, S::reading});
    w.spans.push_back({now + 9, now + 10, S::writing});
    now += 10;
  }
  t.workers.push_back(std::move(w));
  t.end_time = now;
  const TimelineModel m(std::move(t));
  const auto marks = m.visible(0, 0, 10000, 4);
  ASSERT_FALSE(marks.empty());
  for (const auto& mark : marks) EXPECT_EQ(mark.state, S::reading);
}

TEST(TimelineModel, HitTesting) {
  const TimelineModel m(testing::small_timeline());
  ASSERT_NE(m.span_at(0, 1000), nullptr);
  EXPECT_EQ(m.span_at(0, 1000)->state, S::reading);
  EXPECT_EQ(m.span_at(0, 999)->state, S::running);
  EXPECT_EQ(m.span_at(0, 4999)->state, S::reading);
  EXPECT_EQ(m.span_at(1, 2500)->state, S::draining);
  EXPECT_EQ(m.span_at(0, 10000), nullptr);
  EXPECT_EQ(m.span_at(2, 100), nullptr);  // a line lane has no spans
  EXPECT_EQ(m.transfer_near(1550, 2, 100), std::optional<std::size_t>{1});
  EXPECT_EQ(m.transfer_near(5450, 2, 100), std::optional<std::size_t>{2});
  EXPECT_EQ(m.transfer_near(1550, 2, 10), std::nullopt);
  EXPECT_EQ(m.transfer_near(150, 3, 100), std::optional<std::size_t>{0});
  EXPECT_EQ(m.transfer_near(150, 0, 100), std::nullopt);  // a worker lane has no transfers
}

// What a range shows, now that TimelineModel no longer sums it itself: the
// time in each state as the worker lanes draw it, acquisitions from
// run_stats, transfers per line from the cacheline table (the dock's two).
TEST(TimelineModel, RangeFiguresFromTheLanesRunStatsAndTheCachelineTable) {
  const TimelineModel m(testing::small_timeline());
  const std::uint64_t t0 = 500, t1 = 5400;
  const auto time_in = [&](std::size_t lane, S state) {
    std::uint64_t ps = 0;
    for (const Mark& k : m.visible(lane, static_cast<double>(t0), static_cast<double>(t1), 1000)) {
      if (k.state == state) ps += std::min(k.end, t1) - std::max(k.start, t0);
    }
    return ps;
  };
  // Lanes are grouped by core: a is lane 0, b lane 1.
  EXPECT_EQ(time_in(0, S::running), 900U);
  EXPECT_EQ(time_in(0, S::reading), 4000U);
  EXPECT_EQ(time_in(0, S::writing), 0U);
  EXPECT_EQ(time_in(1, S::running), 1500U);
  EXPECT_EQ(time_in(1, S::draining), 3400U);
  // a's read starts (and ends) in the range, its write after it.
  const RunStats r = run_stats(m, t0, t1);
  EXPECT_EQ(r.reads, 1U);
  EXPECT_EQ(r.writes, 0U);
  const auto lines = traces::cacheline_table(m.timeline(), t0, t1);
  ASSERT_EQ(lines.size(), 1U) << "flag's fill at 100 is before the range";
  EXPECT_EQ(lines[0].name, "counter");
  EXPECT_EQ(lines[0].transfers, 1U);
  EXPECT_EQ(run_stats(m, 0, 10000).writes, 1U);
  const auto all = traces::cacheline_table(m.timeline(), 0, 10000);
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].name, "counter");
  EXPECT_EQ(all[0].transfers, 2U);
  EXPECT_EQ(all[1].name, "flag");
  EXPECT_EQ(all[1].transfers, 1U);
}

}  // namespace
}  // namespace lockscope::gui
