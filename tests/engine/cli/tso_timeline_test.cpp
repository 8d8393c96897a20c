// What a tso run's timeline holds beside the spans: the stores that waited
// in store buffers and the mutual-exclusion violations, so the GUI can show
// the reader's increment still buffered while the writer's sum reads zero,
// and open where the two workers are inside together.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tests/engine/cli/run_cli.hpp"
#include "traces/timeline_file.hpp"

namespace lockscope::testing {
namespace {

const std::string kWhyTheFence = std::string(LOCKSCOPE_SOURCE_DIR) + "/scenarios/teaching/why-the-fence.toml";

std::filesystem::path temp(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("lockscope_" + name + "_" + std::to_string(::getpid()) + ".lstl");
}

TEST(TsoTimeline, ExploresFirstWrongRunHoldsItsViolationsAndBufferedStores) {
  const std::filesystem::path file = temp("tso_violation");
  const CliRun r = run_cli("explore --scenario " + kWhyTheFence +
                           " --lock graph-nofence --machine laptop-8 --memory-model tso --seeds 60 --jobs 2"
                           " --timeline " + file.string());
  ASSERT_EQ(r.status, 4) << r.out << r.err;
  auto t = traces::read_timeline_file(file);
  ASSERT_TRUE(t.has_value()) << t.error().to_string();
  ASSERT_FALSE(t->violations.empty());
  EXPECT_LE(t->violations.size(), traces::ExclusionViolation::kMaxViolations);
  for (const traces::ExclusionViolation& v : t->violations) {
    // At the violation both workers hold the lock: the one entering starts
    // its critical section there, the other's covers that time.
    const auto holds = [&](std::uint32_t worker) {
      const auto& spans = t->workers.at(worker).spans;
      return std::any_of(spans.begin(), spans.end(), [&](const traces::Span& s) {
        const bool inside = s.state == traces::WorkerState::reading || s.state == traces::WorkerState::writing;
        return inside && s.start <= v.time && v.time <= s.end;
      });
    };
    EXPECT_TRUE(holds(v.entering)) << "worker " << v.entering << " at " << v.time;
    EXPECT_TRUE(holds(v.inside)) << "worker " << v.inside << " at " << v.time;
  }
  ASSERT_FALSE(t->buffered_stores.empty());
  std::size_t drained = 0;
  for (const traces::BufferedStoreRecord& b : t->buffered_stores) {
    ASSERT_LT(b.line, t->lines.size());
    if (b.visible == traces::kNeverVisible) continue;
    EXPECT_GE(b.visible, b.stored);
    ++drained;
  }
  // Every worker finished, so every buffer drained.
  EXPECT_EQ(drained, t->buffered_stores.size());
  // The reader counters' increments are among them.
  EXPECT_TRUE(std::any_of(t->buffered_stores.begin(), t->buffered_stores.end(), [&](const auto& b) {
    return t->lines[b.line].name.find(".readers") != std::string::npos;
  }));
  std::filesystem::remove(file);
}

// The command explore prints to reproduce its first finding does: the same
// run, the same violations (explore replays with exact timing, --strict).
TEST(TsoTimeline, ExploresReproduceCommandReproducesItsFinding) {
  const CliRun r = run_cli("explore --scenario " + kWhyTheFence +
                           " --lock graph-nofence --machine laptop-8 --memory-model tso --seeds 20 --jobs 2");
  ASSERT_EQ(r.status, 4) << r.out << r.err;
  const std::size_t at = r.out.find("reproduce: lockscope ");
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::size_t from = at + std::string("reproduce: lockscope ").size();
  const std::string command = r.out.substr(from, r.out.find('\n', from) - from);
  EXPECT_NE(command.find(" --strict"), std::string::npos) << command;
  // "  seed N: K mutual-exclusion violations" for the seed it names.
  const std::size_t seed_at = command.find("--seed ");
  ASSERT_NE(seed_at, std::string::npos);
  const std::string seed = command.substr(seed_at + 7, command.find(' ', seed_at + 7) - seed_at - 7);
  const std::size_t line = r.out.find("  seed " + seed + ": ");
  ASSERT_NE(line, std::string::npos) << r.out;
  const std::string what = r.out.substr(line + 9 + seed.size(), r.out.find('\n', line) - line - 9 - seed.size());
  const std::string count = what.substr(0, what.find(' '));
  const CliRun again = run_cli(command);
  EXPECT_NE(again.out.find("MUTUAL EXCLUSION VIOLATED " + count + " times"), std::string::npos)
      << command << "\n" << again.out << "explore said: " << what;
}

TEST(TsoTimeline, AnScRunHasNoBufferedStores) {
  const std::filesystem::path file = temp("sc_run");
  const CliRun r = run_cli("replay --scenario " + kWhyTheFence +
                           " --lock graph --machine laptop-8 --memory-model sc --set scenario.duration_us=20"
                           " --timeline " + file.string());
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  auto t = traces::read_timeline_file(file);
  ASSERT_TRUE(t.has_value()) << t.error().to_string();
  EXPECT_TRUE(t->buffered_stores.empty());
  EXPECT_TRUE(t->violations.empty());
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace lockscope::testing
