// Export: a PNG and an SVG of a small known timeline, and a clear message
// (never a crash) for a truncated file.
#include "gui/app/export_view.hpp"

#include <gtest/gtest.h>

#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QSvgRenderer>
#include <filesystem>

#include "gui/render/timeline_painter.hpp"
#include "small_timeline.hpp"
#include "traces/timeline_file.hpp"

namespace lockscope::gui {
namespace {

QGuiApplication& app() {
  static int argc = 1;
  static char name[] = "lockscope_gui_tests";
  static char* argv[] = {name, nullptr};
  static QGuiApplication instance(argc, argv);
  return instance;
}

TEST(ExportView, WritesAValidPngAndSvg) {
  app();
  const TimelineModel model(testing::small_timeline());
  const QSize size(640, 300);
  ViewState state;
  state.selection = TimeRange{1000, 3000};
  const auto dir = std::filesystem::temp_directory_path();
  const QString png = QString::fromStdString((dir / "lockscope_export_test.png").string());
  const QString svg = QString::fromStdString((dir / "lockscope_export_test.SVG").string());
  EXPECT_EQ(export_format_for(png), ExportFormat::png);
  EXPECT_EQ(export_format_for(svg), ExportFormat::svg);
  ASSERT_TRUE(export_view(png, ExportFormat::png, model, fit_view(model, size), state, size));
  const QImage image(png);
  ASSERT_FALSE(image.isNull());
  EXPECT_EQ(image.size(), size);
  ASSERT_TRUE(export_view(svg, ExportFormat::svg, model, fit_view(model, size), state, size));
  QFile f(svg);
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const QByteArray bytes = f.readAll();
  EXPECT_TRUE(bytes.contains("<svg"));
  EXPECT_TRUE(bytes.contains("counter"));  // the line's label is text, not pixels
  QSvgRenderer renderer(svg);
  EXPECT_TRUE(renderer.isValid());
  EXPECT_EQ(renderer.viewBox(), QRect(QPoint(0, 0), size));
  std::filesystem::remove(png.toStdString());
  std::filesystem::remove(svg.toStdString());
  // An unwritable path is an error, not a crash.
  const auto bad = export_view(QStringLiteral("/nonexistent-dir/x.svg"), ExportFormat::svg, model,
                               fit_view(model, size), state, size);
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().contains(QStringLiteral("/nonexistent-dir/x.svg")));
}

TEST(ExportView, TruncatedTimelineGivesAFileOffsetError) {
  const auto bytes = *traces::encode_timeline(testing::small_timeline());
  for (const std::size_t keep : {std::size_t{0}, std::size_t{10}, bytes.size() / 2, bytes.size() - 1}) {
    const auto t = traces::decode_timeline(std::string_view(bytes).substr(0, keep), "cut.lstl");
    ASSERT_FALSE(t) << keep;
    EXPECT_EQ(t.error().file, "cut.lstl");
    EXPECT_EQ(t.error().message.rfind("offset ", 0), 0U) << t.error().message;
  }
}

// The line lanes' state labels are shaped once and kept (lanes.cpp): each
// state and core keeps its own text, and a second export, from the kept
// labels, is the same as the first. In SVG the labels are text.
TEST(ExportView, StateLabelsNameEachStateAndCoreFromTheFirstFrameOn) {
  app();
  traces::Timeline t;
  t.cores = 8;
  t.end_time = 8'000'000;
  t.workers.push_back({"w", 0, {{0, 8'000'000, traces::WorkerState::running}}});
  t.lines = {{"x"}};
  using K = traces::TransferKind;
  t.transfers.push_back({1'000'000, 1'400'000, 0, -1, 3, K::fill});           // moving to c3, then E c3
  t.transfers.push_back({3'000'000, 3'400'000, 0, 3, 5, K::read_share});      // S x2
  t.transfers.push_back({5'000'000, 5'400'000, 0, 5, 3, K::ownership});       // moving to c3, then M c3
  t.transfers.push_back({6'500'000, 6'900'000, 0, 3, 6, K::ownership});       // moving to c6, then M c6
  const TimelineModel model(std::move(t));
  const QSize size(1600, 300);
  const auto dir = std::filesystem::temp_directory_path();
  const auto svg_text = [&](const char* name) {
    const QString svg = QString::fromStdString((dir / name).string());
    EXPECT_TRUE(export_view(svg, ExportFormat::svg, model, fit_view(model, size), ViewState{}, size));
    QFile f(svg);
    EXPECT_TRUE(f.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(f.readAll());
    std::filesystem::remove(svg.toStdString());
    return text;
  };
  const QString first = svg_text("lockscope_state_labels_1.svg");
  for (const QString& label : {QStringLiteral(">E c3<"), QStringLiteral(">S \u00d72<"), QStringLiteral(">M c3<"),
                               QStringLiteral(">M c6<"), QStringLiteral(">\u2192 c3<"), QStringLiteral(">\u2192 c6<")}) {
    EXPECT_TRUE(first.contains(label)) << label.toStdString();
  }
  EXPECT_EQ(svg_text("lockscope_state_labels_2.svg"), first);
}

}  // namespace
}  // namespace lockscope::gui
