#include "gui/model/frame_marks.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <stdexcept>

#include "gui/model/parallel_for.hpp"
#include "small_timeline.hpp"

namespace lockscope::gui {
namespace {

traces::Timeline many_lanes() {
  traces::Timeline t;
  t.cores = 8;
  std::mt19937 rng(11);
  std::uint64_t end = 0;
  for (std::uint32_t w = 0; w < 8; ++w) {
    traces::TimelineWorker worker{std::to_string(w), w, {}};
    std::uint64_t now = 0;
    for (int i = 0; i < 20000; ++i) {
      const std::uint64_t len = 1 + rng() % 50;
      worker.spans.push_back({now, now + len, static_cast<traces::WorkerState>(rng() % traces::kWorkerStateCount)});
      now += len;
    }
    end = std::max(end, now);
    t.workers.push_back(std::move(worker));
  }
  t.end_time = end;
  t.lines = {{"a"}, {"b"}};
  for (std::uint64_t s = 0; s + 40 < end; s += 37) {
    const auto line = static_cast<std::uint32_t>(rng() % 2);
    t.transfers.push_back({s, s + 30, line, static_cast<std::int32_t>(rng() % 8), static_cast<std::uint32_t>(rng() % 8),
                           traces::TransferKind::ownership});
  }
  return t;
}

bool same(const Mark& a, const Mark& b) {
  return a.start == b.start && a.end == b.end && a.count == b.count && a.state == b.state && a.transfer == b.transfer;
}

// Threads change who computes a lane, never what it gets: every lane's marks
// equal the model's own answer, at several zooms, on one thread and on four.
TEST(FrameMarks, EveryLaneGetsTheModelsAnswerOnAnyNumberOfThreads) {
  const TimelineModel model(many_lanes());
  ViewState state;
  state.only_selected = true;
  state.selected_lines = {false, true};  // line "a" shows no transfers
  const double end = static_cast<double>(model.end_time());
  for (const double zoom : {1.0, 7.0, 300.0}) {
    const double t0 = end / 3;
    const double t1 = t0 + end / zoom;
    for (const unsigned threads : {1U, 4U}) {
      const auto frame = frame_marks(model, t0, t1, 1200, state, model.lanes().size(), threads);
      ASSERT_EQ(frame.size(), model.lanes().size());
      for (std::size_t i = 0; i < frame.size(); ++i) {
        const Lane& l = model.lanes()[i];
        std::vector<Mark> want;
        std::vector<LineMark> want_states;
        if (l.kind == LaneKind::worker) {
          want = model.visible(i, t0, t1, 1200);
        } else {
          auto both = model.line_lane_marks(i, t0, t1, 1200, state.shows_transfers(l.index));
          want = both.transfers;
          want_states = both.states;
          EXPECT_EQ(frame[i].marks.empty(), l.index == 0) << "only line b's transfers are shown";
        }
        ASSERT_EQ(frame[i].marks.size(), want.size()) << i;
        for (std::size_t j = 0; j < want.size(); ++j) EXPECT_TRUE(same(frame[i].marks[j], want[j])) << i << " " << j;
        ASSERT_EQ(frame[i].states.size(), want_states.size()) << i;
        EXPECT_FALSE(frame[i].marks.empty() && l.kind == LaneKind::worker) << i;
      }
    }
  }
  // Fewer lanes than the model has: only those.
  EXPECT_EQ(frame_marks(model, 0, end, 100, state, 3, 2).size(), 3U);
}

// The first b.size() lanes of `a` (a kept buffer may hold more) against `b`.
bool same_lanes(const std::vector<LaneMarks>& a, const std::vector<LaneMarks>& b) {
  if (a.size() < b.size()) return false;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (a[i].marks.size() != b[i].marks.size() || a[i].states.size() != b[i].states.size()) return false;
    for (std::size_t j = 0; j < a[i].marks.size(); ++j) {
      if (!same(a[i].marks[j], b[i].marks[j])) return false;
    }
    for (std::size_t j = 0; j < a[i].states.size(); ++j) {
      const LineMark& x = a[i].states[j];
      const LineMark& y = b[i].states[j];
      if (x.start != y.start || x.end != y.end || x.count != y.count || x.state != y.state || x.core != y.core ||
          x.holders != y.holders) {
        return false;
      }
    }
  }
  return true;
}

// The painter keeps one buffer from frame to frame: what a frame leaves in
// it (marks of another zoom, transfers of a line since hidden) never shows
// in the next.
TEST(FrameMarks, AReusedBufferGivesWhatAFreshOneWould) {
  const TimelineModel model(many_lanes());
  const double end = static_cast<double>(model.end_time());
  std::vector<LaneMarks> kept;
  ViewState all;
  ViewState only_b;
  only_b.only_selected = true;
  only_b.selected_lines = {false, true};
  for (const double zoom : {1.0, 5000.0, 3.0, 300.0, 1.0, 1e6}) {
    for (const ViewState* state : {&all, &only_b}) {
      const double t0 = end / 5;
      const double t1 = t0 + end / zoom;
      frame_marks(model, t0, t1, 900, *state, model.lanes().size(), kept, 2);
      EXPECT_TRUE(same_lanes(kept, frame_marks(model, t0, t1, 900, *state, model.lanes().size(), 1)))
          << "zoom " << zoom << (state == &all ? ", all lines" : ", line b only");
    }
  }
  // A timeline of fewer lanes painted through the same buffer (the compare
  // view paints two): its lanes are right, and the buffer keeps the rest.
  traces::Timeline few = many_lanes();
  few.workers.resize(2);
  few.lines.resize(1);
  std::erase_if(few.transfers, [](const auto& x) { return x.line != 0; });
  const TimelineModel small(std::move(few));
  ASSERT_LT(small.lanes().size(), model.lanes().size());
  const std::size_t before = kept.size();
  frame_marks(small, 0, end / 7, 900, all, small.lanes().size(), kept, 2);
  EXPECT_EQ(kept.size(), before);
  EXPECT_TRUE(same_lanes(kept, frame_marks(small, 0, end / 7, 900, all, small.lanes().size(), 1)));
}

// many_lanes() and a sparse line whose state segments outnumber its
// transfers (a fill, shares, invalidations and upgrades).
traces::Timeline with_sparse_line() {
  traces::Timeline t = many_lanes();
  const auto line = static_cast<std::uint32_t>(t.lines.size());
  t.lines.push_back({"c"});
  using K = traces::TransferKind;
  const K kinds[] = {K::fill, K::read_share, K::read_share, K::invalidation, K::ownership, K::read_share};
  for (std::uint64_t i = 0; i < 12; ++i) {
    const std::uint64_t at = 1'000 + i * (t.end_time / 13);
    t.transfers.push_back({at, at + 30, line, static_cast<std::int32_t>(i % 8) - (i == 0 ? 1 : 0),
                           static_cast<std::uint32_t>((i + 3) % 8), kinds[i % 6]});
    t.upgrades.push_back({at + 500, line, static_cast<std::uint32_t>((i + 3) % 8)});
  }
  return t;
}

// Prepared for a width, the buffers hold every frame of that width at any
// zoom without growing: no frame's marks allocate (or fault pages in).
TEST(FrameMarks, PreparedBuffersHoldAFrameAtAnyZoomWithoutGrowing) {
  const TimelineModel model(with_sparse_line());
  const std::size_t sparse = model.lanes().size() - 1;
  ASSERT_EQ(model.lanes()[sparse].kind, LaneKind::line);
  ASSERT_GT(model.line_segments(model.lanes()[sparse].index).size(), model.event_count(sparse) + 2)
      << "a line with more segments than transfers";
  const double end = static_cast<double>(model.end_time());
  const double pixels = 700;
  std::vector<LaneMarks> kept;
  prepare_frame_marks(model, pixels, model.lanes().size(), kept, std::size_t{1} << 30);
  ASSERT_EQ(kept.size(), model.lanes().size());
  std::vector<const void*> before;
  for (const LaneMarks& l : kept) {
    before.push_back(l.marks.data());
    before.push_back(l.states.data());
    before.push_back(l.scratch.data());
  }
  const ViewState state;
  for (double zoom = 1; end / zoom >= pixels / 4; zoom *= 1.7) {
    for (const double at : {0.0, 0.37, 0.999}) {
      const double t0 = at * end;
      frame_marks(model, t0, t0 + end / zoom, pixels, state, model.lanes().size(), kept, 1);
      for (std::size_t i = 0; i < kept.size(); ++i) {
        ASSERT_EQ(kept[i].marks.data(), before[3 * i]) << "lane " << i << " grew at zoom " << zoom;
        ASSERT_EQ(kept[i].states.data(), before[3 * i + 1]) << "lane " << i << " grew at zoom " << zoom;
        ASSERT_EQ(kept[i].scratch.data(), before[3 * i + 2]) << "lane " << i << " grew at zoom " << zoom;
        const MostLaneMarks most = most_lane_marks(model, i, pixels);
        ASSERT_LE(kept[i].marks.size(), most.marks) << "lane " << i;
        ASSERT_LE(kept[i].states.size(), most.states) << "lane " << i;
      }
    }
  }
}

// A budget smaller than every lane's need grows the densest lanes first
// and stops before the budget is passed.
TEST(FrameMarks, PreparingKeepsToItsBudgetDensestLanesFirst) {
  const TimelineModel model(many_lanes());
  std::vector<LaneMarks> kept;
  const std::size_t worker_bytes = most_lane_marks(model, 0, 500).marks * sizeof(Mark);
  prepare_frame_marks(model, 500, model.lanes().size(), kept, 3 * worker_bytes);
  std::size_t bytes = 0;
  std::size_t grown = 0;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    const std::size_t b = kept[i].marks.capacity() * sizeof(Mark) + kept[i].scratch.capacity() * sizeof(Mark) +
                          kept[i].states.capacity() * sizeof(LineMark);
    bytes += b;
    if (b == 0) continue;
    ++grown;
    for (std::size_t j = 0; j < kept.size(); ++j) {
      if (kept[j].marks.capacity() == 0) {
        EXPECT_GE(model.event_count(i), model.event_count(j)) << "lane " << j << " is denser than grown lane " << i;
      }
    }
  }
  EXPECT_GT(grown, 0U);
  EXPECT_LT(grown, kept.size());
  EXPECT_LE(bytes, 3 * worker_bytes);
}

TEST(ParallelFor, DoesEveryIndexOnceAndPassesOnTheFirstError) {
  for (const unsigned threads : {1U, 2U, 4U, 64U}) {
    std::vector<std::atomic<int>> seen(1000);
    parallel_for(seen.size(), threads, [&](std::size_t i) { seen[i].fetch_add(1, std::memory_order_relaxed); });
    for (std::size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i].load(), 1) << threads << " " << i;
  }
  parallel_for(0, 4, [](std::size_t) { FAIL() << "nothing to do"; });
  EXPECT_THROW(parallel_for(100, 3,
                            [](std::size_t i) {
                              if (i == 17) throw std::runtime_error("lane 17");
                            }),
               std::runtime_error);
}

}  // namespace
}  // namespace lockscope::gui
