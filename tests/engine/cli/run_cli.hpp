// Runs the built `lockscope` binary with arguments and captures its exit
// status, standard output and standard error, as a user's shell would see.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace lockscope::testing {

struct CliRun {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A shell command line (sh -c), its output captured the same way.
inline CliRun run_cli_in_shell(const std::string& command) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto out = dir / ("lockscope_cli_out_" + std::to_string(::getpid()));
  const auto err = dir / ("lockscope_cli_err_" + std::to_string(::getpid()));
  const std::string cmd = "{ " + command + "; } >" + out.string() + " 2>" + err.string() + " </dev/null";
  const int raw = std::system(cmd.c_str());
  CliRun r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  r.out = slurp(out);
  r.err = slurp(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

inline CliRun run_cli(const std::string& args) { return run_cli_in_shell(std::string(LOCKSCOPE_CLI) + " " + args); }

}  // namespace lockscope::testing
