// AtomicOutput: a file is there whole or not at all, whatever stops the
// writer (an error, a full file-size limit, a signal).
#include "traces/atomic_output.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace lockscope::traces {
namespace {

namespace fs = std::filesystem;

class AtomicOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lockscope_atomic_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  [[nodiscard]] std::size_t files_in_dir() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path dir_;
};

TEST_F(AtomicOutputTest, CommitLeavesTheWholeFileAndNoPartial) {
  const std::string path = (dir_ / "out.txt").string();
  ASSERT_TRUE(write_file_atomically(path, "hello\n"));
  EXPECT_EQ(slurp(path), "hello\n");
  EXPECT_EQ(files_in_dir(), 1U);
}

TEST_F(AtomicOutputTest, UntilCommitTheOldFileStaysWhole) {
  const std::string path = (dir_ / "out.txt").string();
  ASSERT_TRUE(write_file_atomically(path, "old"));
  auto out = AtomicOutput::create(path);
  ASSERT_TRUE(out);
  out->write("new and longer");
  EXPECT_EQ(slurp(path), "old");
  EXPECT_TRUE(fs::exists(out->partial_path()));
  ASSERT_TRUE(out->commit());
  EXPECT_EQ(slurp(path), "new and longer");
  EXPECT_EQ(files_in_dir(), 1U);
}

TEST_F(AtomicOutputTest, AnAbandonedOutputLeavesNothing) {
  const std::string path = (dir_ / "out.txt").string();
  {
    auto out = AtomicOutput::create(path);
    ASSERT_TRUE(out);
    out->write("half");
  }
  EXPECT_EQ(files_in_dir(), 0U);
}

TEST_F(AtomicOutputTest, AnUnwritableFolderIsOneLineNamingTheFile) {
  const std::string path = (dir_ / "no-such-dir" / "out.txt").string();
  auto written = write_file_atomically(path, "x");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error(), path + ": cannot write: No such file or directory");
}

// The file-size limit stands in for a full disk: both make write() fail
// part-way (EFBIG, ENOSPC), and neither may leave a truncated file behind.
TEST_F(AtomicOutputTest, AFileSizeLimitIsAnErrorNotAKillAndLeavesNothing) {
  const std::string path = (dir_ / "big.txt").string();
  ASSERT_TRUE(write_file_atomically(path, "old"));
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit small = saved;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  auto written = write_file_atomically(path, std::string(100000, 'x'));
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error(), path + ": cannot write: File too large");
  EXPECT_EQ(slurp(path), "old");
  EXPECT_EQ(files_in_dir(), 1U);
}

// A signal that ends the process removes its partial files on the way out.
TEST_F(AtomicOutputTest, SigtermRemovesThePartialFileAndStillEndsTheProcess) {
  const std::string path = (dir_ / "out.txt").string();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto out = AtomicOutput::create(path);
    if (!out) ::_exit(3);
    out->write("half");
    ::raise(SIGTERM);
    ::_exit(4);  // not reached: SIGTERM's default action ends the process
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  EXPECT_EQ(files_in_dir(), 0U);
}

TEST_F(AtomicOutputTest, StandardOutputIsWrittenDirectly) {
  ::testing::internal::CaptureStdout();
  ASSERT_TRUE(write_file_atomically("-", "to stdout"));
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "to stdout");
}

}  // namespace
}  // namespace lockscope::traces
