#include "engine/machine/resolve.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>

#include "engine/machine/machine_file.hpp"
#include "engine/machine/presets.hpp"
#include "temp_dir.hpp"

namespace lockscope::engine::machine {
namespace {

using lockscope::testing::TempDir;

// Sets an environment variable for one scope and puts the old value back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(ResolveMachine, FindsAPreset) {
  auto m = resolve_machine("xeon-2s-56");
  ASSERT_TRUE(m.has_value()) << m.error();
  EXPECT_EQ(*m, *preset("xeon-2s-56"));
}

TEST(ResolveMachine, ReadsATomlPath) {
  const TempDir dir;
  const std::string path = dir.write("box.toml", write_machine_toml(*preset("laptop-8")));
  auto m = resolve_machine(path);
  ASSERT_TRUE(m.has_value()) << m.error();
  EXPECT_EQ(*m, *preset("laptop-8"));
}

TEST(ResolveMachine, ReadsACsvPathNamedAfterTheFile) {
  const TempDir dir;
  const std::string path = dir.write("rome.csv", ",\n25,\n");
  auto m = resolve_machine(path);
  ASSERT_TRUE(m.has_value()) << m.error();
  EXPECT_EQ(m->name, "rome");
  EXPECT_EQ(m->latency(0, 1), 25);
}

TEST(ResolveMachine, BadFileGivesFileLineColumn) {
  const TempDir dir;
  const std::string path = dir.write("bad.toml", "name = \"x\"\nclock_ghz = true\n");
  auto m = resolve_machine(path);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().rfind(path + ":2:13: ", 0), 0U) << m.error();
}

TEST(ResolveMachine, UnknownNameListsThePresets) {
  auto m = resolve_machine("cray-1");
  ASSERT_FALSE(m.has_value());
  EXPECT_NE(m.error().find("epyc-64"), std::string::npos) << m.error();
  EXPECT_NE(m.error().find("this-machine"), std::string::npos) << m.error();
}

TEST(ResolveMachine, ThisMachineUsesXdgConfigHome) {
  const TempDir dir;
  const ScopedEnv xdg("XDG_CONFIG_HOME", dir.path().c_str());
  ASSERT_EQ(this_machine_path(),
            (dir.path() / "lockscope" / "machines" / "this-machine.toml").string());
  auto missing = resolve_machine("this-machine");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().find("lockscope calibrate"), std::string::npos) << missing.error();

  Machine mine = *preset("laptop-8");
  mine.name = "this-machine";
  dir.write("lockscope/machines/this-machine.toml", write_machine_toml(mine));
  auto found = resolve_machine("this-machine");
  ASSERT_TRUE(found.has_value()) << found.error();
  EXPECT_EQ(*found, mine);
}

TEST(ResolveMachine, ThisMachineFallsBackToHomeConfig) {
  const ScopedEnv xdg("XDG_CONFIG_HOME", "relative/is/ignored");
  const ScopedEnv home("HOME", "/home/someone");
  EXPECT_EQ(this_machine_path(), "/home/someone/.config/lockscope/machines/this-machine.toml");
}

}  // namespace
}  // namespace lockscope::engine::machine
