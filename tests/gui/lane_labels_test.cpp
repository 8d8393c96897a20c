// The lane labels' cached column: on a raster target paint_labels copies
// the column it drew last while nothing it is drawn from has changed. Every
// frame must carry the pixels drawing would give, whatever changed between
// frames (highlights, the line selection, the size, the timeline).
#include <gtest/gtest.h>

#include <QGuiApplication>
#include <QImage>
#include <QPainter>

#include "gui/model/timeline_model.hpp"
#include "gui/render/lane_labels.hpp"
#include "gui/render/layout.hpp"
#include "small_timeline.hpp"

namespace lockscope::gui {
namespace {

QGuiApplication& app() {
  static int argc = 1;
  static char name[] = "lockscope_gui_tests";
  static char* argv[] = {name, nullptr};
  static QGuiApplication instance(argc, argv);
  return instance;
}

enum class Path { cached, drawn };

QImage labels(const TimelineModel& model, QSize size, const ViewState& state, Path path) {
  QImage image(size, QImage::Format_ARGB32_Premultiplied);
  image.fill(Qt::white);
  QPainter p(&image);
  const Layout layout(model, size);
  if (path == Path::cached) {
    paint_labels(p, model, layout, state);
  } else {
    draw_labels(p, model, layout, state);
  }
  p.end();
  return image;
}

// The frame through the cache equals the frame drawn directly.
void expect_as_drawn(const TimelineModel& model, QSize size, const ViewState& state) {
  const QImage drawn = labels(model, size, state, Path::drawn);
  EXPECT_EQ(labels(model, size, state, Path::cached), drawn);  // drawn into the cache, or copied from it
  EXPECT_EQ(labels(model, size, state, Path::cached), drawn);  // copied from it
}

class LaneLabels : public ::testing::Test {
 protected:
  void SetUp() override { app(); }
  const TimelineModel model{testing::small_timeline()};
  const QSize size{800, 300};
};

TEST_F(LaneLabels, CachedColumnHasTheDrawnPixels) {
  ViewState plain;
  expect_as_drawn(model, size, plain);
  // The column holds text: it is not the background alone.
  const QImage image = labels(model, size, plain, Path::cached);
  const Layout layout(model, size);
  const QRgb background = image.pixel(1, layout.lanes[0].top + 1);
  bool text = false;
  for (int x = 0; x < Layout::kLabelWidth && !text; ++x) {
    text = image.pixel(x, layout.lanes[0].center()) != background;
  }
  EXPECT_TRUE(text);
}

TEST_F(LaneLabels, AHighlightOrASelectionRedrawsTheColumn) {
  ViewState plain;
  ViewState highlighted;
  highlighted.highlighted_workers = {1};
  ViewState selected;
  selected.toggle_line(0, model.timeline().lines.size());
  selected.only_selected = true;
  ViewState filtered;
  filtered.selected_lines.assign(model.timeline().lines.size(), false);
  filtered.only_selected = true;
  for (const ViewState* s : {&plain, &highlighted, &plain, &selected, &filtered, &plain}) expect_as_drawn(model, size, *s);
  EXPECT_NE(labels(model, size, highlighted, Path::cached), labels(model, size, plain, Path::cached));
  EXPECT_NE(labels(model, size, selected, Path::cached), labels(model, size, plain, Path::cached));
  EXPECT_NE(labels(model, size, filtered, Path::cached), labels(model, size, plain, Path::cached));
}

TEST_F(LaneLabels, ASizeOrAnotherTimelineRedrawsTheColumn) {
  const ViewState plain;
  expect_as_drawn(model, size, plain);
  expect_as_drawn(model, QSize(800, 500), plain);  // taller lanes, larger text
  expect_as_drawn(model, size, plain);
  traces::Timeline renamed = testing::small_timeline();
  renamed.workers[0].name = "renamed";
  const TimelineModel other(std::move(renamed));
  expect_as_drawn(other, size, plain);
  EXPECT_NE(labels(other, size, plain, Path::cached), labels(model, size, plain, Path::cached));
}

TEST_F(LaneLabels, AFontChangeRedrawsTheColumn) {
  const ViewState plain;
  const auto with_font = [&](const QFont& font, Path path) {
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setFont(font);
    const Layout layout(model, size);
    path == Path::cached ? paint_labels(p, model, layout, plain) : draw_labels(p, model, layout, plain);
    p.end();
    return image;
  };
  QFont bold;
  bold.setBold(true);
  EXPECT_EQ(with_font(QFont(), Path::cached), with_font(QFont(), Path::drawn));
  EXPECT_EQ(with_font(bold, Path::cached), with_font(bold, Path::drawn));
  EXPECT_NE(with_font(bold, Path::cached), with_font(QFont(), Path::cached));
}

}  // namespace
}  // namespace lockscope::gui
