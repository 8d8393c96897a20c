// Times as the GUI writes them, from picoseconds: one table of units (ps,
// ns, µs, ms, s) and one spelling of each, for the statistics, the hover
// text and the ruler alike.
#pragma once

#include <string>

namespace lockscope::gui {

// "343 ns", "1.588 ms", "12 ps": four significant digits in the unit of
// the time's own magnitude (the largest not above it).
[[nodiscard]] std::string time_text(double ps);

// `ps` in the unit of `unit_of`'s magnitude, with the decimals that still
// resolve `resolution` picoseconds (none when the unit already does; at
// most nine). A ruler passes its step as both, so all its labels share one
// unit: time_text(1.5e6, 5e5, 5e5) == "1500 ns". A hover text passes the
// time itself and a tenth of the span it shows: time_text(t, t, len / 10).
[[nodiscard]] std::string time_text(double ps, double unit_of, double resolution);

}  // namespace lockscope::gui
