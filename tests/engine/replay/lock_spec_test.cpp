#include "engine/replay/lock_spec.hpp"

#include <gtest/gtest.h>

#include "engine/replay/replay.hpp"

namespace lockscope::engine::replay {
namespace {

TEST(LockSpec, ANameWithoutParametersIsItsOwnDesign) {
  for (const char* name : {"graph", "bravo", "bravo-nofence", "graph:full:if_writer:held", "graph:none:if_writer:held"}) {
    auto spec = parse_lock_spec(name);
    ASSERT_TRUE(spec) << name;
    EXPECT_EQ(spec->design, name);
    EXPECT_EQ(spec->params, LockParams{});
  }
}

TEST(LockSpec, BravoTakesItsTableSize) {
  auto spec = parse_lock_spec("bravo-nofence:slots=64");
  ASSERT_TRUE(spec) << spec.error();
  EXPECT_EQ(spec->design, "bravo-nofence");
  EXPECT_EQ(spec->params.table_slots, 64U);
  EXPECT_EQ(parse_lock_spec("bravo:slots=1")->params.table_slots, 1U);
  EXPECT_EQ(parse_lock_spec("bravo:slots=65536")->params.table_slots, kMaxTableSlots);
}

TEST(LockSpec, ABadParameterIsNamedInTheError) {
  for (const char* bad : {"bravo:slots=0", "bravo:slots=65537", "bravo:slots=", "bravo:slots=12x", "bravo:slots=-1",
                          "bravo:slots=99999999999"}) {
    auto spec = parse_lock_spec(bad);
    ASSERT_FALSE(spec) << bad;
    EXPECT_NE(spec.error().find(bad), std::string::npos) << spec.error();
    EXPECT_NE(spec.error().find("from 1 to 65536"), std::string::npos) << spec.error();
  }
  auto unknown = parse_lock_spec("bravo:tables=3");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().find("'tables=3'"), std::string::npos) << unknown.error();
  auto twice = parse_lock_spec("bravo:slots=4:slots=8");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().find("twice"), std::string::npos) << twice.error();
}

TEST(LockSpec, OnlyBravoTakesParametersInTheSimulator) {
  EXPECT_TRUE(is_sim_lock("bravo:slots=64"));
  EXPECT_TRUE(is_sim_lock("bravo-nofence:slots=64"));
  EXPECT_FALSE(is_sim_lock("central:slots=64"));
  EXPECT_FALSE(is_sim_lock("bravo:slots=0"));
  EXPECT_FALSE(is_sim_lock("glibc-mutex"));
  EXPECT_NE(sim_lock_problem("central:slots=64").find("does not run in the simulator"), std::string::npos);
  EXPECT_EQ(sim_lock_problem("bravo:slots=64"), "");
}

}  // namespace
}  // namespace lockscope::engine::replay
