// The figure of `lockscope validate`: each case's simulated figure against
// its real one, on log-log axes with the y = x line (a perfect model puts
// every mark on it; above it the simulator is optimistic for throughput,
// pessimistic for waits). One panel for throughput, one for the wait
// percentiles (p99 large marks, p50 small), one for transfers per operation
// when the real side has them. Colour and marker per lock, as in every plot.
// Qt-free interface, so the CLI (engine/, never Qt) can call it.
#pragma once

#include <expected>
#include <string>
#include <vector>

namespace lockscope::plot {

enum class ValidateKind { throughput, wait_p50, wait_p99, transfers_per_op };

struct ValidatePoint {
  std::string lock;
  ValidateKind kind = ValidateKind::throughput;
  double real = 0;
  double simulated = 0;  // points where either is not positive are not drawn (log axes)
};

// Writes DIR/validate.svg and DIR/validate.png (each atomically) and returns
// their paths. Starts a headless QGuiApplication when none exists. The error
// is one line.
[[nodiscard]] std::expected<std::vector<std::string>, std::string> draw_validate_plot(
    const std::vector<ValidatePoint>& points, const std::string& caption, const std::string& dir);

}  // namespace lockscope::plot
