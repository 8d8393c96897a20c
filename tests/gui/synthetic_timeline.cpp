// lockscope_gui_synthetic OUT.lstl [WORKERS SPANS_PER_WORKER TRANSFERS]: a
// large random timeline for `lockscope-gui --benchmark` (docs/gui.md,
// Performance). The default is 32 workers x 300,000 spans + 400,000
// transfers over 64 lines (10 million events). Deterministic.
// lockscope_gui_synthetic --measured OUT.lstl: a small recording-like
// measured run (measured_timeline.hpp, measured_example) for the docs'
// picture of a measured run, until a real recording replaces it.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "measured_timeline.hpp"
#include "traces/timeline_file.hpp"

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--measured") {
    const auto t = lockscope::gui::testing::measured_example();
    const auto written = lockscope::traces::write_timeline_file(argv[2], t);
    if (!written) {
      std::fprintf(stderr, "%s\n", written.error().c_str());
      return 1;
    }
    std::printf("%s: %llu events (measured)\n", argv[2], static_cast<unsigned long long>(t.event_count()));
    return 0;
  }
  // An option is not an output path ("--help" would be written as a file).
  if ((argc != 2 && argc != 5) || argv[1][0] == '-') {
    std::fprintf(stderr,
                 "usage: lockscope_gui_synthetic OUT.lstl [WORKERS SPANS_PER_WORKER TRANSFERS]\n"
                 "       lockscope_gui_synthetic --measured OUT.lstl\n");
    return 2;
  }
  const unsigned workers = argc == 5 ? static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10)) : 32;
  const std::size_t spans = argc == 5 ? std::strtoull(argv[3], nullptr, 10) : 300'000;
  const std::size_t transfers = argc == 5 ? std::strtoull(argv[4], nullptr, 10) : 400'000;
  using namespace lockscope::traces;
  std::mt19937_64 rng(42);
  Timeline t;
  t.lock = "synthetic";
  t.machine = "synthetic";
  t.cores = workers;
  t.origin = "lockscope_gui_synthetic";
  for (unsigned w = 0; w < workers; ++w) {
    TimelineWorker worker{"worker " + std::to_string(w), w, {}};
    worker.spans.reserve(spans);
    std::uint64_t now = 0;
    for (std::size_t i = 0; i < spans; ++i) {
      const std::uint64_t len = 1000 + rng() % 2'000'000;  // 1 ns .. 2 us
      worker.spans.push_back({now, now + len, static_cast<WorkerState>(rng() % kWorkerStateCount)});
      now += len;
    }
    t.end_time = std::max(t.end_time, now);
    t.workers.push_back(std::move(worker));
  }
  constexpr unsigned kLines = 64;
  for (unsigned l = 0; l < kLines; ++l) t.lines.push_back({"line " + std::to_string(l)});
  const std::uint64_t step = transfers > 0 ? t.end_time / transfers : 1;
  std::vector<std::int32_t> owner(kLines, -1);
  for (std::size_t i = 0; i < transfers; ++i) {
    const auto line = static_cast<std::uint32_t>(rng() % kLines);
    const std::uint64_t start = i * step;
    const auto to = static_cast<std::uint32_t>(rng() % workers);
    const std::int32_t from = owner[line];
    const TransferKind kind = from < 0 ? TransferKind::fill : (rng() % 4 == 0 ? TransferKind::read_share : TransferKind::ownership);
    t.transfers.push_back({start, start + 50'000 + rng() % 100'000, line, from, to, kind});
    owner[line] = kind == TransferKind::read_share ? -1 : static_cast<std::int32_t>(to);
    if (kind == TransferKind::fill && rng() % 2 == 0) t.upgrades.push_back({start + 150'000, line, to});
  }
  std::sort(t.upgrades.begin(), t.upgrades.end(), [](const LineUpgrade& a, const LineUpgrade& b) { return a.time < b.time; });
  const auto written = write_timeline_file(argv[1], t);
  if (!written) {
    std::fprintf(stderr, "%s\n", written.error().c_str());
    return 1;
  }
  std::printf("%s: %llu events\n", argv[1], static_cast<unsigned long long>(t.event_count()));
  return 0;
}
