// The lane labels, left of the lanes: each worker's core and name, each
// store-buffer lane's core, each cacheline's color swatch and name, the
// highlighted workers and selected lines tinted.
//
// They change only when the lanes, their geometry, the highlights, the
// line selection or the font do, not when the view pans or zooms, but
// drawing them shapes about a hundred strings (5 M instructions of a
// 52 M-instruction whole-run frame of a 10 M-event timeline). On a raster
// target paint_labels keeps the drawn column in an image and copies its
// pixels while nothing it depends on has changed.
#pragma once

#include "gui/model/timeline_model.hpp"
#include "gui/model/view_state.hpp"
#include "gui/render/layout.hpp"

class QPainter;

namespace lockscope::gui {

// Paints the labels, from the cached column when it still holds them.
// Leaves the painter's font and pen as drawing them does.
void paint_labels(QPainter& p, const TimelineModel& model, const Layout& layout, const ViewState& state);

// Draws the labels through the painter every time (what the cache holds;
// vector targets such as SVG always take this path).
void draw_labels(QPainter& p, const TimelineModel& model, const Layout& layout, const ViewState& state);

}  // namespace lockscope::gui
