// Rendered checks: paint the small known timeline offscreen and read back
// the colors where a reading span, a draining span and a transfer must be.
#include <gtest/gtest.h>

#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <cmath>

#include "gui/model/timeline_model.hpp"
#include "gui/render/colors.hpp"
#include "gui/render/hover.hpp"
#include "gui/render/layout.hpp"
#include "gui/render/rect_filler.hpp"
#include "gui/render/ruler.hpp"
#include "gui/render/timeline_painter.hpp"
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

class Rendered : public ::testing::Test {
 protected:
  void SetUp() override { app(); }
  const TimelineModel model{testing::small_timeline()};
  const QSize size{800, 300};
  const Layout layout{model, size};
  const ViewTransform view = fit_view(model, size);
  [[nodiscard]] QPoint at(double t, std::size_t lane) const {
    return {layout.data.left() + static_cast<int>(std::floor(view.to_px(t))), layout.lanes[lane].center()};
  }
};

TEST_F(Rendered, SpansAndTransfersHaveTheirColors) {
  const QImage image = render_timeline(model, view, size);
  ASSERT_FALSE(image.isNull());
  // Lane 0 is worker a (core 0): reading at 3.3 ns; writing at 8.3 ns (off the ruler's grid lines).
  EXPECT_EQ(image.pixel(at(3300, 0)), state_color(traces::WorkerState::reading).rgb());
  EXPECT_EQ(image.pixel(at(8300, 0)), state_color(traces::WorkerState::writing).rgb());
  // Lane 1 is worker b (core 1): waiting for readers at 4.3 ns.
  EXPECT_EQ(image.pixel(at(4300, 1)), state_color(traces::WorkerState::draining).rgb());
  // Lane 2 is line "counter": a tick at 1.5 ns in the line's color, in the strip at the lane's bottom.
  const int strip_y = layout.lanes[2].top + layout.lanes[2].height - 3;
  EXPECT_EQ(image.pixel(at(1500, 2).x() + 1, strip_y), line_color(0).rgb());
  // Between ticks, no tick color.
  EXPECT_NE(image.pixel(at(3300, 2).x(), strip_y), line_color(0).rgb());
}

TEST_F(Rendered, TransferArrowGoesFromSourceToDestinationCore) {
  const QImage image = render_timeline(model, view, size);
  // The 1.5 ns transfer goes core 0 -> core 1, drawn from lane 0's middle
  // to lane 1's; halfway down it sits between x(1500) and x(1600).
  const int y = (layout.lanes[0].center() + layout.lanes[1].center()) / 2;
  const int xa = at(1500, 0).x();
  const int xb = at(1600, 0).x() + 1;
  bool found = false;
  for (int x = xa - 1; x <= xb + 1 && !found; ++x) {
    const QColor c = image.pixelColor(x, y);
    const QColor l = line_color(0);
    found = std::abs(c.hue() - l.hue()) < 12 && c.saturation() > 60;
  }
  EXPECT_TRUE(found);
}

TEST_F(Rendered, LineLaneShowsTheModifiedOwner) {
  const QImage image = render_timeline(model, view, size);
  // "counter" is M on core 1 from 1.6 ns to 5.5 ns: the band's top row at
  // 4.7 ns (past the "M c1" label, off the grid lines) has the M color.
  const int band_y = layout.lanes[2].top + 1;
  EXPECT_EQ(image.pixel(at(4700, 2).x(), band_y), line_state_color(LineState::modified).rgb());
  // While the line travels (1.5 to 1.6 ns) it is not M.
  EXPECT_NE(image.pixel(at(1550, 2).x(), band_y), line_state_color(LineState::modified).rgb());
  // "flag" is E on core 0 from 0.2 ns on (a fill, no upgrade).
  EXPECT_EQ(image.pixel(at(9700, 3).x(), layout.lanes[3].top + 1), line_state_color(LineState::exclusive).rgb());
}

bool arrow_color_between(const QImage& image, int y, int xa, int xb, std::uint32_t line) {
  for (int x = xa - 1; x <= xb + 1; ++x) {
    const QColor c = image.pixelColor(x, y);
    const QColor l = line_color(line);
    if (std::abs(c.hue() - l.hue()) < 12 && c.saturation() > 60) return true;
  }
  return false;
}

TEST_F(Rendered, FilterHidesAnotherLinesArrow) {
  const int y = (layout.lanes[0].center() + layout.lanes[1].center()) / 2;
  const int xa = at(1500, 0).x();
  const int xb = at(1600, 0).x() + 1;
  ViewState state;
  state.only_selected = true;
  state.toggle_line(1, 2);  // only "flag"
  const QImage filtered = render_timeline(model, view, size, state);
  EXPECT_FALSE(arrow_color_between(filtered, y, xa, xb, 0));
  const int strip_y = layout.lanes[2].top + layout.lanes[2].height - 3;
  EXPECT_NE(filtered.pixel(at(1500, 2).x() + 1, strip_y), line_color(0).rgb()) << "its tick is hidden too";
  state.toggle_line(0, 2);  // now "counter" too
  EXPECT_TRUE(arrow_color_between(render_timeline(model, view, size, state), y, xa, xb, 0));
}

TEST_F(Rendered, SelectionBandIsTranslucent) {
  ViewState state;
  state.selection = TimeRange{2500, 3500};
  const QImage plain = render_timeline(model, view, size);
  const QImage banded = render_timeline(model, view, size, state);
  const QPoint inside = at(3300, 0) + QPoint(0, 2);
  const QColor a = plain.pixelColor(inside);
  const QColor b = banded.pixelColor(inside);
  EXPECT_NE(a, b);
  EXPECT_GT(b.blue(), b.red()) << "tinted blue";
  EXPECT_GT(b.green(), 60) << "still shows the span below";
  const QPoint outside = at(6500, 0) + QPoint(0, 2);
  EXPECT_EQ(plain.pixel(outside), banded.pixel(outside));
}

TEST_F(Rendered, ClickDetailsOfSpanTransferAndArrow) {
  const ViewState state;
  const auto span = details_at(model, layout, view, state, at(3000, 0));
  ASSERT_TRUE(span);
  EXPECT_EQ(span->kind, Details::Kind::span);
  const auto field = [](const Details& d, const char* key) {
    for (const auto& [k, v] : d.fields) {
      if (k == QLatin1String(key)) return v;
    }
    return QString();
  };
  EXPECT_EQ(field(*span, "state"), QStringLiteral("reading"));
  EXPECT_EQ(field(*span, "worker"), QStringLiteral("a"));
  EXPECT_EQ(field(*span, "core"), QStringLiteral("0"));
  const auto tick = details_at(model, layout, view, state, at(1500, 2));
  ASSERT_TRUE(tick);
  EXPECT_EQ(tick->kind, Details::Kind::transfer);
  EXPECT_EQ(tick->transfer, 1U);
  EXPECT_EQ(field(*tick, "destination"), QStringLiteral("core 1"));
  // Times in the unit of their magnitude, to a tenth of the duration.
  EXPECT_EQ(field(*tick, "start"), QStringLiteral("1.50 ns"));
  EXPECT_EQ(field(*tick, "duration"), QStringLiteral("100 ps"));
  EXPECT_EQ(field(*span, "start"), QStringLiteral("1.0 ns"));
  EXPECT_EQ(field(*span, "duration"), QStringLiteral("4.0 ns"));
  // On the arrow of the 5.5 ns transfer (core 1 -> core 0), between the worker lanes.
  const int y = (layout.lanes[0].center() + layout.lanes[1].center()) / 2;
  const double xm = (view.to_px(5500) + view.to_px(5600)) / 2 + layout.data.left();
  const auto arrow = arrow_near(model, layout, view, state, QPoint(static_cast<int>(xm), y));
  ASSERT_TRUE(arrow);
  EXPECT_EQ(*arrow, 2U);
  const auto st = details_at(model, layout, view, state, at(4000, 2));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->kind, Details::Kind::line_state);
  EXPECT_EQ(field(*st, "core"), QStringLiteral("core 1"));
}

TEST_F(Rendered, HoverNamesTheSpanAndTheTransfer) {
  EXPECT_TRUE(hover_text(model, layout, view, at(3000, 0)).contains(QStringLiteral("reading")));
  EXPECT_TRUE(hover_text(model, layout, view, at(4000, 1)).contains(QStringLiteral("waiting for readers")));
  EXPECT_TRUE(hover_text(model, layout, view, at(1500, 2)).contains(QStringLiteral("core 1")));
  EXPECT_TRUE(hover_text(model, layout, view, QPoint(2, 2)).isEmpty());
}

// The grid lines' direct path darkens pixels as QPainter's translucent
// black fill does (to within rounding), over any color, and stays inside
// its rectangle and the clip.
TEST(RectFillerDarken, MatchesATranslucentBlackFill) {
  const QRgb colors[] = {qRgb(255, 255, 255), qRgb(0xf2, 0xc1, 0x3b), qRgb(0x30, 0x60, 0xd0), qRgb(0, 0, 0)};
  for (const QRgb c : colors) {
    QImage direct(8, 8, QImage::Format_ARGB32_Premultiplied);
    direct.fill(c);
    QImage painted = direct;
    {
      QPainter p(&direct);
      RectFiller fill(p, QRect(0, 0, 8, 6));
      ASSERT_TRUE(fill.direct());
      fill.darken(3, 2, 1, 10, 28);
    }
    {
      QPainter p(&painted);
      p.fillRect(QRect(3, 2, 1, 4), QColor(0, 0, 0, 28));
    }
    for (int y = 0; y < 8; ++y) {
      for (int x = 0; x < 8; ++x) {
        const QRgb a = direct.pixel(x, y);
        const QRgb b = painted.pixel(x, y);
        EXPECT_LE(std::abs(qRed(a) - qRed(b)), 1) << x << "," << y;
        EXPECT_LE(std::abs(qGreen(a) - qGreen(b)), 1) << x << "," << y;
        EXPECT_LE(std::abs(qBlue(a) - qBlue(b)), 1) << x << "," << y;
        EXPECT_EQ(qAlpha(a), 255);
      }
    }
    if (c != qRgb(0, 0, 0)) {
      EXPECT_NE(direct.pixel(3, 3), c) << "the column must darken";
    }
    EXPECT_EQ(direct.pixel(3, 7), c) << "below the clip stays untouched";
  }
}

// The arrows' direct path puts about as much ink in each column (each row,
// for a steep line) as QPainter's antialiased one-pixel line, only near the
// line, and nothing outside the clip; a line reaching far out is clipped.
TEST(RectFillerSmoothLine, InksLikeAnAntialiasedPainterLine) {
  const QColor color(0x20, 0x60, 0xc0, 210);
  struct Case {
    QPointF a, b;
  };
  const Case cases[] = {{{2.5, 5}, {37.5, 30}}, {{30, 2}, {12, 38}}, {{1, 20}, {39, 20.5}}};
  for (const Case& c : cases) {
    QImage direct(40, 40, QImage::Format_ARGB32_Premultiplied);
    direct.fill(Qt::white);
    QImage painted = direct;
    {
      QPainter p(&direct);
      RectFiller fill(p, QRect(0, 0, 40, 36));
      ASSERT_TRUE(fill.direct());
      fill.smooth_line(c.a, c.b, color);
    }
    {
      QPainter p(&painted);
      p.setRenderHint(QPainter::Antialiasing);
      p.setPen(QPen(color, 1));
      p.setClipRect(QRect(0, 0, 40, 36));
      p.drawLine(c.a, c.b);
    }
    const bool steep = std::abs(c.b.y() - c.a.y()) > std::abs(c.b.x() - c.a.x());
    const auto ink = [](QRgb px) { return 255 - qRed(px); };
    double total_direct = 0;
    double total_painted = 0;
    for (int i = 3; i < 33; ++i) {  // columns (rows) away from the ends
      double d = 0;
      double q = 0;
      for (int j = 0; j < 40; ++j) {
        const QRgb pd = steep ? direct.pixel(j, i) : direct.pixel(i, j);
        const QRgb pp = steep ? painted.pixel(j, i) : painted.pixel(i, j);
        d += ink(pd);
        q += ink(pp);
        EXPECT_EQ(qAlpha(pd), 255);
      }
      EXPECT_NEAR(d, q, 0.35 * q + 20) << i;
      total_direct += d;
      total_painted += q;
    }
    EXPECT_NEAR(total_direct, total_painted, 0.15 * total_painted);
    for (int x = 0; x < 40; ++x) {
      for (int y = 36; y < 40; ++y) EXPECT_EQ(direct.pixel(x, y), qRgb(255, 255, 255)) << "clip " << x << "," << y;
    }
  }
  QImage far(40, 40, QImage::Format_ARGB32_Premultiplied);
  far.fill(Qt::white);
  {
    QPainter p(&far);
    RectFiller fill(p, QRect(0, 0, 40, 40));
    fill.smooth_line(QPointF(-1e12, 10), QPointF(1e12, 10), color);
    fill.smooth_line(QPointF(20, -1e12), QPointF(20.2, 1e12), color);
  }
  EXPECT_NE(far.pixel(5, 9), qRgb(255, 255, 255));
  EXPECT_NE(far.pixel(19, 30), qRgb(255, 255, 255));
  EXPECT_EQ(far.pixel(5, 30), qRgb(255, 255, 255));
}

TEST(Ruler, Steps) {
  EXPECT_DOUBLE_EQ(ruler_step(1000, 90), 100000);  // 90 ns -> 100 ns
  EXPECT_DOUBLE_EQ(ruler_step(1, 90), 100);
}

}  // namespace
}  // namespace lockscope::gui
