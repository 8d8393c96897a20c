// A real recording in the GUI's model: `lockscope record` runs the C++
// example, and the measured timeline it writes loads into TimelineModel
// with the same acquisitions per lock as the workload trace it wrote
// beside it (two views of one recording that must agree).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "gui/model/run_stats.hpp"
#include "gui/model/timeline_model.hpp"
#include "traces/timeline_file.hpp"
#include "traces/workload_reader.hpp"

namespace lockscope::gui {
namespace {

namespace fs = std::filesystem;

TEST(RecordedRun, ARealTimelineLoadsAndAgreesWithItsTrace) {
  const fs::path dir = fs::temp_directory_path() / ("lockscope_gui_recorded_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string command = std::string(LOCKSCOPE_CLI) + " record -q -o " + (dir / "run.workload").string() +
                              " --timeline " + (dir / "run.lstl").string() + " -- " + LOCKSCOPE_SHARED_MUTEX_NESTED +
                              " 3 2000 50 > /dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  auto timeline = traces::read_timeline_file(dir / "run.lstl");
  auto trace = traces::read_workload_file((dir / "run.workload").string());
  fs::remove_all(dir);
  ASSERT_TRUE(timeline.has_value()) << timeline.error().to_string();
  ASSERT_TRUE(trace.has_value()) << trace.error().to_string();

  const TimelineModel model(std::move(*timeline));
  EXPECT_TRUE(model.measured());
  EXPECT_EQ(model.lanes().size(), trace->workers.size()) << "a lane per thread, no cacheline lanes";
  const RunStats stats = run_stats(model, 0, model.end_time());
  ASSERT_EQ(stats.per_lock.size(), trace->locks.size());
  for (std::uint32_t lock = 0; lock < trace->locks.size(); ++lock) {
    std::uint64_t reads = 0, writes = 0;
    for (const traces::WorkerPlan& w : trace->workers) {
      for (const traces::Op& op : w.ops) {
        if (op.lock != lock) continue;
        reads += op.kind == traces::OpKind::read_acquire;
        writes += op.kind == traces::OpKind::write_acquire;
      }
    }
    EXPECT_EQ(stats.per_lock[lock].reads, reads) << trace->locks[lock].name;
    EXPECT_EQ(stats.per_lock[lock].writes, writes) << trace->locks[lock].name;
  }
}

}  // namespace
}  // namespace lockscope::gui
