// Drawing a sweep's plots into its directory, behind a Qt-free interface so
// that the CLI (engine/, which never includes Qt) can call it:
//   DIR/throughput.svg/.png, DIR/wait.svg/.png, DIR/transfers.svg/.png.
// The GUI's "Compare locks" view shows these files by name.
#pragma once

#include <array>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "traces/sweep_results.hpp"

namespace lockscope::plot {

inline constexpr std::array<std::string_view, 3> kSweepFigureNames = {"throughput", "wait", "transfers"};

// Writes the six files (each atomically) and returns their paths. Starts a
// headless QGuiApplication when none exists (QT_QPA_PLATFORM=offscreen
// unless the variable is set). The error is one line.
[[nodiscard]] std::expected<std::vector<std::string>, std::string> draw_sweep_plots(const traces::SweepTable& table,
                                                                                    const std::string& dir);

}  // namespace lockscope::plot
