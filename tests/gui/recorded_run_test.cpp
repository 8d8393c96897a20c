// A real recording in the GUI's model: `lockscope record` runs the C++
// example, and the measured timeline it writes loads into TimelineModel
// with the same acquisitions per lock as the workload trace it wrote
// beside it (two views of one recording that must agree), per lock and per
// thread; and the trace replayed by the CLI gives, per worker, the same
// counts in its JSON summary and in its timeline as the GUI counts them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
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
  // The same trace replayed (simulated, nested locks): its timeline, and the
  // JSON summary's per-worker counts.
  const std::string replay = std::string(LOCKSCOPE_CLI) + " replay " + (dir / "run.workload").string() +
                             " --lock graph --machine epyc-64 --cores 4 --quiet --timeline " +
                             (dir / "replay.lstl").string() + " --json " + (dir / "replay.json").string();
  const int replayed = std::system(replay.c_str());
  auto replay_timeline = traces::read_timeline_file(dir / "replay.lstl");
  std::ifstream json_file(dir / "replay.json");
  const std::string json((std::istreambuf_iterator<char>(json_file)), std::istreambuf_iterator<char>());
  fs::remove_all(dir);
  ASSERT_TRUE(timeline.has_value()) << timeline.error().to_string();
  ASSERT_TRUE(trace.has_value()) << trace.error().to_string();

  const TimelineModel model(std::move(*timeline));
  EXPECT_TRUE(model.measured());
  EXPECT_EQ(model.lanes().size(), trace->workers.size()) << "a lane per thread, no cacheline lanes";
  const RunStats stats = run_stats(model, 0, model.end_time());
  // A lane cannot tell a lock re-taken without a wait inside another from a
  // hold resumed after the inner one (run_stats.hpp), so counts from lanes
  // may come out a few acquisitions short of the trace's; never over.
  // How few depends on the real run's scheduling: 0.5% on an idle machine,
  // 1.4% (27 of 1,900) with two other simulations running beside it.
  const auto close_below = [](std::uint64_t lane, std::uint64_t exact) {
    return lane <= exact && exact - lane <= exact / 40 + 2;
  };
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
    EXPECT_PRED2(close_below, stats.per_lock[lock].reads, reads) << trace->locks[lock].name;
    EXPECT_PRED2(close_below, stats.per_lock[lock].writes, writes) << trace->locks[lock].name;
  }
  // And per thread (the fairness figures' counts): lane i is the trace's
  // worker i. A lane cannot tell a lock re-taken without a wait inside
  // another from a hold resumed after the inner one (run_stats.hpp), so
  // the lane may count a few acquisitions fewer; never more.
  ASSERT_EQ(stats.per_worker.size(), trace->workers.size());
  for (std::size_t w = 0; w < trace->workers.size(); ++w) {
    std::uint64_t reads = 0, writes = 0;
    for (const traces::Op& op : trace->workers[w].ops) {
      reads += op.kind == traces::OpKind::read_acquire;
      writes += op.kind == traces::OpKind::write_acquire;
    }
    EXPECT_PRED2(close_below, stats.per_worker[w].reads, reads) << "thread " << w;
    EXPECT_PRED2(close_below, stats.per_worker[w].writes, writes) << "thread " << w;
  }

  // The replay: the dock's per-worker counts from its timeline equal the
  // JSON's (the recorder's), and both are the trace's.
  ASSERT_EQ(replayed, 0) << replay;
  ASSERT_TRUE(replay_timeline.has_value()) << replay_timeline.error().to_string();
  const TimelineModel replay_model(std::move(*replay_timeline));
  const RunStats replay_stats = run_stats(replay_model, 0, replay_model.end_time());
  const std::regex entry(R"re("id": (\d+),\s*"reads": (\d+),\s*"writes": (\d+),)re");
  std::size_t entries = 0;
  for (auto it = std::sregex_iterator(json.begin(), json.end(), entry); it != std::sregex_iterator(); ++it, ++entries) {
    const std::size_t id = std::stoul((*it)[1]);
    ASSERT_LT(id, replay_stats.per_worker.size());
    const std::uint64_t reads = std::stoull((*it)[2]), writes = std::stoull((*it)[3]);
    EXPECT_PRED2(close_below, replay_stats.per_worker[id].reads, reads) << "worker " << id;
    EXPECT_PRED2(close_below, replay_stats.per_worker[id].writes, writes) << "worker " << id;
    // The recorder counts exactly: the JSON has the trace's counts.
    std::uint64_t planned = 0;
    for (const traces::Op& op : trace->workers[id].ops) {
      planned += op.kind == traces::OpKind::read_acquire || op.kind == traces::OpKind::write_acquire;
    }
    EXPECT_EQ(reads + writes, planned) << "worker " << id;
  }
  EXPECT_EQ(entries, trace->workers.size()) << json;
}

}  // namespace
}  // namespace lockscope::gui
