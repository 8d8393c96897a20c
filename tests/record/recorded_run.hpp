// Test helpers: run an example program recorded, with its stdout and stderr
// captured in files (run_recorded passes the descriptors it was given
// through, so the test hands it files), and read what it printed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "engine/record/launch.hpp"

namespace lockscope::record::test {

struct Captured {
  std::expected<engine::record::RecordedRun, std::string> run;
  std::string out;
  std::string err;
};

// A fresh path under the test temp dir, unique per test.
std::string temp_path(const std::string& suffix);

// run_recorded with fds 1 and 2 pointed at files meanwhile. `on_start`, if
// given, runs on a helper thread with the stdout file's path while the
// program runs (to signal it halfway).
Captured run_captured(const std::string& program, const std::vector<std::string>& args, const std::string& raw,
                      void (*on_start)(const std::string& out_path, pid_t self) = nullptr);

// Waits (polling the file) until `path` contains `text`; false after ~60 s.
bool wait_for_text(const std::string& path, const std::string& text);

std::string read_file(const std::string& path);

// "thread 0 tid 123 reads 5 writes 1 [nested 2]" lines of an example's stdout.
struct ThreadCounts {
  int index = 0;
  std::uint32_t tid = 0;
  long reads = 0;
  long writes = 0;
  long nested = 0;
};
std::vector<ThreadCounts> parse_thread_counts(const std::string& out);

}  // namespace lockscope::record::test
