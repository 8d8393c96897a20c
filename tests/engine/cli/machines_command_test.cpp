// `lockscope machines`: moved out of replay_command_test.cpp.
#include <gtest/gtest.h>

#include <string>

#include "tests/engine/cli/run_cli.hpp"

namespace lockscope::testing {
namespace {

TEST(MachinesCommand, ListsThePresets) {
  const CliRun r = run_cli("machines");
  EXPECT_EQ(r.status, 0) << r.err;
  for (const char* name : {"laptop-8", "epyc-64", "xeon-2s-56"}) EXPECT_NE(r.out.find(name), std::string::npos);
}

}  // namespace
}  // namespace lockscope::testing
