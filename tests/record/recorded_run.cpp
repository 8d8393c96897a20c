#include "tests/record/recorded_run.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

namespace lockscope::record::test {

std::string temp_path(const std::string& suffix) {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  return testing::TempDir() + "lockscope_" + info->test_suite_name() + "_" + info->name() + "_" +
         std::to_string(getpid()) + suffix;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool wait_for_text(const std::string& path, const std::string& text) {
  for (int i = 0; i < 6000; ++i) {
    if (read_file(path).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

Captured run_captured(const std::string& program, const std::vector<std::string>& args, const std::string& raw,
                      void (*on_start)(const std::string& out_path, pid_t self)) {
  const std::string out_path = temp_path(".out");
  const std::string err_path = temp_path(".err");
  std::fflush(stdout);
  std::fflush(stderr);
  const int saved_out = dup(1);
  const int saved_err = dup(2);
  const int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  close(out_fd);
  close(err_fd);
  std::thread helper;
  if (on_start != nullptr) helper = std::thread(on_start, out_path, getpid());
  Captured c{engine::record::run_recorded(program, args, raw, LOCKSCOPE_TEST_INTERPOSER), {}, {}};
  if (helper.joinable()) helper.join();
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  c.out = read_file(out_path);
  c.err = read_file(err_path);
  // Read: the files are ours to remove (every run left two in the temp
  // folder before).
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return c;
}

std::vector<ThreadCounts> parse_thread_counts(const std::string& out) {
  std::vector<ThreadCounts> counts;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    ThreadCounts c;
    unsigned tid = 0;
    const int n = std::sscanf(line.c_str(), "thread %d tid %u reads %ld writes %ld nested %ld", &c.index, &tid,
                              &c.reads, &c.writes, &c.nested);
    if (n >= 4) {
      c.tid = tid;
      counts.push_back(c);
    }
  }
  return counts;
}

}  // namespace lockscope::record::test
