// `lockscope record` end to end, as a user runs it: the example programs
// recorded, their traces checked against what the programs say they did,
// replayed against graph and glibc-rwlock, and the ways a run can end.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "tests/engine/cli/run_cli.hpp"
#include "traces/timeline_file.hpp"
#include "traces/workload_reader.hpp"

namespace lockscope::testing {
namespace {

namespace fs = std::filesystem;
using traces::OpKind;

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("lockscope_record_cli_" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
  [[nodiscard]] std::string operator/(const std::string& name) const { return (dir / name).string(); }
};

// "thread 2 tid 31045 reads 19588 writes 412 ..." -> tid: {reads, writes}
std::map<std::uint32_t, std::pair<std::uint64_t, std::uint64_t>> printed_counts(const std::string& out) {
  std::map<std::uint32_t, std::pair<std::uint64_t, std::uint64_t>> counts;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream in(line);
    std::string word, tid_word, reads_word, writes_word;
    int index = 0;
    std::uint32_t tid = 0;
    std::uint64_t reads = 0, writes = 0;
    if (in >> word >> index >> tid_word >> tid >> reads_word >> reads >> writes_word >> writes && word == "thread" &&
        tid_word == "tid") {
      counts[tid] = {reads, writes};
    }
  }
  return counts;
}

TEST(RecordCommand, TheCacheExampleRecordsWhatEachThreadDid) {
  const Scratch s;
  const CliRun r = run_cli("record -o " + s / "cache.workload" + " --timeline " + s / "cache.lstl" + " --json " +
                           s / "cache.json" + " -- " + LOCKSCOPE_RWLOCK_CACHE + " 3 3000 50");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("cache_lock"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not seen"), std::string::npos) << "the summary states the blind spot";
  auto trace = traces::read_workload_file(s / "cache.workload");
  ASSERT_TRUE(trace.has_value()) << trace.error().to_string();
  ASSERT_EQ(trace->locks.size(), 1U);
  EXPECT_EQ(trace->locks[0].name, "cache_lock");
  auto timeline = traces::read_timeline_file(s / "cache.lstl");
  ASSERT_TRUE(timeline.has_value()) << timeline.error().to_string();
  EXPECT_EQ(timeline->source, traces::TimelineSource::measured);
  EXPECT_TRUE(timeline->lines.empty());
  const auto printed = printed_counts(r.out);
  ASSERT_EQ(printed.size(), 3U) << r.out;
  std::size_t matched = 0;
  for (std::size_t w = 0; w < trace->workers.size(); ++w) {
    std::uint64_t reads = 0, writes = 0;
    for (const traces::Op& op : trace->workers[w].ops) {
      reads += op.kind == OpKind::read_acquire;
      writes += op.kind == OpKind::write_acquire;
    }
    std::uint32_t tid = 0;
    std::istringstream(timeline->workers[w].name.substr(7)) >> tid;  // "thread 31045"
    if (const auto it = printed.find(tid); it != printed.end()) {
      EXPECT_EQ(reads, it->second.first) << "thread " << tid;
      EXPECT_EQ(writes, it->second.second) << "thread " << tid;
      ++matched;
    } else {
      EXPECT_EQ(reads + writes, 0U) << "a thread the program did not report took the lock";
    }
  }
  EXPECT_EQ(matched, 3U);
  EXPECT_NE(slurp(s / "cache.json").find("\"name\": \"cache_lock\""), std::string::npos);
}

TEST(RecordCommand, TheNestedExampleHoldsAMutexInsideTheSharedMutex) {
  const Scratch s;
  const CliRun r = run_cli("record -q -o " + s / "nested.workload.gz" + " -- " + LOCKSCOPE_SHARED_MUTEX_NESTED +
                           " 2 2000 20");
  ASSERT_EQ(r.status, 0) << r.err;
  auto trace = traces::read_workload_file(s / "nested.workload.gz");
  ASSERT_TRUE(trace.has_value()) << trace.error().to_string();
  bool rwlock = false, mutex = false, nested = false;
  for (const traces::LockDecl& l : trace->locks) {
    rwlock |= l.kind == traces::LockKind::rwlock;
    mutex |= l.kind == traces::LockKind::mutex;
  }
  for (const traces::WorkerPlan& w : trace->workers) {
    int held = 0;
    for (const traces::Op& op : w.ops) {
      if (op.kind == OpKind::read_acquire || op.kind == OpKind::write_acquire) ++held;
      if (op.kind == OpKind::read_release || op.kind == OpKind::write_release) --held;
      nested |= held >= 2;
    }
  }
  EXPECT_TRUE(rwlock);
  EXPECT_TRUE(mutex);
  EXPECT_TRUE(nested);
}

TEST(RecordCommand, ARecordingReplaysAgainstGraphAndGlibcWithObservedWaits) {
  const Scratch s;
  ASSERT_EQ(run_cli("record -q -o " + s / "nested.workload" + " -- " + LOCKSCOPE_SHARED_MUTEX_NESTED + " 3 1500 20")
                .status,
            0);
  const CliRun r = run_cli("replay " + s / "nested.workload" +
                           " --lock graph,glibc-rwlock --machine epyc-64 --cores 8 --quiet --json " +
                           s / "replay.json" + " --timeline " + s / "sim.lstl");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string json = slurp(s / "replay.json");
  EXPECT_NE(json.find("\"design\": \"graph\""), std::string::npos);
  EXPECT_NE(json.find("\"design\": \"glibc-rwlock\""), std::string::npos);
  EXPECT_NE(json.find("\"design\": \"glibc-mutex\""), std::string::npos);
  EXPECT_NE(json.find("observed_write_wait_ns"), std::string::npos);
  auto count = [&](const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = json.find(needle); at != std::string::npos; at = json.find(needle, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("\"violations\": 0,"), 2U);
  EXPECT_EQ(count("\"deadlock\": false,"), 2U);
  EXPECT_EQ(count("\"residual_readers\": 0,"), 2U);
  auto sim = traces::read_timeline_file(s / "sim.graph.lstl");
  ASSERT_TRUE(sim.has_value()) << sim.error().to_string();
  EXPECT_GE(sim->locks.size(), 2U);
}

TEST(RecordCommand, TheProgramsExitStatusIsRecords) {
  const Scratch s;
  EXPECT_EQ(run_cli("record -q -o " + s / "t.workload" + " -- /bin/sh -c 'exit 3'").status, 3);
}

TEST(RecordCommand, ProgramsThatCannotBeRecordedAreRefusedInOneLine) {
  const CliRun missing = run_cli("record -- lockscope-no-such-program");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("lockscope-no-such-program"), std::string::npos);
  const CliRun nowhere = run_cli("record -o /nonexistent-dir/x.workload -- /bin/sh -c 'touch ran'");
  EXPECT_EQ(nowhere.status, 2);
  EXPECT_NE(nowhere.err.find("/nonexistent-dir"), std::string::npos) << "refused before the program runs";
  EXPECT_FALSE(std::filesystem::exists("ran"));
  const CliRun nothing = run_cli("record");
  EXPECT_EQ(nothing.status, 2);
  EXPECT_NE(nothing.err.find("after --"), std::string::npos);
}

// SIGTERM to `lockscope record` reaches the program, which ends its
// recording: the trace is complete up to that point and reads back.
TEST(RecordCommand, ASigtermHalfwayLeavesAValidRecording) {
  const Scratch s;
  const std::string script = std::string("( ") + LOCKSCOPE_CLI + " record -q -o " + s / "half.workload" + " -- " +
                             LOCKSCOPE_RWLOCK_CACHE + " 2 4000 10 --sleep-us 200 > " + s / "out.txt" +
                             " 2>&1 & pid=$!; for i in $(seq 200); do grep -q halfway " + s / "out.txt" +
                             " 2>/dev/null && break; sleep 0.05; done; kill -TERM $pid; wait $pid; echo $? > " +
                             s / "status.txt" + " )";
  ASSERT_EQ(std::system(script.c_str()), 0);
  EXPECT_EQ(slurp(s / "status.txt"), "143\n") << slurp(s / "out.txt");
  auto trace = traces::read_workload_file(s / "half.workload");
  ASSERT_TRUE(trace.has_value()) << trace.error().to_string();
  const std::uint64_t acquisitions = trace->lock_op_count();
  EXPECT_GT(acquisitions, 0U);
  EXPECT_LT(acquisitions, 8000U) << "stopped halfway";
}

TEST(RecordCommand, ATruncatedRecordingIsRejectedWhenReplayed) {
  const Scratch s;
  ASSERT_EQ(run_cli("record -q -o " + s / "t.workload.gz" + " -- " + LOCKSCOPE_RWLOCK_CACHE + " 2 500 10").status, 0);
  const auto size = fs::file_size(s / "t.workload.gz");
  fs::resize_file(s / "t.workload.gz", size / 2);
  const CliRun r = run_cli("replay " + s / "t.workload.gz" + " --lock graph --machine epyc-64 --quiet");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("t.workload.gz"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace lockscope::testing
