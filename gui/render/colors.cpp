#include "gui/render/colors.hpp"

namespace lockscope::gui {

QColor state_color(traces::WorkerState state) {
  using S = traces::WorkerState;
  switch (state) {
    case S::running: return {0xd8, 0xdc, 0xe0};        // light gray: outside the lock
    case S::reading: return {0x3c, 0xb0, 0x4a};        // green: holds the read lock
    case S::waiting_read: return {0xf2, 0xc1, 0x2e};   // yellow: spinning to read
    case S::queued_read: return {0xf0, 0x8a, 0x24};    // orange: asleep in the reader queue
    case S::waiting_write: return {0xe8, 0x9a, 0xc8};  // pink: behind another writer
    case S::draining: return {0xd6, 0x27, 0x28};       // red: waiting for readers to drain
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
    case S::waiting_write: return "waiting for writer";
    case S::draining: return "draining readers";
    case S::writing: return "writing";
  }
  return "?";
}

}  // namespace lockscope::gui
