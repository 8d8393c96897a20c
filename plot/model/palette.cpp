#include "plot/model/palette.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

#include "traces/fnv1a.hpp"

namespace lockscope::plot {
namespace {

struct Entry {
  std::string_view lock;
  LockStyle style;
};

// Colors from ColorBrewer's and Tableau's print-safe ranges, chosen so that
// each family stays one hue and neighbours still differ in lightness.
constexpr std::array kTable = {
    // graph family: blues
    Entry{"graph", {{31, 78, 156}, Marker::circle}},
    Entry{"graph-asym", {{66, 146, 198}, Marker::square}},
    Entry{"graph-qemu", {{8, 48, 107}, Marker::triangle_up}},
    Entry{"graph-packed", {{107, 174, 214}, Marker::diamond}},
    // one shared reader count: reds and oranges
    Entry{"central", {{214, 39, 40}, Marker::cross}},
    Entry{"pthread-rwlock", {{165, 15, 21}, Marker::square}},
    Entry{"std-shared-mutex", {{251, 106, 74}, Marker::triangle_down}},
    Entry{"tbb-spin-rw", {{230, 85, 13}, Marker::diamond}},
    Entry{"ck-rwlock", {{253, 141, 60}, Marker::plus}},
    // per-reader slots: greens
    Entry{"brlock", {{44, 160, 44}, Marker::triangle_down}},
    Entry{"ck-brlock", {{0, 109, 44}, Marker::star}},
    // RCU
    Entry{"urcu", {{117, 107, 177}, Marker::star}},
};

constexpr std::array kFallbackColors = {Rgb{148, 103, 189}, Rgb{140, 86, 75},  Rgb{227, 119, 194},
                                        Rgb{127, 127, 127}, Rgb{188, 189, 34}, Rgb{23, 190, 207},
                                        Rgb{255, 127, 14},  Rgb{84, 39, 143}};

constexpr std::array kMarkers = {Marker::circle,        Marker::square, Marker::triangle_up, Marker::diamond,
                                 Marker::triangle_down, Marker::cross,  Marker::plus,        Marker::star};

// FNV-1a from a basis that lost the standard one's last digit
// (14695981039346656037) when this was first written; kept, so that every
// lock outside the table keeps the colour and marker it has in plots
// already made.
constexpr std::uint64_t kPaletteBasis = 1469598103934665603ULL;

}  // namespace

LockStyle lock_style(std::string_view lock) {
  for (const Entry& e : kTable) {
    if (e.lock == lock) return e.style;
  }
  const std::uint64_t h = traces::fnv1a64(lock, kPaletteBasis);
  // graph:<knobs> combinations stay in the graph family's blues.
  if (lock.starts_with("graph")) {
    constexpr std::array blues = {Rgb{33, 113, 181}, Rgb{49, 130, 189}, Rgb{8, 81, 156}, Rgb{92, 146, 214}};
    return {blues[h % blues.size()], kMarkers[(h / blues.size()) % kMarkers.size()]};
  }
  return {kFallbackColors[h % kFallbackColors.size()], kMarkers[(h / kFallbackColors.size()) % kMarkers.size()]};
}

Dash variant_dash(std::size_t variant) {
  constexpr std::array dashes = {Dash::solid, Dash::dashed, Dash::dotted, Dash::dash_dot};
  return dashes[variant % dashes.size()];
}

}  // namespace lockscope::plot
