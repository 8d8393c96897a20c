// The line-state lanes: MESI states derived from transfers and upgrades,
// their level of detail, and hit-testing.
#include <gtest/gtest.h>

#include <numeric>
#include <tuple>
#include <vector>

#include "gui/model/timeline_model.hpp"
#include "small_timeline.hpp"

namespace lockscope::gui {
namespace {

using K = traces::TransferKind;
using L = LineState;

traces::Timeline one_line(std::vector<traces::LineTransfer> transfers, std::vector<traces::LineUpgrade> upgrades = {}) {
  traces::Timeline t;
  t.cores = 4;
  t.end_time = 10000;
  t.lines = {{"x"}};
  t.transfers = std::move(transfers);
  t.upgrades = std::move(upgrades);
  return t;
}

struct Expect {
  std::uint64_t start;
  LineState state;
  std::uint32_t core;
  std::uint32_t holders;
};

void expect_segments(const TimelineModel& m, const std::vector<Expect>& want) {
  const auto& got = m.line_segments(0);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].start, want[i].start) << i;
    EXPECT_EQ(got[i].state, want[i].state) << i;
    if (want[i].state == L::modified || want[i].state == L::exclusive) {
      EXPECT_EQ(got[i].core, want[i].core) << i;
    }
    EXPECT_EQ(got[i].holders, want[i].holders) << i;
  }
}

TEST(LineStates, FillIsExclusiveAndAnUpgradeMakesItModified) {
  expect_segments(TimelineModel(one_line({{100, 200, 0, -1, 2, K::fill}})),
                  {{0, L::invalid, 0, 0}, {100, L::moving, 0, 0}, {200, L::exclusive, 2, 1}});
  // A store fill: the recorder adds an upgrade at the fill's end.
  expect_segments(TimelineModel(one_line({{100, 200, 0, -1, 2, K::fill}}, {{200, 0, 2}})),
                  {{0, L::invalid, 0, 0}, {100, L::moving, 0, 0}, {200, L::modified, 2, 1}});
  // A store hitting E later: silent, only the upgrade says so.
  expect_segments(TimelineModel(one_line({{100, 200, 0, -1, 2, K::fill}}, {{700, 0, 2}})),
                  {{0, L::invalid, 0, 0}, {100, L::moving, 0, 0}, {200, L::exclusive, 2, 1}, {700, L::modified, 2, 1}});
}

TEST(LineStates, ShareThenOwnershipWithInvalidations) {
  const TimelineModel m(one_line({
      {100, 200, 0, -1, 0, K::fill},         // E on 0
      {1000, 1100, 0, 0, 1, K::read_share},  // 0 drops to S at 1000, 1 joins at 1100
      {2000, 2150, 0, 0, 2, K::ownership},   // core 2 stores: data from sharer 0 ...
      {2000, 2080, 0, 2, 0, K::invalidation},
      {2000, 2120, 0, 2, 1, K::invalidation},  // ... and both sharers invalidated
  }));
  expect_segments(m, {{0, L::invalid, 0, 0},
                      {100, L::moving, 0, 0},
                      {200, L::exclusive, 0, 1},
                      {1000, L::shared, 0, 1},
                      {1100, L::shared, 1, 2},
                      {2000, L::shared, 1, 1},   // 0 sent the line away; 1 still holds it
                      {2120, L::moving, 0, 0},   // 1's copy is gone, the data still travels
                      {2150, L::modified, 2, 1}});
  // Hit-testing the state.
  const std::size_t lane = *m.line_lane(0);
  ASSERT_NE(m.line_state_at(lane, 1500), nullptr);
  EXPECT_EQ(m.line_state_at(lane, 1500)->state, L::shared);
  EXPECT_EQ(m.line_state_at(lane, 1500)->holders, 2U);
  EXPECT_EQ(m.line_state_at(lane, 9000)->state, L::modified);
  EXPECT_EQ(m.line_state_at(lane, 10000), nullptr);  // past the end
}

TEST(LineStates, SmallTimelinePingPong) {
  const TimelineModel m(testing::small_timeline());
  // Lane 2 is "counter": 0 -> 1 at [1500, 1600], 1 -> 0 at [5500, 5600].
  ASSERT_EQ(m.line_lane(0), std::optional<std::size_t>{2});
  const auto* a = m.line_state_at(2, 3000);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->state, L::modified);
  EXPECT_EQ(a->core, 1U);
  EXPECT_EQ(m.line_state_at(2, 1550)->state, L::moving);
  EXPECT_EQ(m.line_state_at(2, 7000)->core, 0U);
  // A transfer is hit-tested by its start, within the tolerance.
  EXPECT_EQ(m.transfer_near(5510, 2, 20), std::optional<std::size_t>{2});
  EXPECT_EQ(m.transfer_near(5700, 2, 20), std::nullopt);
}

TEST(LineStates, FoldSubPixelChangesPerPixelColumn) {
  // Two cores bouncing a line: 40,000 ownership transfers of 30 ps, 50 ps apart.
  std::vector<traces::LineTransfer> tr;
  for (std::uint32_t i = 0; i < 40000; ++i) {
    const std::uint64_t s = 100 + 50ULL * i;
    tr.push_back({s, s + 30, 0, static_cast<std::int32_t>(i % 2), (i + 1) % 2, K::ownership});
  }
  auto t = one_line(std::move(tr));
  t.end_time = 100 + 50ULL * 40000;
  const TimelineModel m(std::move(t));
  const std::size_t lane = *m.line_lane(0);
  EXPECT_EQ(m.line_segments(0).size(), 1 + 2 * 40000U);
  for (const double pixels : {1.0, 100.0, 1600.0}) {
    const auto marks = m.line_states(lane, 0, static_cast<double>(m.end_time()), pixels);
    EXPECT_LE(static_cast<double>(marks.size()), 2 * pixels + 2) << pixels;
    ASSERT_FALSE(marks.empty());
    // 30 ps moving, 20 ps M: moving dominates every folded column.
    for (const auto& mk : marks) {
      if (mk.start > 200) {
        EXPECT_EQ(mk.state, L::moving) << pixels;
      }
    }
  }
  // Zoomed in to 1 ps per pixel, segments come back one by one.
  const auto close = m.line_states(lane, 990, 1190, 200);
  ASSERT_FALSE(close.empty());
  for (const auto& mk : close) EXPECT_FALSE(mk.folded());
  EXPECT_EQ(close.front().state, L::modified);
}

TEST(LineStates, OnePassLineLaneMarksAnswerAsLineStatesAndVisible) {
  // line_lane_marks folds states and transfers in one walk of the pyramid
  // (issue 15); it must answer exactly what the two calls answer, folded or
  // not, with or without transfers.
  std::vector<traces::LineTransfer> tr;
  for (std::uint32_t i = 0; i < 40000; ++i) {
    const std::uint64_t s = 100 + 50ULL * i + (i % 7) * 3;
    const K kind = i % 5 == 0 ? K::read_share : K::ownership;
    tr.push_back({s, s + 30, 0, static_cast<std::int32_t>(i % 3), (i + 1) % 3, kind});
  }
  auto t = one_line(std::move(tr));
  t.end_time = 100 + 50ULL * 40000 + 20;
  const TimelineModel m(std::move(t));
  const std::size_t lane = *m.line_lane(0);
  const double end = static_cast<double>(m.end_time());
  const auto same_marks = [](const std::vector<Mark>& a, const std::vector<Mark>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i].start != b[i].start || a[i].end != b[i].end || a[i].count != b[i].count ||
          a[i].state != b[i].state || a[i].transfer != b[i].transfer) {
        return false;
      }
    }
    return true;
  };
  for (const auto& [t0, t1, pixels] : std::vector<std::tuple<double, double, double>>{
           {0, end, 1600}, {0, end, 333}, {-5000, end + 5000, 1410}, {end / 3, end / 3 + end / 10, 1410},
           {end / 2, end / 2 + 3000, 1600}, {990, 1190, 200}}) {
    for (const bool transfers : {true, false}) {
      const auto both = m.line_lane_marks(lane, t0, t1, pixels, transfers);
      const auto states = m.line_states(lane, t0, t1, pixels);
      ASSERT_EQ(both.states.size(), states.size()) << t0 << " " << pixels;
      for (std::size_t i = 0; i < states.size(); ++i) {
        EXPECT_EQ(both.states[i].start, states[i].start);
        EXPECT_EQ(both.states[i].end, states[i].end);
        EXPECT_EQ(both.states[i].count, states[i].count);
        EXPECT_EQ(both.states[i].state, states[i].state);
        EXPECT_EQ(both.states[i].core, states[i].core);
        EXPECT_EQ(both.states[i].holders, states[i].holders);
      }
      EXPECT_TRUE(same_marks(both.transfers, transfers ? m.visible(lane, t0, t1, pixels) : std::vector<Mark>{}))
          << t0 << " " << pixels;
    }
  }
}

}  // namespace
}  // namespace lockscope::gui
