// Running a program under the record interposer: what `lockscope record --
// PROGRAM ARGS...` does before it converts anything. The program runs as a
// child with liblockscope_record.so preloaded (ahead of any LD_PRELOAD the
// user already has), LOCKSCOPE_RECORD_FILE naming the raw file and
// LOCKSCOPE_RECORD_PID its pid, so that only it records (its own children
// say they are not recorded). Its stdin, stdout and stderr are ours,
// untouched.
//
// Signals: while the program runs, this process ignores SIGINT (the
// terminal sends it to the whole foreground process group, so the program
// gets it itself and finishes its recording) and forwards a SIGTERM sent to
// it to the program. Both dispositions are restored before returning.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

namespace lockscope::engine::record {

struct RecordedRun {
  int exit_status = 0;   // the program's exit code, or 128 + signal number
  bool signaled = false;  // it died of a signal
  int signal = 0;
  std::string how;       // "exit 0", "signal SIGTERM", "signal SIGSEGV (core dumped)"
  std::uint32_t pid = 0;
};

// Runs PROGRAM (found in PATH when it has no '/') with ARGS under the
// interposer at `interposer_path`, recording into `raw_path`, and waits for
// it. The error is one line: the program is missing, not executable, or
// statically linked (no PT_INTERP: nothing can be preloaded into it), the
// interposer is missing, or fork/exec failed.
[[nodiscard]] std::expected<RecordedRun, std::string> run_recorded(const std::string& program,
                                                                  const std::vector<std::string>& args,
                                                                  const std::string& raw_path,
                                                                  const std::string& interposer_path);

// Where PROGRAM resolves: itself when it contains '/', else the first
// executable regular file in $PATH. The error says which.
[[nodiscard]] std::expected<std::string, std::string> resolve_program(const std::string& program);

// Why `path` cannot be recorded (not an ELF executable we can read, or
// statically linked), or nothing. Scripts (#!) are accepted: their
// interpreter is what runs, and is dynamically linked on Debian.
[[nodiscard]] std::expected<void, std::string> check_recordable(const std::string& path);

// The interposer for a lockscope binary at `self_exe` (normally
// /proc/self/exe): ../lib/lockscope/liblockscope_record.so (an install:
// PREFIX/bin/lockscope, cmake/LockscopeInstall.cmake), then
// ../../lib/liblockscope_record.so (the build tree: engine/cli/lockscope),
// then the path the build put it at (LOCKSCOPE_RECORD_INTERPOSER_PATH).
// The error lists where it looked.
[[nodiscard]] std::expected<std::string, std::string> find_interposer(const std::string& self_exe);

// This process's executable (/proc/self/exe), empty if it cannot be read:
// what find_interposer and find_overhead_benchmark start from.
[[nodiscard]] std::string self_exe();

}  // namespace lockscope::engine::record
