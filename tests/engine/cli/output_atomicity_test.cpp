// Outputs are all or nothing, tried as a user would break them: a replay and
// a sweep killed midway (SIGTERM, SIGINT, SIGKILL), a file-size limit and a
// full disk. Each leaves either no output or a complete one that reads back,
// never a file under its final name that is cut short, and no process behind.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/engine/cli/run_cli.hpp"
#include "traces/sweep_results.hpp"
#include "traces/timeline_file.hpp"

namespace lockscope::testing {
namespace {

namespace fs = std::filesystem;

const std::string kScenario = std::string(LOCKSCOPE_SOURCE_DIR) + "/scenarios/teaching/bouncing.toml";

class OutputAtomicity : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lockscope_atomicity_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Starts the CLI in a process group of its own, so the test can see when
  // every process it made is gone. Its standard error goes to `err`.
  static pid_t start(const std::vector<std::string>& args, const fs::path& err) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::setpgid(0, 0);
      std::vector<char*> argv;
      std::string cli = LOCKSCOPE_CLI;
      argv.push_back(cli.data());
      std::vector<std::string> copy = args;
      for (std::string& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      const int null = ::open("/dev/null", O_WRONLY);
      const int log = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(null, 1);
      ::dup2(log, 2);
      ::execv(LOCKSCOPE_CLI, argv.data());
      ::_exit(127);
    }
    ::setpgid(pid, pid);  // also here: whichever runs first, the group exists
    return pid;
  }

  // Waits (bounded) until no process of the group is left; false if some
  // process outlived its parent.
  static bool group_ends(pid_t group) {
    for (int i = 0; i < 200; ++i) {
      if (::kill(-group, 0) != 0 && errno == ESRCH) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // Killed midway through a long run, nothing may be left at all.
  [[nodiscard]] std::vector<std::string> files_left() const {
    std::vector<std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) found.push_back(e.path().string());
    return found;
  }

  [[nodiscard]] std::vector<std::string> partial_files() const {
    std::vector<std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) {
      if (e.path().filename().string().find(".partial-") != std::string::npos) found.push_back(e.path().string());
    }
    return found;
  }

  // Starts the command, waits until its progress line says `busy` (the
  // simulation is running, in its own process), sends `sig`, and checks that
  // the signal ended it and that all its children end too.
  void kill_midway(const std::vector<std::string>& args, const std::string& busy, int sig) {
    const fs::path err = fs::temp_directory_path() / ("lockscope_atomicity_err_" + std::to_string(::getpid()));
    const pid_t pid = start(args, err);
    ASSERT_GT(pid, 0);
    bool started = false;
    for (int i = 0; i < 1200 && !started; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      started = slurp(err).find(busy) != std::string::npos;
    }
    ::kill(pid, sig);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    const std::string log = slurp(err);
    fs::remove(err);
    ASSERT_TRUE(started) << "never saw '" << busy << "' in: " << log;
    ASSERT_TRUE(WIFSIGNALED(status)) << "the command ended before the kill: " << log;
    EXPECT_EQ(WTERMSIG(status), sig);
    if (!group_ends(pid)) {
      ADD_FAILURE() << "a child of the killed command is still running";
      ::kill(-pid, SIGKILL);
    }
  }

  fs::path dir_;
};

std::vector<std::string> long_replay(const fs::path& dir) {
  // Half a minute of wall time or more: the kill lands in the middle of the
  // simulation, and a replay process that outlived its parent would still
  // be running when group_ends() gives up.
  return {"replay", "--strict", "--scenario", kScenario, "--set", "scenario.duration_us=10000", "--lock", "central",
          "--machine", "epyc-64", "--timeline", (dir / "run.lstl").string(), "--json", (dir / "run.json").string(),
          "--perfetto", (dir / "run.perfetto.json").string()};
}


TEST_F(OutputAtomicity, AReplayKilledBySigtermLeavesNoPartialOutput) {
  kill_midway(long_replay(dir_), "% of the trace", SIGTERM);
  EXPECT_EQ(files_left(), std::vector<std::string>{});
}

TEST_F(OutputAtomicity, AReplayInterruptedByCtrlCLeavesNoPartialOutput) {
  kill_midway(long_replay(dir_), "% of the trace", SIGINT);
  EXPECT_EQ(files_left(), std::vector<std::string>{});
}

// SIGKILL cannot be caught: the replay process it spares is ended by the
// kernel (PR_SET_PDEATHSIG), and removes its own partial files.
TEST_F(OutputAtomicity, AReplayKilledBySigkillTakesItsReplayProcessWithIt) {
  kill_midway(long_replay(dir_), "% of the trace", SIGKILL);
  EXPECT_EQ(files_left(), std::vector<std::string>{});
}

TEST_F(OutputAtomicity, ASweepKilledMidwayLeavesNoResultsOrCompleteOnes) {
  const fs::path out = dir_ / "sweep";
  kill_midway({"sweep", "--scenario", kScenario, "--set", "scenario.duration_us=2000", "--locks",
               "central,graph,percpu", "--machine", "epyc-64", "--cores", "8,16,32,64", "-o", out.string()},
              "runs done", SIGTERM);
  if (fs::exists(out / "results.csv")) {
    auto table = traces::read_sweep_csv_file((out / "results.csv").string());
    EXPECT_TRUE(table) << table.error().to_string();
  }
  EXPECT_EQ(partial_files(), std::vector<std::string>{});
}

// The file-size limit makes write() fail part-way, as a full disk does; the
// process must report it (SIGXFSZ would kill it silently by default).
TEST_F(OutputAtomicity, AFileSizeLimitIsOneErrorLineAndNoTruncatedFile) {
  const fs::path timeline = dir_ / "run.lstl";
  const CliRun r = run_cli_in_shell("ulimit -f 64; exec " + std::string(LOCKSCOPE_CLI) + " replay --scenario " +
                                    kScenario + " --lock central --machine epyc-64 --quiet --timeline " +
                                    timeline.string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find(timeline.string() + ": cannot write: File too large\n"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(timeline));
  EXPECT_EQ(partial_files(), std::vector<std::string>{});
}

// A real full disk: a 256 KiB tmpfs in a mount namespace of the test's own.
TEST_F(OutputAtomicity, AFullDiskIsOneErrorLineAndNoTruncatedFile) {
  const fs::path mnt = dir_ / "small-disk";
  fs::create_directories(mnt);
  // The guard mounts the very tmpfs: a sandbox may allow user namespaces
  // but not a mount in them.
  const std::string probe = "unshare -rm sh -c 'mount -t tmpfs -o size=256k tmpfs " + mnt.string() +
                            "' >/dev/null 2>&1";
  if (std::system(probe.c_str()) != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs in a mount namespace here (unshare -rm); the file-size-limit "
                    "test stands in";
  }
  const std::string timeline = (mnt / "run.lstl").string();
  const CliRun r = run_cli_in_shell(
      "exec unshare -rm sh -c 'mount -t tmpfs -o size=256k tmpfs " + mnt.string() + " && " +
      std::string(LOCKSCOPE_CLI) + " replay --scenario " + kScenario +
      " --lock central --machine epyc-64 --quiet --timeline " + timeline + "; rc=$?; echo left: $(ls -A " +
      mnt.string() + "); exit $rc'");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find(timeline + ": cannot write: No space left on device\n"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("left:\n"), std::string::npos) << "files left on the full disk: " << r.out;
}

}  // namespace
}  // namespace lockscope::testing
