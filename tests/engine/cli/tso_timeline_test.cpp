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
