// Rendered checks of the sweep figures (offscreen Qt): a lock's line is
// drawn in that lock's palette color where its data point maps, and the
// files written are valid PNG and SVG.
#include <gtest/gtest.h>
#include <unistd.h>

#include <QGuiApplication>
#include <QImage>
#include <QSvgRenderer>

#include <filesystem>
#include <fstream>

#include "plot/model/palette.hpp"
#include "plot/render/marks.hpp"
#include "plot/render/sweep_figures.hpp"
#include "plot/sweep_plots.hpp"

namespace lockscope::plot {
namespace {

QGuiApplication& app() {
  static int argc = 1;
  static char name[] = "plot_tests";
  static char* argv[] = {name, nullptr};
  static QGuiApplication instance(argc, argv);
  return instance;
}

traces::SweepTable table() {
  traces::SweepTable t;
  const double tput[] = {1e6, 4e6, 3e7, 9e7};
  const std::uint32_t cores[] = {1, 4, 16, 64};
  for (const char* lock : {"graph", "central"}) {
    for (int i = 0; i < 4; ++i) {
      traces::SweepRow r;
      r.scenario = "bouncing";
      r.machine = "epyc-64";
      r.lock = lock;
      r.cores = cores[i];
      r.lock_ops = 1000;
      r.read_ops = 1000;
      r.throughput_ops_per_sec = std::string(lock) == "graph" ? tput[i] : 1e6 / (i + 1);
      r.read_wait_p99_ns = 10u * (i + 1);
      r.transfers_per_op = std::string(lock) == "graph" ? 0.01 : 2.0;
      t.rows.push_back(r);
    }
  }
  return t;
}

TEST(SweepFigure, LockLineHasTheLocksColorAtItsDataPoint) {
  app();
  const Figure figure = throughput_figure(table());
  constexpr qreal kScale = 2.0;
  const QImage image = figure.render(kScale);
  const Axes& axes = figure.axes(0);
  EXPECT_TRUE(axes.x.is_log());
  EXPECT_TRUE(axes.y.is_log());
  for (const auto& [lock, point] : {std::pair{"graph", Point{16, 3e7}}, std::pair{"central", Point{64, 2.5e5}}}) {
    const QPointF at = axes.map(point) * kScale;
    const QColor expected = to_qcolor(lock_style(lock).color);
    const QColor got = image.pixelColor(at.toPoint());
    EXPECT_EQ(got.rgb(), expected.rgb()) << lock << " at " << at.x() << "," << at.y() << ": " << got.name().toStdString()
                                         << " vs " << expected.name().toStdString();
  }
  // Half way along graph's segment from 16 to 64 cores: the line's color too.
  const QPointF a = axes.map({16, 3e7}), b = axes.map({64, 9e7});
  const QPointF mid = (a + b) / 2 * kScale;
  EXPECT_EQ(image.pixelColor(mid.toPoint()).rgb(), to_qcolor(lock_style("graph").color).rgb());
}

TEST(SweepFigure, DrawSweepPlotsWritesValidPngAndSvgFiles) {
  app();
  const auto dir = std::filesystem::temp_directory_path() / ("lockscope_plot_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto written = draw_sweep_plots(table(), dir.string());
  ASSERT_TRUE(written.has_value()) << written.error();
  EXPECT_EQ(written->size(), 6u);
  for (const char* name : {"throughput", "wait", "transfers"}) {
    const auto png = dir / (std::string(name) + ".png");
    const auto svg = dir / (std::string(name) + ".svg");
    QImage image;
    ASSERT_TRUE(image.load(QString::fromStdString(png.string()), "PNG")) << png;
    EXPECT_GT(image.width(), 1000);
    QSvgRenderer renderer(QString::fromStdString(svg.string()));
    EXPECT_TRUE(renderer.isValid()) << svg;
    std::ifstream in(svg);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("epyc-64"), std::string::npos) << "the caption names the machine";
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "throughput.png.tmp"));
  std::filesystem::remove_all(dir);
}

TEST(SweepFigure, PanelWithoutDataSaysSoInsteadOfDrawingNothing) {
  app();
  // No writes: the write-wait panel has no point, but the figure still renders.
  const Figure figure = wait_figure(table());
  const QImage image = figure.render(1.0);
  const Axes& write = figure.axes(1);
  int dark = 0;
  for (int y = static_cast<int>(write.plot.top()) + 2; y < static_cast<int>(write.plot.bottom()) - 2; ++y) {
    for (int x = static_cast<int>(write.plot.left()) + 2; x < static_cast<int>(write.plot.right()) - 2; ++x) {
      if (qGray(image.pixel(x, y)) < 160) ++dark;
    }
  }
  EXPECT_GT(dark, 20) << "the 'no writes' note is drawn";
}

}  // namespace
}  // namespace lockscope::plot
