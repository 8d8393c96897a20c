#include "plot/render/sweep_figures.hpp"

#include <set>

namespace lockscope::plot {
namespace {

bool is_bench(const traces::SweepTable& t) { return !t.rows.empty() && t.rows.front().world == "bench"; }

QString x_title(const traces::SweepTable& t) { return is_bench(t) ? "threads" : "simulated cores"; }

// "scenario bouncing on epyc-64 (simulated)"; several scenarios or machines
// are listed.
QString caption(const traces::SweepTable& t) {
  std::set<std::string> scenarios, machines;
  for (const traces::SweepRow& r : t.rows) {
    scenarios.insert(r.scenario);
    machines.insert(r.machine);
  }
  auto join = [](const std::set<std::string>& s) {
    std::string out;
    for (const std::string& x : s) out += (out.empty() ? "" : ", ") + x;
    return QString::fromStdString(out);
  };
  QString text = is_bench(t) ? QString("workload %1 on %2, real threads").arg(join(scenarios), join(machines))
                             : QString("scenario %1 on machine %2, SimGrid-simulated").arg(join(scenarios), join(machines));
  std::size_t failed = 0;
  for (const traces::SweepRow& r : t.rows) failed += r.failed() ? 1 : 0;
  if (failed > 0) text += QString("; %1 failed run(s) left out").arg(failed);
  return text;
}

// "Throughput against cores" (simulated) or "... against threads" (bench).
QString title(const char* what, const traces::SweepTable& t) {
  return QString("%1 against %2").arg(what, is_bench(t) ? "threads" : "cores");
}

QString throughput_unit(const traces::SweepTable& t) {
  return is_bench(t) ? "lock operations per second" : "lock operations per simulated second";
}

}  // namespace

Figure throughput_figure(const traces::SweepTable& t) {
  PanelSpec panel{"Aggregate throughput", x_title(t), throughput_unit(t),
                  build_series(t, Metric::throughput), "no completed runs", false};
  return Figure(title("Throughput", t), caption(t), {std::move(panel)}, QSize(860, 520));
}

Figure wait_figure(const traces::SweepTable& t) {
  PanelSpec read{"p99 read wait", x_title(t), "read acquire wait, p99 (ns)", build_series(t, Metric::read_wait_p99),
                 "no reads in this workload", false};
  PanelSpec write{"p99 write wait", x_title(t), "write acquire wait, p99 (ns)",
                  build_series(t, Metric::write_wait_p99), "no writes in this workload", false};
  return Figure(title("Tail wait to acquire", t), caption(t), {std::move(read), std::move(write)},
                QSize(1200, 500));
}

Figure transfers_figure(const traces::SweepTable& t) {
  PanelSpec panel{"Cacheline transfers per lock operation", x_title(t), "cacheline transfers per operation",
                  build_series(t, Metric::transfers_per_op),
                  is_bench(t) ? "not measured on real threads (use lockscope sweep)" : "no completed runs", false};
  return Figure(title("Coherence traffic", t), caption(t), {std::move(panel)}, QSize(860, 520));
}

}  // namespace lockscope::plot
