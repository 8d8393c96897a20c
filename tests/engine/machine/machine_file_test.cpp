#include "engine/machine/machine_file.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "engine/machine/presets.hpp"
#include "temp_dir.hpp"

namespace lockscope::engine::machine {
namespace {

using lockscope::testing::TempDir;

// Six valid lines; the line under test is line 7.
constexpr std::string_view kHead =
    "name = \"t\"\n"
    "clock_ghz = 3\n"
    "l1_hit_ns = 1.5\n"
    "memory_ns = 90\n"
    "fence_ns = 8\n"
    "heavy_barrier_ns = 2000\n";

std::expected<Machine, traces::ParseError> parse(std::string_view tail) {
  return parse_machine_toml(std::string(kHead) + std::string(tail), "m.toml");
}

// Asserts that `tail` (after kHead) fails at line:column with a message
// containing `words`.
void expect_error(std::string_view tail, std::size_t line, std::size_t column,
                  std::string_view words) {
  auto m = parse(tail);
  ASSERT_FALSE(m.has_value()) << "accepted:\n" << tail;
  EXPECT_EQ(m.error().file, "m.toml");
  EXPECT_EQ(m.error().line, line) << m.error().to_string();
  EXPECT_EQ(m.error().column, column) << m.error().to_string();
  EXPECT_NE(m.error().message.find(words), std::string::npos) << m.error().to_string();
}

TEST(MachineFile, RoundTripGivesTheSameMachine) {
  for (std::string_view name : preset_names()) {
    if (name == "mesh-1024") continue;  // below, cut to size
    SCOPED_TRACE(name);
    const Machine m = *preset(name);
    auto back = parse_machine_toml(write_machine_toml(m), "x.toml");
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    EXPECT_EQ(*back, m);
  }
  const Machine mesh = *first_cores(*preset("mesh-1024"), 130);
  auto back = parse_machine_toml(write_machine_toml(mesh), "x.toml");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, mesh);
}

TEST(MachineFile, RoundTripKeepsAwkwardStringsAndNumbers) {
  MachineParameters p;
  p.name = "odd \"name\" \\ with\ttab";
  p.description = "line one\nline two, caf\u00e9, bell \x07";
  p.clock_ghz = 1.0 / 3.0;
  p.l1_hit_ns = 1e-3;
  p.memory_ns = 123456789.125;
  p.fence_ns = 0;
  p.heavy_barrier_ns = 1e20;
  const Machine m = make_machine(p, {"g\"0", "g1", "g1"},
                                 {0, 0.1 + 0.2, 77, 5e-7, 0, 99.5, 12, 13, 0});
  auto back = parse_machine_toml(write_machine_toml(m), "x.toml");
  ASSERT_TRUE(back.has_value()) << back.error().to_string() << "\n" << write_machine_toml(m);
  EXPECT_EQ(*back, m);
}

TEST(MachineFile, ReadsATopology) {
  auto m = parse(
      "topology = { groups = 4, cores_per_group = 2, near_ns = 22, far_ns = 95.5, "
      "group_prefix = \"ccx\" }\n");
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  EXPECT_EQ(m->cores(), 8U);
  EXPECT_EQ(m->core_group[7], "ccx3");
  EXPECT_EQ(m->latency(0, 1), 22);
  EXPECT_EQ(m->latency(1, 2), 95.5);
  EXPECT_EQ(m->latency(3, 3), 1.5);
  EXPECT_EQ(m->clock_ghz, 3);
}

TEST(MachineFile, ReadsATopologyAsAStandardTable) {
  auto m = parse("[topology]\ngroups = 2\ncores_per_group = 3\nnear_ns = 20\nfar_ns = 90\n");
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  EXPECT_EQ(m->cores(), 6U);
  EXPECT_EQ(m->core_group[5], "group1");
}

TEST(MachineFile, ReadsAnAsymmetricMatrixAndIgnoresTheDiagonal) {
  auto m = parse(
      "description = \"three cores\"\n"
      "core_group = [\"a\", \"a\", \"b\"]\n"
      "latency_ns = [\n"
      "  [0, 20, 90],\n"
      "  [21, 7, 91],\n"
      "  [90, 92, 0],\n"
      "]\n");
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  EXPECT_EQ(m->description, "three cores");
  EXPECT_EQ(m->latency(0, 1), 20);
  EXPECT_EQ(m->latency(1, 0), 21);
  EXPECT_EQ(m->latency(1, 1), 1.5);
  EXPECT_FALSE(summarize(*m).symmetric);
  EXPECT_EQ(m->core_group, (std::vector<std::string>{"a", "a", "b"}));
}

TEST(MachineFile, InfersGroupsWithoutCoreGroup) {
  auto m = parse("latency_ns = [[0, 20, 90], [20, 0, 90], [90, 90, 0]]\n");
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  EXPECT_EQ(m->core_group, (std::vector<std::string>{"group0", "group0", "group1"}));
}

TEST(MachineFile, ReadsALatencyCsvBesideIt) {
  const TempDir dir;
  dir.write("data/m.csv", ",,\n20,,\n90,91,\n");
  const std::string path =
      dir.write("box.toml", std::string(kHead) + "latency_csv = \"data/m.csv\"\n");
  auto m = read_machine_file(path);
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  EXPECT_EQ(m->name, "t");
  EXPECT_EQ(m->cores(), 3U);
  EXPECT_EQ(m->latency(0, 2), 90);
  EXPECT_EQ(m->latency(2, 1), 91);
  EXPECT_EQ(m->latency(2, 2), 1.5);
}

TEST(MachineFile, CsvErrorsPointIntoTheCsv) {
  const TempDir dir;
  const std::string csv = dir.write("m.csv", ",,\n20,,\n90,oops,\n");
  const std::string path = dir.write("box.toml", std::string(kHead) + "latency_csv = \"m.csv\"\n");
  auto m = read_machine_file(path);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().file, csv);
  EXPECT_EQ(m.error().line, 3U);
  EXPECT_EQ(m.error().column, 4U);
}

TEST(MachineFile, MissingCsvIsReportedAtTheValue) {
  expect_error("latency_csv = \"nowhere.csv\"\n", 7, 15, "cannot read");
}

TEST(MachineFile, MissingFileIsAWholeFileError) {
  auto m = read_machine_file("/nonexistent/lockscope/box.toml");
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().to_string(), "/nonexistent/lockscope/box.toml: cannot open: No such file or directory");
}

TEST(MachineFile, SyntaxErrorHasItsPosition) {
  expect_error("latency_ns = [[0, 1], [1, 0]\nfoo = ", 8, 1, "");
}

TEST(MachineFile, MissingKeyIsReportedAtTheTopOfTheFile) {
  auto m = parse_machine_toml("name = \"t\"\nclock_ghz = 3\n", "m.toml");
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().to_string(), "m.toml:1:1: missing key `l1_hit_ns` (e.g. l1_hit_ns = 1.2)");
}

TEST(MachineFile, WrongTypeIsReportedAtTheValue) {
  auto m = parse_machine_toml("name = \"t\"\nclock_ghz = \"fast\"\n", "m.toml");
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().line, 2U);
  EXPECT_EQ(m.error().column, 13U);
  EXPECT_EQ(m.error().message, "`clock_ghz` must be a number, not a string (e.g. clock_ghz = 3.5)");
}

TEST(MachineFile, NegativeCostIsReportedAtTheValue) {
  auto m = parse_machine_toml(
      "name = \"t\"\nclock_ghz = 3\nl1_hit_ns = 1\nmemory_ns = 90\nfence_ns = -8\n", "m.toml");
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().line, 5U);
  EXPECT_EQ(m.error().column, 12U);
  EXPECT_EQ(m.error().message, "`fence_ns` is -8; it must be 0 or more");
}

TEST(MachineFile, UnknownKeyIsRejectedWithASuggestion) {
  expect_error("fence_nss = 9\nlatency_ns = [[0]]\n", 7, 1, "unknown key `fence_nss` (did you mean `fence_ns`?)");
}

TEST(MachineFile, UnknownKeyInATableIsRejected) {
  expect_error("topology = { groups = 2, cores_per_group = 2, near_ns = 20, far = 90 }\n", 7, 61,
               "unknown key `far` in [topology] (known: groups, cores_per_group, near_ns, far_ns, group_prefix)");
  expect_error("[topology]\ngroups = 2\ncores_per_group = 2\nnear_ns = 20\nfar_nss = 90\n", 11, 1,
               "unknown key `far_nss` in [topology] (did you mean `far_ns`?)");
}

TEST(MachineFile, NonSquareMatrixIsReportedAtTheRow) {
  expect_error("latency_ns = [\n  [0, 20, 30],\n  [20, 0],\n  [30, 20, 0],\n]\n", 9, 3,
               "row 1 has 2 entries");
}

TEST(MachineFile, NegativeLatencyIsReportedAtTheEntry) {
  expect_error("latency_ns = [[0, 20], [-20, 0]]\n", 7, 25, "`latency_ns[1][0]` is -20; it must be 0 or more");
}

TEST(MachineFile, ZeroOffDiagonalLatencyIsRejected) {
  expect_error("latency_ns = [[0, 0], [20, 0]]\n", 7, 19, "`latency_ns[0][1]` is 0; a transfer between two cores takes time");
}

TEST(MachineFile, NonNumberEntryIsRejected) {
  expect_error("latency_ns = [[0, \"20\"], [20, 0]]\n", 7, 19, "`latency_ns[0][1]` must be a number, not a string");
  expect_error("latency_ns = [[0, 20], 5]\n", 7, 24, "`latency_ns[1]` must be an array, not an integer");
}

TEST(MachineFile, NanIsRejected) {
  expect_error("latency_ns = [[0, nan], [20, 0]]\n", 7, 19, "finite");
}

TEST(MachineFile, TwoLatencySourcesAreRejectedAtTheSecond) {
  expect_error(
      "latency_ns = [[0, 20], [20, 0]]\n"
      "topology = { groups = 1, cores_per_group = 2, near_ns = 20, far_ns = 20 }\n",
      8, 1, "keep one");
}

TEST(MachineFile, NoLatenciesIsReportedAtTheTopOfTheFile) {
  expect_error("", 1, 1, "no latencies: give one of `topology`, `latency_ns` or `latency_csv`");
}

TEST(MachineFile, TopologyMissingKeyIsReportedAtTheTable) {
  expect_error("topology = { groups = 2, cores_per_group = 2, near_ns = 20 }\n", 7, 12,
               "missing key `far_ns` in [topology] (e.g. far_ns = 95)");
  expect_error("\n[topology]\ngroups = 2\ncores_per_group = 2\nnear_ns = 20\n", 8, 1, "missing key `far_ns` in [topology]");
}

TEST(MachineFile, TopologyTooLargeIsRejected) {
  expect_error("topology = { groups = 4096, cores_per_group = 4096, near_ns = 20, far_ns = 90 }\n",
               7, 12, "at most 4096");
}

TEST(MachineFile, TopologyZeroGroupsIsRejected) {
  expect_error("topology = { groups = 0, cores_per_group = 2, near_ns = 20, far_ns = 90 }\n", 7,
               23, "`topology.groups` is 0; it must be between 1 and 4096");
  expect_error("topology = { groups = 2.5, cores_per_group = 2, near_ns = 20, far_ns = 90 }\n", 7,
               23, "`topology.groups` must be an integer, not a float");
}

TEST(MachineFile, CoreGroupOfTheWrongSizeIsRejected) {
  expect_error("core_group = [\"a\"]\nlatency_ns = [[0, 20], [20, 0]]\n", 7, 14,
               "names 1 cores but the latencies describe 2");
}

TEST(MachineFile, EmptyNameIsRejected) {
  auto m = parse_machine_toml("name = \"\"" + std::string(kHead.substr(kHead.find('\n'))) + "latency_ns = [[0]]\n",
                              "m.toml");
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().to_string(), "m.toml:1:8: `name` is empty");
}

TEST(MachineFile, GarbageNeverCrashes) {
  const std::vector<std::string> garbage = {
      "",
      std::string("\x00\x01\x02", 3),
      "[[[[[[[[",
      "name = ",
      "= = =",
      "latency_ns = [[[[1]]]]",
      "\xff\xfe\xfd",
      "name = \"t\"\nclock_ghz = 1e400\n",
      "name = 5\n",
      std::string(kHead) + "latency_ns = 5\n",
      std::string(kHead) + "latency_ns = []\n",
      std::string(kHead) + "latency_ns = [[]]\n",
      std::string(kHead) + "latency_ns = [5]\n",
      std::string(kHead) + "topology = 5\n",
      std::string(kHead) + "topology = { groups = -1, cores_per_group = 2, near_ns = 1, far_ns = 1 }\n",
      std::string(kHead) + "topology = { groups = 1.5, cores_per_group = 2, near_ns = 1, far_ns = 1 }\n",
      std::string(kHead) + "core_group = 5\nlatency_ns = [[0]]\n",
      std::string(kHead) + "core_group = [1]\nlatency_ns = [[0]]\n",
      std::string(kHead) + "latency_csv = 5\n",
      std::string(kHead) + "latency_csv = \"/\"\n",
      std::string(kHead) + "[latency_ns]\n",
  };
  for (const std::string& g : garbage) {
    auto m = parse_machine_toml(g, "g.toml");
    EXPECT_FALSE(m.has_value()) << "accepted: " << g;
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::string text(static_cast<std::size_t>(rng() % 200), '\0');
    for (char& c : text) c = static_cast<char>(rng() % 256);
    if (round % 2 == 0) text = std::string(kHead) + text;  // garbage after a valid start
    auto m = parse_machine_toml(text, "g.toml");
    EXPECT_FALSE(m.has_value());
  }
}

TEST(MachineFile, MutatedFilesAreReadOrRejectedButNeverInvalid) {
  const std::string good = write_machine_toml(*preset("laptop-8"));
  const std::string bytes = "0123456789.-+e[]{},=\"#\n x\xff";
  std::mt19937 rng(3);
  for (int round = 0; round < 300; ++round) {
    std::string text = good;
    for (int k = 0; k < 3; ++k) text[rng() % text.size()] = bytes[rng() % bytes.size()];
    auto m = parse_machine_toml(text, "mutant.toml");
    if (m) {
      EXPECT_TRUE(validate(*m).has_value()) << text;
    } else {
      EXPECT_FALSE(m.error().message.empty());
    }
  }
}

TEST(MachineFile, WrittenFileDescribesItsKeys) {
  const std::string text = write_machine_toml(*preset("laptop-8"));
  EXPECT_NE(text.find("name = \"laptop-8\""), std::string::npos);
  EXPECT_NE(text.find("latency_ns = ["), std::string::npos);
  EXPECT_NE(text.find("docs/machines.md"), std::string::npos);
}

// A machine with every new key set away from its default.
Machine calibrated_pair() {
  MachineParameters p;
  p.name = "pair";
  Machine m = make_machine(p, {}, {0, 27.5, 27.5, 0});
  m.access.reference_ns = 27.5;
  m.access.load = {.modified_ns = 61.25, .exclusive_ns = 58, .shared_ns = 40.5,
                   .shared_by_ns = {}, .memory_ns = 131};
  m.access.store = {.modified_ns = 66, .exclusive_ns = 64, .shared_ns = 0,
                    .shared_by_ns = {70, 75.5, 81}, .memory_ns = 140};
  m.access.rmw = {.modified_ns = 60, .exclusive_ns = 0, .shared_ns = 0,
                  .shared_by_ns = {72}, .memory_ns = 0};
  m.arbitration = Arbitration::fifo;
  m.line_hold_ns = 12.5;
  m.line_hold_rule = LineHoldRule::fixed;
  m.clock_read_ns = 17.25;
  m.ooo_window_ns = 146.5;
  m.heavy_barrier_alone_ns = 452.5;
  m.memory_model = MemoryModel::tso;
  m.store_buffer_depth = 8;
  m.scheduler = {.slice_us = 750, .thread_switch_ns = 3500, .coroutine_switch_ns = 0, .wake_ns = 9100,
                 .wake_call_ns = 5900, .syscall_ns = 1150, .spin_ns = 4700, .wake_idle_ns = {5000, 50000, 1e6},
                 .wake_after_idle_ns = {11700, 18650.5, 32400}};
  return m;
}

TEST(MachineFile, PerStateCostsArbitrationAndSchedulerRoundTrip) {
  const Machine m = calibrated_pair();
  ASSERT_TRUE(validate(m).has_value()) << validate(m).error();
  const std::string text = write_machine_toml(m);
  EXPECT_NE(text.find("[access]"), std::string::npos) << text;
  EXPECT_NE(text.find("store_shared_ns = [70, 75.5, 81]"), std::string::npos) << text;
  EXPECT_EQ(text.find("rmw_exclusive_ns"), std::string::npos) << "not given: not written";
  EXPECT_NE(text.find("arbitration = \"fifo\""), std::string::npos) << text;
  EXPECT_NE(text.find("[scheduler]"), std::string::npos) << text;
  EXPECT_NE(text.find("line_hold_ns = 12.5"), std::string::npos) << text;
  EXPECT_NE(text.find("line_hold_rule = \"fixed\""), std::string::npos) << text;
  EXPECT_NE(text.find("clock_read_ns = 17.25"), std::string::npos) << text;
  EXPECT_NE(text.find("ooo_window_ns = 146.5"), std::string::npos) << text;
  EXPECT_NE(text.find("heavy_barrier_alone_ns = 452.5"), std::string::npos) << text;
  EXPECT_NE(text.find("wake_ns = 9100"), std::string::npos) << text;
  EXPECT_NE(text.find("spin_ns = 4700"), std::string::npos) << text;
  EXPECT_NE(text.find("wake_call_ns = 5900"), std::string::npos) << text;
  EXPECT_NE(text.find("syscall_ns = 1150"), std::string::npos) << text;
  EXPECT_NE(text.find("wake_idle_ns = [5000, 50000, 1000000]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("wake_after_idle_ns = [11700, 18650.5, 32400]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("memory_model = \"tso\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("store_buffer_depth = 8\n"), std::string::npos) << text;
  auto back = parse_machine_toml(text, "x.toml");
  ASSERT_TRUE(back.has_value()) << back.error().to_string() << "\n" << text;
  EXPECT_EQ(*back, m);
}

TEST(MachineFile, AFileWithoutTheNewKeysLoadsWithThePlainModel) {
  auto m = parse("latency_ns = [[0, 20], [20, 0]]\n");
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  EXPECT_FALSE(m->access.given());
  EXPECT_EQ(m->access, AccessCosts{});
  EXPECT_EQ(m->arbitration, Arbitration::nearest_first);
  EXPECT_EQ(m->scheduler, Scheduler{});
  // And it prints as it always did: none of the new keys appear.
  const std::string text = write_machine_toml(*m);
  EXPECT_EQ(m->line_hold_ns, 0);
  EXPECT_EQ(m->clock_read_ns, 0);
  EXPECT_EQ(m->ooo_window_ns, 0);
  EXPECT_EQ(m->heavy_barrier_alone_ns, 0);
  EXPECT_EQ(m->memory_model, MemoryModel::sc);
  EXPECT_EQ(m->store_buffer_depth, 56U);
  EXPECT_EQ(m->line_hold_rule, LineHoldRule::while_used);
  for (const char* key : {"[access]", "[scheduler]", "arbitration", "line_hold_", "clock_read_ns", "ooo_window_ns",
                          "heavy_barrier_alone_ns", "memory_model", "store_buffer_depth"}) {
    EXPECT_EQ(text.find(key), std::string::npos) << key << " in\n" << text;
  }
}

TEST(MachineFile, SchedulerKeysMayBeGivenOneAtATime) {
  auto m = parse("latency_ns = [[0, 20], [20, 0]]\narbitration = \"nearest-first\"\n"
                 "[scheduler]\ncoroutine_switch_ns = 80\n");
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  EXPECT_EQ(m->scheduler.coroutine_switch_ns, 80);
  EXPECT_EQ(m->scheduler.wake_ns, Scheduler{}.wake_ns);
  EXPECT_EQ(m->scheduler.spin_ns, Scheduler{}.spin_ns);
  EXPECT_EQ(m->scheduler.slice_us, Scheduler{}.slice_us);
  EXPECT_EQ(m->scheduler.thread_switch_ns, Scheduler{}.thread_switch_ns);
  EXPECT_EQ(m->arbitration, Arbitration::nearest_first);
}

constexpr std::string_view kMatrix = "latency_ns = [[0, 20], [20, 0]]\n";  // line 7

TEST(MachineFile, BadArbitrationIsReportedAtTheValue) {
  expect_error(std::string(kMatrix) + "line_hold_rule = \"always\"\n", 8, 18,
               "`line_hold_rule` is \"always\"; it must be \"while-used\" or \"fixed\"");
  expect_error(std::string(kMatrix) + "arbitration = \"random\"\n", 8, 15,
               "`arbitration` is \"random\"; it must be \"nearest-first\", \"arrival\" or \"fifo\"");
  expect_error(std::string(kMatrix) + "arbitration = \"nearest_first\"\n", 8, 15, "(did you mean \"nearest-first\"?)");
  expect_error(std::string(kMatrix) + "arbitration_patience = -1\n", 8, 24,
               "`arbitration_patience` is -1; it must be between 0 and 1000000000");
  expect_error(std::string(kMatrix) + "arbitration = 1\n", 8, 15, "must be a string");
}

TEST(MachineFile, MemoryModelAndStoreBufferDepthAreReadAndWrittenOnlyWhenNotTheDefault) {
  auto tso = parse(std::string(kMatrix) + "memory_model = \"tso\"\n");
  ASSERT_TRUE(tso.has_value()) << tso.error().to_string();
  EXPECT_EQ(tso->memory_model, MemoryModel::tso);
  EXPECT_EQ(tso->store_buffer_depth, 56U) << "the depth defaults to Skylake's";
  const std::string tso_text = write_machine_toml(*tso);
  EXPECT_NE(tso_text.find("memory_model = \"tso\"\n"), std::string::npos) << tso_text;
  EXPECT_EQ(tso_text.find("store_buffer_depth"), std::string::npos) << tso_text;
  EXPECT_EQ(*parse_machine_toml(tso_text, "x.toml"), *tso);

  // Written out at their defaults, the keys read back and disappear.
  auto sc = parse(std::string(kMatrix) + "memory_model = \"sc\"\nstore_buffer_depth = 56\n");
  ASSERT_TRUE(sc.has_value()) << sc.error().to_string();
  EXPECT_EQ(sc->memory_model, MemoryModel::sc);
  EXPECT_EQ(write_machine_toml(*sc), write_machine_toml(*parse(kMatrix)));

  auto deep = parse(std::string(kMatrix) + "store_buffer_depth = 4096\n");
  ASSERT_TRUE(deep.has_value()) << deep.error().to_string();
  EXPECT_EQ(deep->store_buffer_depth, 4096U);
  EXPECT_EQ(deep->memory_model, MemoryModel::sc) << "a depth alone does not turn tso on";
  EXPECT_NE(write_machine_toml(*deep).find("store_buffer_depth = 4096\n"), std::string::npos);
}

// The stress setting for tso's retire delays: absent means the memory
// latency (0), written only when set, read back the same.
TEST(MachineFile, RetireDelayMaxIsReadAndWrittenOnlyWhenSet) {
  auto plain = parse(kMatrix);
  ASSERT_TRUE(plain.has_value()) << plain.error().to_string();
  EXPECT_EQ(plain->retire_delay_max_ns, 0.0);
  EXPECT_EQ(write_machine_toml(*plain).find("retire_delay_max_ns"), std::string::npos);
  auto stretched = parse(std::string(kMatrix) + "memory_model = \"tso\"\nretire_delay_max_ns = 320.5\n");
  ASSERT_TRUE(stretched.has_value()) << stretched.error().to_string();
  EXPECT_EQ(stretched->retire_delay_max_ns, 320.5);
  const std::string text = write_machine_toml(*stretched);
  EXPECT_NE(text.find("retire_delay_max_ns = 320.5\n"), std::string::npos) << text;
  EXPECT_EQ(*parse_machine_toml(text, "x.toml"), *stretched);
  auto whole = parse(std::string(kMatrix) + "retire_delay_max_ns = 400\n");
  ASSERT_TRUE(whole.has_value()) << whole.error().to_string();
  EXPECT_EQ(whole->retire_delay_max_ns, 400.0) << "an integer is a number of ns too";
  expect_error(std::string(kMatrix) + "retire_delay_max_ns = -1\n", 8, 23, "`retire_delay_max_ns` is -1");
  expect_error(std::string(kMatrix) + "retire_delay_max_ns = \"long\"\n", 8, 23, "must be a number");
}

TEST(MachineFile, BadMemoryModelAndStoreBufferDepthAreReportedAtTheValue) {
  expect_error(std::string(kMatrix) + "memory_model = \"pso\"\n", 8, 16,
               "`memory_model` is \"pso\"; it must be \"sc\" or \"tso\"");
  expect_error(std::string(kMatrix) + "memory_model = 1\n", 8, 16, "must be a string");
  expect_error(std::string(kMatrix) + "store_buffer_depth = 0\n", 8, 22,
               "`store_buffer_depth` is 0; it must be between 1 and 4096");
  expect_error(std::string(kMatrix) + "store_buffer_depth = 4097\n", 8, 22,
               "`store_buffer_depth` is 4097; it must be between 1 and 4096");
  expect_error(std::string(kMatrix) + "store_buffer_depth = 8.5\n", 8, 22, "must be an integer");
  expect_error(std::string(kMatrix) + "memory_modl = \"tso\"\n", 8, 1, "(did you mean `memory_model`?)");
}

TEST(MachineFile, BadPerStateCostsAreReportedWhereTheyAre) {
  const std::string head = std::string(kMatrix) + "[access]\n";  // line 8
  expect_error(head + "load_modified_ns = 30\n", 8, 1, "missing key `reference_ns` in [access]");
  expect_error(head + "reference_ns = 0\n", 9, 16, "`access.reference_ns` is 0; it must be positive");
  expect_error(head + "reference_ns = 20\nrmw_memory_ns = -3\n", 10, 17,
               "`access.rmw_memory_ns` is -3; it must be positive");
  expect_error(head + "reference_ns = 20\nload_exclusive_ns = \"fast\"\n", 10, 21,
               "must be a number");
  expect_error(head + "reference_ns = 20\nstore_shared_ns = 30\n", 10, 19,
               "must be an array of costs for k = 1, 2, ...");
  expect_error(head + "reference_ns = 20\nrmw_shared_ns = []\n", 10, 17, "an empty array");
  expect_error(head + "reference_ns = 20\nstore_shared_ns = [30, 0]\n", 10, 24,
               "`access.store_shared_ns[1]` is 0; it must be positive");
  expect_error(head + "reference_ns = 20\nlod_modified_ns = 30\n", 10, 1,
               "unknown key `lod_modified_ns` in [access] (did you mean `load_modified_ns`?)");
  expect_error(std::string(kMatrix) + "access = 3\n", 8, 10, "`access` must be a table, not an integer");
}

TEST(MachineFile, BadSchedulerValuesAreReportedWhereTheyAre) {
  const std::string head = std::string(kMatrix) + "[scheduler]\n";  // line 8
  expect_error(head + "slice_us = 0\n", 9, 12, "`scheduler.slice_us` is 0; it must be positive");
  expect_error(head + "thread_switch_ns = -1\n", 9, 20, "`scheduler.thread_switch_ns` is -1; it must be 0 or more");
  expect_error(head + "coroutine_switch_ns = inf\n", 9, 23, "finite");
  expect_error(head + "slice_s = 3000\n", 9, 1, "unknown key `slice_s` in [scheduler] (did you mean `slice_us`?)");
  expect_error(head + "wake_ns = -5\n", 9, 11, "`scheduler.wake_ns` is -5; it must be 0 or more");
  expect_error(head + "wake_call_ns = -5\n", 9, 16, "`scheduler.wake_call_ns` is -5; it must be 0 or more");
  expect_error(head + "syscall_ns = nan\n", 9, 14, "finite");
  expect_error(head + "spin_ns = \"long\"\n", 9, 11, "must be a number");
  expect_error(std::string(kMatrix) + "line_hold_ns = -1\n", 8, 16, "`line_hold_ns` is -1; it must be 0 or more");
  expect_error(std::string(kMatrix) + "ooo_window_ns = -2\n", 8, 17, "`ooo_window_ns` is -2; it must be 0 or more");
  expect_error(std::string(kMatrix) + "clock_read_ns = -2\n", 8, 17, "`clock_read_ns` is -2; it must be 0 or more");
  expect_error(std::string(kMatrix) + "heavy_barrier_alone_ns = -1\n", 8, 26,
               "`heavy_barrier_alone_ns` is -1; it must be 0 or more");
  expect_error(std::string(kMatrix) + "scheduler = \"cfs\"\n", 8, 13,
               "`scheduler` must be a table, not a string");
  // The wake-up curve: two arrays that pair up, idle times rising.
  expect_error(head + "wake_idle_ns = [5000, 50000]\n", 9, 16,
               "`scheduler.wake_idle_ns` needs `scheduler.wake_after_idle_ns` beside it");
  expect_error(head + "wake_after_idle_ns = [11000]\n", 9, 22,
               "`scheduler.wake_after_idle_ns` needs `scheduler.wake_idle_ns` beside it");
  expect_error(head + "wake_idle_ns = [5000, 50000]\nwake_after_idle_ns = [11000]\n", 10, 22,
               "has 1 entries and `scheduler.wake_idle_ns` 2; they pair up");
  expect_error(head + "wake_idle_ns = []\nwake_after_idle_ns = []\n", 10, 22, "at least one each");
  expect_error(head + "wake_idle_ns = [50000, 5000]\nwake_after_idle_ns = [1, 2]\n", 9, 24,
               "`scheduler.wake_idle_ns` must rise");
  expect_error(head + "wake_idle_ns = [0]\nwake_after_idle_ns = [1]\n", 9, 17, "must be positive");
  expect_error(head + "wake_idle_ns = [10]\nwake_after_idle_ns = [\"slow\"]\n", 10, 23, "must be a number");
}

TEST(MachineFile, MutatedCalibratedFilesAreReadOrRejectedButNeverInvalid) {
  const std::string good = write_machine_toml(calibrated_pair());
  const std::string bytes = "0123456789.-+e[]{},=\"#\n x\xff";
  std::mt19937 rng(5);
  int read = 0;
  for (int round = 0; round < 300; ++round) {
    std::string text = good;
    text[rng() % text.size()] = bytes[rng() % bytes.size()];
    auto m = parse_machine_toml(text, "mutant.toml");
    if (m) {
      ++read;
      EXPECT_TRUE(validate(*m).has_value()) << validate(*m).error() << "\n" << text;
    } else {
      EXPECT_FALSE(m.error().message.empty());
    }
  }
  EXPECT_GT(read, 0) << "some single-byte mutations (in comments, digits) must still read";
}

}  // namespace
}  // namespace lockscope::engine::machine
