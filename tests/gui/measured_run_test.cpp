// A measured run (a recorded program): threads in their recorded order, no
// cacheline lanes and a legend that says why, spans that name their lock in
// tooltips and details, waits per lock. Timelines are built in memory
// (measured_timeline.hpp); the file format's own tests live in tests/traces.
#include <gtest/gtest.h>

#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QTemporaryDir>
#include <algorithm>
#include <cmath>

#include "gui/app/export_view.hpp"
#include "gui/model/run_stats.hpp"
#include "gui/model/timeline_model.hpp"
#include "gui/render/colors.hpp"
#include "gui/render/hover.hpp"
#include "gui/render/layout.hpp"
#include "gui/render/legend.hpp"
#include "gui/render/timeline_painter.hpp"
#include "measured_timeline.hpp"
#include "small_timeline.hpp"
#include "traces/cacheline_table.hpp"
#include "traces/timeline_file.hpp"

namespace lockscope::gui {
namespace {

using S = traces::WorkerState;

QGuiApplication& app() {
  static int argc = 1;
  static char name[] = "lockscope_gui_tests";
  static char* argv[] = {name, nullptr};
  static QGuiApplication instance(argc, argv);
  return instance;
}

QString field(const Details& d, const char* key) {
  for (const auto& [k, v] : d.fields) {
    if (k == QLatin1String(key)) return v;
  }
  return {};
}

bool has_field(const Details& d, const char* key) {
  return std::any_of(d.fields.begin(), d.fields.end(), [key](const auto& f) { return f.first == QLatin1String(key); });
}

TEST(MeasuredRun, ModelKeepsThreadsInRecordedOrderWithoutLineLanes) {
  const TimelineModel m(testing::measured_timeline());
  EXPECT_TRUE(m.measured());
  EXPECT_TRUE(m.names_locks());
  ASSERT_EQ(m.lanes().size(), 3U) << "three threads, no cacheline lanes";
  // Threads 101 and 103 share "core" 0, but a recording's core is no CPU: the recorded order stays.
  EXPECT_EQ(m.lanes()[0].label, "thread 101 (main)");
  EXPECT_EQ(m.lanes()[1].label, "thread 102");
  EXPECT_EQ(m.lanes()[2].label, "thread 103");
  for (const Lane& l : m.lanes()) EXPECT_EQ(l.kind, LaneKind::worker);
  EXPECT_EQ(m.end_time(), 10000U);
  ASSERT_NE(m.lock_name(1), nullptr);
  EXPECT_EQ(*m.lock_name(1), "stats_lock (mutex)");
  EXPECT_EQ(m.lock_name(traces::kNoLock), nullptr);
  EXPECT_EQ(m.lock_name(2), nullptr);
  EXPECT_FALSE(m.line_lane(0));
  EXPECT_EQ(m.longest_transfer(), 0U);
  const auto marks = m.visible(1, 0, 10000, 1000);
  ASSERT_EQ(marks.size(), 7U);
  EXPECT_EQ(marks[5].state, S::writing);
  EXPECT_TRUE(m.timeline().lines.empty());
  EXPECT_TRUE(traces::cacheline_table(m.timeline(), 0, 10000).empty());
  // A simulated run still groups by core, and one simulated lock names none.
  const TimelineModel sim(testing::small_timeline());
  EXPECT_FALSE(sim.measured());
  EXPECT_FALSE(sim.names_locks());
  EXPECT_TRUE(TimelineModel(testing::replay_timeline()).names_locks()) << "a replay of two locks names them";
}

TEST(MeasuredRun, WaitsPerLock) {
  const TimelineModel m(testing::measured_timeline());
  const RunStats s = run_stats(m, 0, m.end_time());
  EXPECT_EQ(s.reads, 2U);
  EXPECT_EQ(s.writes, 3U);
  EXPECT_EQ(s.transfers, 0U);
  ASSERT_EQ(s.per_lock.size(), 2U);
  const LockStats& cache = s.per_lock[0];
  EXPECT_EQ(cache.reads, 2U);
  EXPECT_EQ(cache.writes, 1U);
  EXPECT_EQ(cache.read_waits, (std::vector<std::uint64_t>{0, 500}));
  EXPECT_EQ(cache.write_waits, (std::vector<std::uint64_t>{1000}));
  const LockStats& stats = s.per_lock[1];
  EXPECT_EQ(stats.reads, 0U);
  EXPECT_EQ(stats.write_waits, (std::vector<std::uint64_t>{200, 500}));
  // A range holds the acquisitions starting in it: the two mutex writes.
  const RunStats r = run_stats(m, 5000, 7000);
  EXPECT_EQ(r.per_lock[0].acquisitions(), 0U);
  EXPECT_EQ(r.per_lock[1].writes, 2U);
  // A timeline without locks (in memory, as before version 3) has no per-lock figures.
  EXPECT_TRUE(run_stats(TimelineModel(testing::small_timeline()), 0, 10000).per_lock.empty());
}

// A wait for another lock directly before an acquisition is not its wait.
TEST(MeasuredRun, AWaitForAnotherLockIsNotCounted) {
  auto t = testing::measured_timeline();
  // Thread 103: make its stats_lock wait [5500,6000) a wait for cache_lock.
  t.workers[2].spans[3].lock = 0;
  const RunStats s = run_stats(TimelineModel(std::move(t)), 0, 10000);
  EXPECT_EQ(s.per_lock[1].write_waits, (std::vector<std::uint64_t>{0, 200}));
}

// Regression: a recorded thread that takes audit_mutex inside table_mutex
// shows table_mutex again when it releases audit_mutex (its latest change);
// the GUI counted that resumed span as a second write (780 writes of
// table_mutex where lockscope record counted 390).
TEST(MeasuredRun, AHoldResumedAfterANestedLockIsOneAcquisition) {
  constexpr std::uint32_t kNone = traces::kNoLock;
  traces::Timeline t;
  t.source = traces::TimelineSource::measured;
  t.end_time = 10000;
  t.locks = {{"table (rwlock)"}, {"audit (mutex)"}};
  t.workers.push_back({"thread 1",
                       0,
                       {{0, 1000, S::running, kNone},
                        {1000, 1200, S::waiting_write, 0},
                        {1200, 2000, S::writing, 0},
                        {2000, 2100, S::waiting_write, 1},  // blocks on audit inside table
                        {2100, 2500, S::writing, 1},
                        {2500, 3000, S::writing, 0},        // table again: resumed, not taken
                        {3000, 3100, S::waiting_write, 1},  // a failed try of audit
                        {3100, 3500, S::writing, 0},        // still the same hold
                        {3500, 4000, S::running, kNone},
                        {4000, 5000, S::writing, 0},        // taken again after running
                        {5000, 5500, S::reading, 0},        // (a downgrade-like change) a new acquisition
                        {5500, 6000, S::reading, 0},        // released and re-read at once: another
                        {6000, 10000, S::running, kNone}}});
  const TimelineModel m(std::move(t));
  const RunStats s = run_stats(m, 0, m.end_time());
  EXPECT_EQ(s.per_lock[0].writes, 2U);
  EXPECT_EQ(s.per_lock[0].write_waits, (std::vector<std::uint64_t>{0, 200}));
  EXPECT_EQ(s.per_lock[0].reads, 2U);
  EXPECT_EQ(s.per_lock[1].writes, 1U);
  EXPECT_EQ(s.per_lock[1].write_waits, (std::vector<std::uint64_t>{100}));
  EXPECT_EQ(s.writes, 3U);
  // A range that starts inside the hold still knows it is held.
  EXPECT_EQ(run_stats(m, 2400, 3600).per_lock[0].writes, 0U);
  EXPECT_EQ(run_stats(m, 2400, 4500).per_lock[0].writes, 1U);
}

class MeasuredRendered : public ::testing::Test {
 protected:
  void SetUp() override { app(); }
  const TimelineModel model{testing::measured_timeline()};
  const QSize size{1000, 240};
  const Layout layout{model, size};
  const ViewTransform view = fit_view(model, size);
  [[nodiscard]] QPoint at(double t, std::size_t lane) const {
    return {layout.data.left() + static_cast<int>(std::floor(view.to_px(t))), layout.lanes[lane].center()};
  }
};

TEST_F(MeasuredRendered, HoverAndDetailsNameTheLock) {
  // Thread 102 writes cache_lock at 3.5 ns, stats_lock at 5.5 ns.
  const QString cache = hover_text(model, layout, view, at(3500, 1));
  EXPECT_TRUE(cache.contains(QStringLiteral("writing"))) << cache.toStdString();
  EXPECT_TRUE(cache.contains(QStringLiteral("lock: cache_lock (rwlock)"))) << cache.toStdString();
  EXPECT_FALSE(cache.contains(QStringLiteral("core"))) << "a recorded thread has no real core";
  const QString mutex = hover_text(model, layout, view, at(5100, 1));
  EXPECT_TRUE(mutex.contains(QStringLiteral("waiting to write"))) << mutex.toStdString();
  EXPECT_TRUE(mutex.contains(QStringLiteral("lock: stats_lock (mutex)"))) << mutex.toStdString();
  // Running is about no lock.
  EXPECT_FALSE(hover_text(model, layout, view, at(8000, 1)).contains(QStringLiteral("lock:")));

  const auto d = details_at(model, layout, view, ViewState{}, at(2000, 0));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, Details::Kind::span);
  EXPECT_EQ(field(*d, "state"), QStringLiteral("reading"));
  EXPECT_EQ(field(*d, "lock"), QStringLiteral("cache_lock (rwlock)"));
  EXPECT_EQ(field(*d, "thread"), QStringLiteral("thread 101 (main)"));
  EXPECT_FALSE(has_field(*d, "core"));
}

TEST_F(MeasuredRendered, ASimulatedRunNamesLocksOnlyWhenItHasSeveral) {
  // One simulated lock: the tooltip and details are as they always were.
  const TimelineModel one(testing::small_timeline());
  const Layout l1(one, size);
  const ViewTransform v1 = fit_view(one, size);
  const QPoint reading(l1.data.left() + static_cast<int>(v1.to_px(3000)), l1.lanes[0].center());
  EXPECT_EQ(hover_text(one, l1, v1, reading), QStringLiteral("a (core 0)\nreading\n1.0 ns → 5.0 ns (4.0 ns)"));
  const auto d1 = details_at(one, l1, v1, ViewState{}, reading);
  ASSERT_TRUE(d1);
  EXPECT_FALSE(has_field(*d1, "lock"));
  EXPECT_EQ(field(*d1, "core"), QStringLiteral("0"));
  // A replay of two locks names the replayed design.
  const TimelineModel two(testing::replay_timeline());
  const Layout l2(two, size);
  const ViewTransform v2 = fit_view(two, size);
  const QPoint draining(l2.data.left() + static_cast<int>(v2.to_px(2200)), l2.lanes[1].center());
  const QString text = hover_text(two, l2, v2, draining);
  EXPECT_TRUE(text.contains(QStringLiteral("worker 1 (ctx 1) (core 1)"))) << text.toStdString();
  EXPECT_TRUE(text.contains(QStringLiteral("lock: cache_lock (rwlock as graph)"))) << text.toStdString();
}

TEST_F(MeasuredRendered, LegendSaysThereIsNoCachelineData) {
  EXPECT_EQ(no_lines_note(model), QString::fromUtf8(kMeasuredNoLinesNote));
  EXPECT_TRUE(no_lines_note(TimelineModel(testing::small_timeline())).isEmpty());
  // The painter draws the note as text (SVG keeps text as text).
  QTemporaryDir dir;
  const QString svg = dir.filePath(QStringLiteral("measured.svg"));
  ASSERT_TRUE(export_view(svg, ExportFormat::svg, model, view, ViewState{}, size));
  QFile f(svg);
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const QString text = QString::fromUtf8(f.readAll());
  EXPECT_TRUE(text.contains(QStringLiteral("no cacheline data (nothing measured it)")));
  EXPECT_TRUE(text.contains(QStringLiteral("measured run")));
  EXPECT_TRUE(text.contains(QStringLiteral("waiting to write")));
  EXPECT_FALSE(text.contains(QStringLiteral("| line:")));
  EXPECT_FALSE(text.contains(QStringLiteral("waiting for readers"))) << "a recording never drains";
  // And in pixels: the simulated legend has an M swatch, the measured one none.
  const auto legend_has = [](const QImage& image, const Layout& l, QColor c) {
    for (int y = l.legend.top(); y <= l.legend.bottom(); ++y) {
      for (int x = l.legend.left(); x <= l.legend.right(); ++x) {
        if (image.pixel(x, y) == c.rgb()) return true;
      }
    }
    return false;
  };
  const QColor m = line_state_color(LineState::modified);
  EXPECT_FALSE(legend_has(render_timeline(model, view, size), layout, m));
  const TimelineModel sim(testing::small_timeline());
  const Layout sim_layout(sim, size);
  EXPECT_TRUE(legend_has(render_timeline(sim, fit_view(sim, size), size), sim_layout, m));
}

TEST_F(MeasuredRendered, SpansFillTheLanesAndNoLineLaneIsDrawn) {
  const QImage image = render_timeline(model, view, size);
  // Off the ruler's grid lines (every 2 ns at this zoom).
  EXPECT_EQ(image.pixel(at(2300, 0)), state_color(S::reading).rgb());
  EXPECT_EQ(image.pixel(at(3500, 1)), state_color(S::writing).rgb());
  EXPECT_EQ(image.pixel(at(5700, 2)), state_color(S::waiting_write).rgb());
  // Below the last thread and above the legend: white, no line lane.
  const int below = layout.lanes[2].top + layout.lanes[2].height + 4;
  ASSERT_LT(below, layout.legend.top());
  EXPECT_EQ(image.pixel(at(2300, 0).x(), below), QColor(Qt::white).rgb());
}

// End to end through the file, once the reader carries measured runs
// (timeline format 3); until then the model is checked in memory above.
TEST(MeasuredRun, LoadsFromAFile) {
  QTemporaryDir dir;
  const std::string path = dir.filePath(QStringLiteral("measured.lstl")).toStdString();
  ASSERT_TRUE(traces::write_timeline_file(path, testing::measured_timeline()));
  auto loaded = traces::read_timeline_file(path);
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  if (loaded->source != traces::TimelineSource::measured) {
    GTEST_SKIP() << "this build's timeline file does not carry the source yet";
  }
  const TimelineModel m(std::move(*loaded));
  EXPECT_EQ(m.timeline(), testing::measured_timeline());
  EXPECT_EQ(m.lanes().size(), 3U);
  EXPECT_EQ(run_stats(m, 0, m.end_time()).per_lock[1].writes, 2U);
}

}  // namespace
}  // namespace lockscope::gui
