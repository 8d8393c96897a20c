// How a recorded process ends, and which processes record: SIGTERM halfway
// leaves a complete recording of the first half; SIGKILL leaves a file the
// reader rejects as truncated, as is any cut copy of a good file; a fork
// child is not recorded and says so once; exec ends the recording, or
// hands it to the new program when the old one took no lock (a wrapper);
// static and missing programs are refused before anything runs.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "engine/record/launch.hpp"
#include "record/raw_recording.hpp"
#include "tests/record/recorded_run.hpp"

namespace lockscope::record {
namespace {

using test::read_file;
using test::run_captured;
using test::temp_path;

constexpr const char* kTruncated = "truncated: the recording has no end record";

// Each thread's events alternate acquisition and release, all of one lock.
void expect_balanced(const RawThread& t) {
  for (std::size_t i = 0; i < t.events.size(); ++i) {
    EXPECT_EQ(t.events[i].op == RawOp::rw_unlock, i % 2 == 1) << "thread " << t.tid << " event " << i;
  }
}

TEST(RecordProcessLife, SigtermHalfwayLeavesACompleteRecording) {
  const std::string raw = temp_path(".raw");
  // SIGTERM goes to the recorder (us), which forwards it to the program, as
  // a `kill` of `lockscope record` would.
  auto on_start = [](const std::string& out, pid_t self) {
    if (test::wait_for_text(out, "halfway")) kill(self, SIGTERM);
  };
  const auto c = run_captured(LOCKSCOPE_TEST_RWLOCK_CACHE, {"2", "4000", "0", "--sleep-us", "200"}, raw, on_start);
  ASSERT_TRUE(c.run.has_value()) << c.run.error();
  EXPECT_TRUE(c.run->signaled);
  EXPECT_EQ(c.run->signal, SIGTERM);
  EXPECT_EQ(c.run->exit_status, 128 + SIGTERM);
  EXPECT_EQ(c.run->how, "signal SIGTERM");
  EXPECT_EQ(c.out.find("total reads"), std::string::npos) << "the program was stopped before its end";

  const auto rec = read_raw_recording(raw);
  ASSERT_TRUE(rec.has_value()) << rec.error().to_string();
  EXPECT_EQ(rec->end_reason, "signal SIGTERM");
  ASSERT_EQ(rec->threads.size(), 2u);
  std::size_t events = 0;
  for (const RawThread& t : rec->threads) {
    // The partial chunks of still-running threads are in: about half of each thread's work.
    EXPECT_GT(t.events.size(), 100u);
    EXPECT_LT(t.events.size(), 2u * 4000u);
    // At most the very last acquisition lacks its release (it was interrupted holding it).
    RawThread whole = t;
    if (!whole.events.empty() && whole.events.size() % 2 == 1) whole.events.pop_back();
    expect_balanced(whole);
    EXPECT_LE(t.end_ns, rec->end_ns);
    events += t.events.size();
  }
  EXPECT_GE(events, 4000u) << "halfway is 4000 operations, 8000 events";
  std::remove(raw.c_str());
}

TEST(RecordProcessLife, SigkillLeavesAFileRejectedAsTruncated) {
  const std::string raw = temp_path(".raw");
  const std::string out = temp_path(".out");
  // Started by hand (run_recorded cannot forward SIGKILL), with the variables the launcher sets.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::freopen(out.c_str(), "w", stdout);
    setenv("LD_PRELOAD", LOCKSCOPE_TEST_INTERPOSER, 1);
    setenv("LOCKSCOPE_RECORD_FILE", raw.c_str(), 1);
    setenv("LOCKSCOPE_RECORD_PID", std::to_string(getpid()).c_str(), 1);
    execl(LOCKSCOPE_TEST_RWLOCK_CACHE, LOCKSCOPE_TEST_RWLOCK_CACHE, "2", "20000", "10", "--sleep-us", "100",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_TRUE(test::wait_for_text(out, "halfway"));
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  const auto rec = read_raw_recording(raw);
  ASSERT_FALSE(rec.has_value());
  EXPECT_EQ(rec.error().file, raw);
  EXPECT_NE(rec.error().message.find(kTruncated), std::string::npos) << rec.error().to_string();
  EXPECT_NE(rec.error().to_string().find("killed before lockscope could finish it"), std::string::npos);
  std::remove(raw.c_str());
  std::remove(out.c_str());
}

TEST(RecordProcessLife, ATruncatedCopyOfAGoodRecordingIsRejected) {
  const std::string raw = temp_path(".raw");
  const auto c = run_captured(LOCKSCOPE_TEST_RWLOCK_CACHE, {"2", "2000", "100"}, raw);
  ASSERT_TRUE(c.run.has_value()) << c.run.error();
  const std::string bytes = read_file(raw);
  ASSERT_TRUE(parse_raw_recording(bytes, raw).has_value());
  // Every cut, from the first bytes to one short of the whole, is truncated:
  // never a shorter recording that looks complete.
  const std::size_t step = std::max<std::size_t>(1, bytes.size() / 397);
  for (std::size_t cut = 12; cut < bytes.size(); cut += step) {
    const auto rec = parse_raw_recording(std::string_view(bytes).substr(0, cut), "cut.raw");
    ASSERT_FALSE(rec.has_value()) << "cut at " << cut;
    EXPECT_NE(rec.error().message.find(kTruncated), std::string::npos) << rec.error().to_string();
  }
  for (std::size_t cut = bytes.size() - 64; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(parse_raw_recording(std::string_view(bytes).substr(0, cut), "cut.raw").has_value());
  }
  std::remove(raw.c_str());
}

TEST(RecordProcessLife, AForkedChildIsNotRecordedAndSaysSoOnce) {
  const std::string raw = temp_path(".raw");
  const auto c = run_captured(LOCKSCOPE_TEST_RWLOCK_CACHE, {"2", "1000", "50", "--fork"}, raw);
  ASSERT_TRUE(c.run.has_value()) << c.run.error();
  EXPECT_EQ(c.run->exit_status, 0);
  int child = 0;
  const std::size_t at = c.out.find("child pid ");
  ASSERT_NE(at, std::string::npos) << c.out;
  child = std::atoi(c.out.c_str() + at + 10);
  const std::string line = "lockscope record: not recording pid " + std::to_string(child) + " (a child of " +
                           std::to_string(c.run->pid) + "): only the program's own process is recorded\n";
  EXPECT_EQ(c.err, line);
  const auto rec = read_raw_recording(raw);
  ASSERT_TRUE(rec.has_value()) << rec.error().to_string();
  EXPECT_EQ(rec->threads.size(), 2u);
  for (const RawThread& t : rec->threads) EXPECT_NE(t.tid, static_cast<std::uint32_t>(child));
  std::remove(raw.c_str());
}

TEST(RecordProcessLife, AWrapperThatExecsHandsTheRecordingToItsProgram) {
  // A shell script's `exec`: the shell took no lock, so the program it
  // becomes records in its place, into the same file.
  const std::string raw = temp_path(".raw");
  const auto c = run_captured("sh", {"-c", std::string("exec ") + LOCKSCOPE_TEST_RWLOCK_CACHE + " 2 500 100"}, raw);
  ASSERT_TRUE(c.run.has_value()) << c.run.error();
  EXPECT_EQ(c.run->exit_status, 0);
  EXPECT_EQ(c.err, "");
  const auto rec = read_raw_recording(raw);
  ASSERT_TRUE(rec.has_value()) << rec.error().to_string();
  EXPECT_EQ(rec->program, LOCKSCOPE_TEST_RWLOCK_CACHE);
  EXPECT_EQ(rec->pid, c.run->pid);
  EXPECT_EQ(rec->threads.size(), 2u);
  EXPECT_EQ(rec->end_reason, "return from main (status 0)");
  std::remove(raw.c_str());
}

TEST(RecordProcessLife, ExecAfterLockingEndsTheRecordingComplete) {
  const std::string raw = temp_path(".raw");
  const auto c = run_captured(LOCKSCOPE_TEST_RWLOCK_CACHE, {"2", "500", "100", "--exec", "/bin/true"}, raw);
  ASSERT_TRUE(c.run.has_value()) << c.run.error();
  EXPECT_EQ(c.run->exit_status, 0);
  const auto rec = read_raw_recording(raw);
  ASSERT_TRUE(rec.has_value()) << rec.error().to_string();
  EXPECT_EQ(rec->end_reason, "exec /bin/true");
  EXPECT_EQ(rec->threads.size(), 2u);
  EXPECT_NE(c.err.find("lockscope record: not recording after exec"), std::string::npos) << c.err;
  std::remove(raw.c_str());
}

TEST(RecordProcessLife, LocksTakenInASignalHandlerNeverCorruptTheInterruptedRecord) {
  const std::string raw = temp_path(".raw");
  const auto c = run_captured(LOCKSCOPE_TEST_SIGNAL_LOCKS, {"2000000"}, raw);
  ASSERT_TRUE(c.run.has_value()) << c.run.error();
  long pairs = 0;
  long handled = 0;
  ASSERT_EQ(std::sscanf(c.out.c_str(), "pairs %ld handled %ld", &pairs, &handled), 2) << c.out;
  const auto rec = read_raw_recording(raw);
  ASSERT_TRUE(rec.has_value()) << rec.error().to_string();
  ASSERT_EQ(rec->threads.size(), 1u);
  long rd = 0, rw_unlock = 0, locks = 0, unlocks = 0;
  for (const RawEvent& e : rec->threads[0].events) {
    rd += e.op == RawOp::rdlock;
    rw_unlock += e.op == RawOp::rw_unlock;
    locks += e.op == RawOp::mutex_lock;
    unlocks += e.op == RawOp::mutex_unlock;
  }
  // Every pair of the loop is there, intact; the handler's calls are
  // recorded or, when they interrupted a record being written, counted.
  EXPECT_EQ(rd, pairs);
  EXPECT_EQ(rw_unlock, pairs);
  EXPECT_EQ(locks, unlocks);
  EXPECT_LE(locks, handled);
  EXPECT_GE(static_cast<long>(rec->dropped) + 2 * locks, 2 * handled);
  std::remove(raw.c_str());
}

TEST(RecordLaunch, AStaticProgramIsRefused) {
#ifndef LOCKSCOPE_TEST_STATIC_HELLO
  GTEST_SKIP() << "libc.a is not installed (libc6-dev), so there is no static example to refuse";
#else
  const auto run = engine::record::run_recorded(LOCKSCOPE_TEST_STATIC_HELLO, {}, temp_path(".raw"),
                                                LOCKSCOPE_TEST_INTERPOSER);
  ASSERT_FALSE(run.has_value());
  EXPECT_NE(run.error().find("statically linked"), std::string::npos) << run.error();
  EXPECT_EQ(run.error().find('\n'), std::string::npos) << "one line";
#endif
}

TEST(RecordLaunch, MissingProgramsAndUnwritableRecordingsAreRefused) {
  auto run = engine::record::run_recorded("lockscope-no-such-program", {}, temp_path(".raw"),
                                          LOCKSCOPE_TEST_INTERPOSER);
  ASSERT_FALSE(run.has_value());
  EXPECT_EQ(run.error(), "lockscope-no-such-program: command not found in PATH");
  const std::string text = temp_path(".txt");
  std::ofstream(text) << "not a program\n";
  run = engine::record::run_recorded(text, {}, temp_path(".raw"), LOCKSCOPE_TEST_INTERPOSER);
  ASSERT_FALSE(run.has_value());
  EXPECT_EQ(run.error(), text + ": not executable");
  std::remove(text.c_str());
  run = engine::record::run_recorded("sh", {"-c", "true"}, "/nonexistent-dir/x.raw", LOCKSCOPE_TEST_INTERPOSER);
  ASSERT_FALSE(run.has_value());
  EXPECT_EQ(run.error(), "/nonexistent-dir: cannot write the recording there (No such file or directory)");
}

TEST(RecordLaunch, ProgramsAreFoundInPath) {
  const auto sh = engine::record::resolve_program("sh");
  ASSERT_TRUE(sh.has_value()) << sh.error();
  EXPECT_EQ(sh->back(), 'h');
  EXPECT_TRUE(engine::record::check_recordable(*sh).has_value());
}

}  // namespace
}  // namespace lockscope::record
