#include "gui/render/colors.hpp"

namespace lockscope::gui {

QColor state_color(traces::WorkerState state) {
  using S = traces::WorkerState;
  switch (state) {
    case S::running: return {0xd8, 0xdc, 0xe0};        // light gray: outside the lock
    case S::reading: return {0x3c, 0xb0, 0x4a};        // green: holds the read lock
    case S::waiting_read: return {0xf2, 0xc1, 0x2e};   // yellow: spinning to read
    case S::queued_read: return {0xf0, 0x8a, 0x24};    // orange: asleep in the reader queue
    case S::waiting_write: return {0xe8, 0x9a, 0xc8};  // pink: waiting to write (behind another writer)
    case S::draining: return {0xd6, 0x27, 0x28};       // red: waiting for the readers to leave
    case S::writing: return {0x1f, 0x5f, 0xc8};        // blue: holds the write lock
  }
  return Qt::black;
}

QColor line_color(std::uint32_t line) {
  // Golden-angle hues keep neighbouring lines apart.
  const int hue = static_cast<int>((static_cast<std::uint64_t>(line) * 137U + 200U) % 360U);
  return QColor::fromHsv(hue, 210, 190).toRgb();
}

const char* state_label(traces::WorkerState state) {
  using S = traces::WorkerState;
  switch (state) {
    case S::running: return "running";
    case S::reading: return "reading";
    case S::waiting_read: return "waiting to read";
    case S::queued_read: return "queued (asleep)";
    case S::waiting_write: return "waiting to write";
    case S::draining: return "waiting for readers";
    case S::writing: return "writing";
  }
  return "?";
}

bool state_possible(traces::WorkerState state, traces::TimelineSource source) {
  using S = traces::WorkerState;
  return source != traces::TimelineSource::measured || (state != S::queued_read && state != S::draining);
}

QColor line_state_color(LineState state) {
  switch (state) {
    case LineState::modified: return {0x7b, 0x3f, 0xa8};   // dark purple: one core, dirty
    case LineState::exclusive: return {0xb3, 0x9d, 0xdb};  // light purple: one core, clean
    case LineState::shared: return {0x5f, 0xb8, 0xb0};     // teal: read-only copies
    case LineState::moving: return {0x60, 0x60, 0x60};     // dark gray hatch on light gray: in flight
    case LineState::invalid: return {0xff, 0xff, 0xff};
  }
  return Qt::white;
}

const char* line_state_label(LineState state) {
  switch (state) {
    case LineState::modified: return "M (modified)";
    case LineState::exclusive: return "E (exclusive)";
    case LineState::shared: return "S (shared)";
    case LineState::moving: return "moving";
    case LineState::invalid: return "I (no cache)";
  }
  return "?";
}

}  // namespace lockscope::gui
