// The three figures of a sweep (docs/sweep.md), built from results.csv rows:
//   throughput: aggregate lock operations per second against cores;
//   wait:       p99 read wait and p99 write wait against cores (two panels);
//   transfers:  cacheline transfers per lock operation against cores.
// One line per (lock, combination of swept values): color and marker from
// the lock, dash from the combination.
#pragma once

#include "plot/render/figure.hpp"
#include "traces/sweep_results.hpp"

namespace lockscope::plot {

[[nodiscard]] Figure throughput_figure(const traces::SweepTable& table);
[[nodiscard]] Figure wait_figure(const traces::SweepTable& table);
[[nodiscard]] Figure transfers_figure(const traces::SweepTable& table);

}  // namespace lockscope::plot
