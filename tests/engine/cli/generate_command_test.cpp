// `lockscope generate`: moved out of replay_command_test.cpp.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "tests/engine/cli/run_cli.hpp"

namespace lockscope::testing {
namespace {

namespace fs = std::filesystem;

fs::path temp(const std::string& name) {
  return fs::temp_directory_path() / (std::to_string(::getpid()) + "_" + name);
}

TEST(GenerateCommand, WritesATraceThatReadsBackAndIsDeterministic) {
  const std::string scenario = std::string(LOCKSCOPE_SOURCE_DIR) + "/scenarios/qemu/iothreads.toml";
  const fs::path a = temp("a.workload");
  const fs::path b = temp("b.workload");
  ASSERT_EQ(run_cli("generate " + scenario + " --set contexts.count=4 -o " + a.string()).status, 0);
  ASSERT_EQ(run_cli("generate " + scenario + " --set contexts.count=4 -o " + b.string()).status, 0);
  EXPECT_EQ(slurp(a), slurp(b));
  EXPECT_EQ(slurp(a).rfind("lockscope-workload 1\n", 0), 0U);
  const CliRun replay = run_cli("replay " + a.string() + " --lock graph --machine laptop-8 --quiet");
  EXPECT_EQ(replay.status, 0) << replay.err;
  fs::remove(a);
  fs::remove(b);
}

}  // namespace
}  // namespace lockscope::testing
