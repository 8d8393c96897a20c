#include "engine/scenario/scenario_reader.hpp"

#include "engine/scenario/random.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lockscope::engine::scenario {
namespace {

traces::ParseError error_of(std::string_view text, std::vector<std::string> overrides = {}) {
  auto s = read_scenario(text, "s.toml", overrides);
  EXPECT_FALSE(s.has_value());
  return s ? traces::ParseError{} : s.error();
}

#define EXPECT_ERROR_AT(error, file_, line_, column_, fragment)             \
  do {                                                                      \
    const traces::ParseError& e_ = (error);                                 \
    EXPECT_EQ(e_.file, file_) << e_.to_string();                            \
    EXPECT_EQ(e_.line, line_) << e_.to_string();                            \
    EXPECT_EQ(e_.column, column_) << e_.to_string();                        \
    EXPECT_NE(e_.message.find(fragment), std::string::npos) << e_.to_string(); \
  } while (false)

TEST(ScenarioReader, EmptyFileGivesTheDefaults) {
  auto s = read_scenario("", "dir/empty.toml");
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  const Scenario defaults;
  EXPECT_EQ(s->name, "empty");
  EXPECT_EQ(s->source, "dir/empty.toml");
  EXPECT_EQ(s->duration_us, defaults.duration_us);
  EXPECT_EQ(s->contexts, 4U);
  EXPECT_EQ(s->think_ns, Distribution::exponential(1000));
  EXPECT_EQ(s->read_cs_ns, Distribution::fixed(100));
  EXPECT_EQ(s->worker_count(), 4U);
}

TEST(ScenarioReader, ReadsEveryKey) {
  auto s = read_scenario(R"(
[scenario]
name = "n"
description = "d"
duration_us = 7
seed = 99
[contexts]
count = 3
workers_per_context = 5
[workers]
think_ns = { dist = "exponential", mean = 50, min = 10, max = 500 }
[reads]
cs_ns = { dist = "uniform", min = 1, max = 9 }
[writes]
write_permille = 12
cs_ns = 33
writer_period_us = 40
writers = 2
writer_jitter_ns = 6
writer_context = 2
[churn]
period_us = 8
sections = 4
orphan_permille = 250
[migration]
permille = 30
)",
                         "s.toml");
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(s->name, "n");
  EXPECT_EQ(s->description, "d");
  EXPECT_EQ(s->duration_us, 7U);
  EXPECT_EQ(s->seed, 99U);
  EXPECT_EQ(s->contexts, 3U);
  EXPECT_EQ(s->workers_per_context, 5U);
  EXPECT_EQ(s->think_ns, Distribution::exponential(50, 10, 500));
  EXPECT_EQ(s->read_cs_ns, Distribution::uniform(1, 9));
  EXPECT_EQ(s->write_permille, 12U);
  EXPECT_EQ(s->write_cs_ns, Distribution::fixed(33));
  EXPECT_EQ(s->writer_period_us, 40U);
  EXPECT_EQ(s->writers, 2U);
  EXPECT_EQ(s->writer_jitter_ns, 6U);
  EXPECT_EQ(s->writer_context, 2U);
  EXPECT_EQ(s->churn_period_us, 8U);
  EXPECT_EQ(s->churn_sections, 4U);
  EXPECT_EQ(s->orphan_permille, 250U);
  EXPECT_EQ(s->migration_permille, 30U);
  EXPECT_EQ(s->worker_count(), 17U);
}

TEST(ScenarioReader, DistributionAsAStandardTable) {
  auto s = read_scenario("[reads.cs_ns]\ndist = \"uniform\"\nmin = 3\nmax = 4\n", "s.toml");
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(s->read_cs_ns, Distribution::uniform(3, 4));
}

TEST(ScenarioReader, MisspeltKeyIsAnErrorAtItsLineAndColumnWithASuggestion) {
  EXPECT_ERROR_AT(error_of("[writes]\n  write_permile = 3\n"), "s.toml", 2U, 3U,
                  "unknown key `write_permile` in [writes] (did you mean `write_permille`?)");
}

TEST(ScenarioReader, UnknownKeyFarFromEveryKeyListsTheKnownOnes) {
  EXPECT_ERROR_AT(error_of("[contexts]\nthreads = 3\n"), "s.toml", 2U, 1U,
                  "unknown key `threads` in [contexts] (known: count, workers_per_context)");
}

TEST(ScenarioReader, UnknownTableIsAnErrorAtItsName) {
  EXPECT_ERROR_AT(error_of("[scenario]\nseed = 1\n[wrties]\n"), "s.toml", 3U, 2U, "unknown table `wrties` (did you mean `writes`?)");
}

TEST(ScenarioReader, UnknownDistributionKeyIsAnError) {
  EXPECT_ERROR_AT(error_of("[reads]\ncs_ns = { dist = \"fixed\", maen = 3 }\n"), "s.toml", 2U, 27U,
                  "unknown key `maen` in [reads.cs_ns] (did you mean `mean`?)");
}

TEST(ScenarioReader, WrongTypeIsAnErrorAtTheValue) {
  EXPECT_ERROR_AT(error_of("[scenario]\nduration_us = \"long\"\n"), "s.toml", 2U, 15U,
                  "`scenario.duration_us` must be an integer, not a string");
  EXPECT_ERROR_AT(error_of("[reads]\ncs_ns = 1.5\n"), "s.toml", 2U, 9U, "must be a distribution");
  EXPECT_ERROR_AT(error_of("scenario = 3\n"), "s.toml", 1U, 12U, "`scenario` must be a table, not an integer");
  EXPECT_ERROR_AT(error_of("[writes]\nwrite_permille = true\n"), "s.toml", 2U, 18U,
                  "`writes.write_permille` must be a number, not a boolean");
}

TEST(ScenarioReader, NegativeDurationIsAnError) {
  EXPECT_ERROR_AT(error_of("[scenario]\nduration_us = -5\n"), "s.toml", 2U, 15U,
                  "`scenario.duration_us` is -5; it must be between 1 and 1000000000");
  EXPECT_ERROR_AT(error_of("[scenario]\nseed = -1\n"), "s.toml", 2U, 8U, "`scenario.seed` is -1; it must be 0 or more");
}

TEST(ScenarioReader, PermilleAbove1000IsAnError) {
  EXPECT_ERROR_AT(error_of("[writes]\nwrite_permille = 1001\n"), "s.toml", 2U, 18U,
                  "`writes.write_permille` is 1001; it must be between 0 and 1000");
  EXPECT_ERROR_AT(error_of("[writes]\nwrite_permille = 1000.5\n"), "s.toml", 2U, 18U,
                  "`writes.write_permille` is 1000.5; it must be between 0 and 1000");
  EXPECT_ERROR_AT(error_of("[writes]\nwrite_permille = nan\n"), "s.toml", 2U, 18U,
                  "`writes.write_permille` is nan; it must be a finite number");
}

TEST(ScenarioReader, ZeroContextsIsAnError) {
  EXPECT_ERROR_AT(error_of("[contexts]\ncount = 0\n"), "s.toml", 2U, 9U, "`contexts.count` is 0; it must be between 1 and 65536");
}

TEST(ScenarioReader, DistributionMinAboveMaxIsAnError) {
  EXPECT_ERROR_AT(error_of("[reads]\ncs_ns = { dist = \"uniform\", min = 9, max = 3 }\n"), "s.toml", 2U, 35U,
                  "min (9) is greater than max (3)");
  EXPECT_ERROR_AT(error_of("[reads]\ncs_ns = { dist = \"exponential\", mean = 5, max = 3 }\n"), "s.toml", 2U, 49U,
                  "max (3) is less than mean (5)");
}

TEST(ScenarioReader, DistributionKindsCheckTheirParts) {
  EXPECT_ERROR_AT(error_of("[reads]\ncs_ns = { dist = \"normal\", mean = 3 }\n"), "s.toml", 2U, 18U,
                  "`reads.cs_ns.dist` is \"normal\"; it must be \"fixed\", \"uniform\" or \"exponential\"");
  EXPECT_ERROR_AT(error_of("[reads]\ncs_ns = { dist = \"unifrom\", min = 3, max = 4 }\n"), "s.toml", 2U, 18U,
                  "(did you mean \"uniform\"?)");
  EXPECT_ERROR_AT(error_of("[reads]\ncs_ns = { dist = \"uniform\", min = 3 }\n"), "s.toml", 2U, 9U, "needs `max`");
  // A required part missing from a standard table: at the table's header.
  EXPECT_ERROR_AT(error_of("[scenario]\nseed = 1\n[reads.cs_ns]\ndist = \"exponential\"\n"), "s.toml", 3U, 1U,
                  "`reads.cs_ns`: an exponential distribution needs `mean`");
  EXPECT_ERROR_AT(error_of("[reads]\ncs_ns = { mean = 3, max = 4 }\n"), "s.toml", 2U, 27U, "takes only mean");
}

TEST(ScenarioReader, WriterContextMustExist) {
  EXPECT_ERROR_AT(error_of("[contexts]\ncount = 2\n[writes]\nwriter_context = 2\n"), "s.toml", 4U, 18U,
                  "only contexts 0 .. 1 exist");
}

TEST(ScenarioReader, AllZeroTimesIsAnError) {
  EXPECT_ERROR_AT(error_of("[workers]\nthink_ns = 0\n[reads]\ncs_ns = 0\n"), "s.toml", 2U, 12U, "never reach");
}

TEST(ScenarioReader, HugeScenarioIsRejectedBeforeGenerating) {
  EXPECT_ERROR_AT(error_of("[scenario]\nduration_us = 1000000\n[contexts]\ncount = 64\n"), "s.toml", 2U, 15U,
                  "million ops");
}

TEST(ScenarioReader, TomlSyntaxErrorHasLineAndColumn) {
  const traces::ParseError e = error_of("[scenario]\nseed = = 3\n");
  EXPECT_EQ(e.file, "s.toml");
  EXPECT_EQ(e.line, 2U);
  EXPECT_GT(e.column, 0U);
  EXPECT_FALSE(e.message.empty());
}

TEST(ScenarioReader, MissingFileIsAnErrorAboutTheWholeFile) {
  auto s = read_scenario_file("/nonexistent/lockscope/scenario.toml");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().file, "/nonexistent/lockscope/scenario.toml");
  EXPECT_EQ(s.error().line, 0U);
  EXPECT_EQ(s.error().to_string(), "/nonexistent/lockscope/scenario.toml: cannot open: No such file or directory");
}

TEST(ScenarioReader, GarbageNeverCrashes) {
  const std::string valid = R"([scenario]
duration_us = 20
[reads]
cs_ns = { dist = "uniform", min = 1, max = 9 }
[churn]
period_us = 3
)";
  // Every truncation, then every byte replaced by a few troublemakers.
  for (std::size_t n = 0; n <= valid.size(); ++n) (void)read_scenario(valid.substr(0, n), "g.toml");
  for (std::size_t i = 0; i < valid.size(); ++i) {
    for (const char c : {'\0', '\xff', '"', '=', '[', '-', '9', '\n'}) {
      std::string text = valid;
      text[i] = c;
      (void)read_scenario(text, "g.toml");
    }
  }
  Rng rng(5, 0);
  for (int round = 0; round < 300; ++round) {
    std::string text(rng.below(200), '\0');
    for (char& c : text) c = static_cast<char>(rng.below(256));
    auto s = read_scenario(text, "g.toml");
    if (!s) {
      EXPECT_FALSE(s.error().message.empty());
    }
  }
}

// ---- overrides ------------------------------------------------------------

TEST(Override, SetsAnIntegerLeafBeforeValidation) {
  const std::vector<std::string> set = {"writes.write_permille=5", "scenario.seed = 8"};
  auto s = read_scenario("[writes]\nwrite_permille = 1\n", "s.toml", set);
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(s->write_permille, 5U);
  EXPECT_EQ(s->seed, 8U);
  EXPECT_EQ(s->overrides, set);
}

TEST(Override, CreatesAMissingTable) {
  auto s = read_scenario("", "s.toml", std::vector<std::string>{"churn.period_us=7"});
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(s->churn_period_us, 7U);
}

TEST(Override, SetsOnePartOfADistributionAndBareStrings) {
  auto s = read_scenario("[reads]\ncs_ns = 40\n", "s.toml",
                         std::vector<std::string>{"reads.cs_ns.dist=exponential", "reads.cs_ns.mean=60",
                                                  "scenario.name=bare words"});
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(s->read_cs_ns, Distribution::exponential(60));
  EXPECT_EQ(s->name, "bare words");
}

TEST(Override, ReplacesAWholeDistribution) {
  auto s = read_scenario("", "s.toml", std::vector<std::string>{R"(workers.think_ns={dist="uniform",min=1,max=3})"});
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(s->think_ns, Distribution::uniform(1, 3));
}

TEST(Override, UnknownKeyIsAnErrorAtItsColumn) {
  EXPECT_ERROR_AT(error_of("", {"scenario.seed=1", "writes.write_permile=1"}), "--set", 2U, 8U,
                  "unknown key `write_permile` in [writes] (did you mean `write_permille`?)");
  EXPECT_ERROR_AT(error_of("", {"wirtes.writers=1"}), "--set", 1U, 1U, "unknown table `wirtes` (did you mean `writes`?)");
  EXPECT_ERROR_AT(error_of("", {"reads.cs_ns.mode=3"}), "--set", 1U, 13U, "unknown key `mode` in [reads.cs_ns] (known: dist, mean, min, max)");
  EXPECT_ERROR_AT(error_of("", {"scenario.seed"}), "--set", 1U, 1U, "not key=value");
}

TEST(Override, BadTypeIsAnErrorAtTheValue) {
  EXPECT_ERROR_AT(error_of("", {"writes.write_permille=lots"}), "--set", 1U, 23U,
                  "`writes.write_permille` must be a number, not `lots`");
  EXPECT_ERROR_AT(error_of("", {"scenario.duration_us=1.5"}), "--set", 1U, 22U,
                  "`scenario.duration_us` must be an integer, not `1.5`");
  EXPECT_ERROR_AT(error_of("", {"contexts.count="}), "--set", 1U, 16U, "needs a value");
}

TEST(Override, RangeErrorPointsIntoTheSetFlag) {
  EXPECT_ERROR_AT(error_of("", {"scenario.seed=3", "writes.write_permille=2000"}), "--set", 2U, 23U,
                  "`writes.write_permille` is 2000; it must be between 0 and 1000");
  EXPECT_ERROR_AT(error_of("", {"reads.cs_ns.dist=unifrom"}), "--set", 1U, 18U,
                  "`reads.cs_ns.dist` is \"unifrom\"; it must be \"fixed\", \"uniform\" or \"exponential\" "
                  "(did you mean \"uniform\"?)");
  EXPECT_ERROR_AT(error_of("", {"reads.cs_ns={dist=\"uniform\",min=9,max=1}"}), "--set", 1U, 33U,
                  "greater than max");
}

TEST(Override, ApplyOverrideEditsTheDocument) {
  auto doc = parse_scenario_doc("[contexts]\ncount = 2\n", "s.toml");
  ASSERT_TRUE(doc.has_value());
  ASSERT_TRUE(apply_override(*doc, "contexts.count=64").has_value());
  auto s = scenario_from_doc(*doc);
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(s->contexts, 64U);
}

TEST(ScenarioReader, WritePermilleMayBeFractionalForReadMostlyWorkloads) {
  auto s = read_scenario("[writes]\nwrite_permille = 0.1\n", "s.toml");
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_DOUBLE_EQ(s->write_permille, 0.1);
  auto over = read_scenario("", "s.toml", std::vector<std::string>{"writes.write_permille=0.025"});
  ASSERT_TRUE(over.has_value()) << over.error().to_string();
  EXPECT_DOUBLE_EQ(over->write_permille, 0.025);
  auto whole = read_scenario("[writes]\nwrite_permille = 5\n", "s.toml");
  ASSERT_TRUE(whole.has_value());
  EXPECT_DOUBLE_EQ(whole->write_permille, 5.0);
}

TEST(ScenarioReader, WritePermilleFinerThanOneInAMillionIsAnError) {
  EXPECT_ERROR_AT(error_of("[writes]\nwrite_permille = 0.0001\n"), "s.toml", 2u, 18u, "resolution is 0.001");
  EXPECT_ERROR_AT(error_of("[writes]\nwrite_permille = 1000.5\n"), "s.toml", 2u, 18u, "between 0 and 1000");
  EXPECT_ERROR_AT(error_of("[writes]\nwrite_permille = \"x\"\n"), "s.toml", 2u, 18u, "must be a number");
}

}  // namespace
}  // namespace lockscope::engine::scenario
