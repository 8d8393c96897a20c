#include "traces/workload_writer.hpp"

#include "traces/workload_reader.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <sstream>
#include <string>

namespace lockscope::traces {
namespace {

std::string write_text(const WorkloadTrace& t) {
  std::ostringstream out;
  write_workload(out, t);
  return out.str();
}

std::expected<WorkloadTrace, ParseError> read_text(const std::string& text) {
  std::istringstream in(text);
  return read_workload(in, "t.workload");
}

WorkloadTrace sample() {
  WorkloadTrace t;
  t.origin = "generated from scenarios/teaching/bouncing.toml, seed 1";
  t.initial_contexts = 2;
  t.workers.resize(3);
  t.workers[0] = {0, {{OpKind::read_acquire}, {OpKind::hold, 250}, {OpKind::move, 1}, {OpKind::read_release}}};
  t.workers[1] = {1, {{OpKind::think, 1000}, {OpKind::write_acquire}, {OpKind::hold, 80}, {OpKind::write_release}}};
  t.workers[2] = {0, {}};
  return t;
}

// A valid trace of `ops_per_worker`-ish ops per worker: lock sections with
// moves while holding, thinking, and private contexts created, entered,
// left and destroyed.
WorkloadTrace random_trace(std::mt19937_64& rng, std::size_t ops_per_worker) {
  WorkloadTrace t;
  t.initial_contexts = 1 + static_cast<std::uint32_t>(rng() % 4);
  t.workers.resize(1 + rng() % 5);
  for (std::size_t w = 0; w < t.workers.size(); ++w) {
    WorkerPlan& p = t.workers[w];
    p.initial_context = static_cast<std::uint32_t>(rng() % t.initial_contexts);
    std::uint64_t here = p.initial_context;
    while (p.ops.size() < ops_per_worker) {
      switch (rng() % 4) {
        case 0: p.ops.push_back({OpKind::think, rng() % 5000}); break;
        case 1: {
          const bool write = rng() % 4 == 0;
          p.ops.push_back({write ? OpKind::write_acquire : OpKind::read_acquire});
          p.ops.push_back({OpKind::hold, rng()});  // any uint64 round-trips
          if (rng() % 2 == 0) {
            here = rng() % t.initial_contexts;
            p.ops.push_back({OpKind::move, here});
          }
          p.ops.push_back({write ? OpKind::write_release : OpKind::read_release});
          break;
        }
        case 2: {
          const std::uint64_t mine = t.initial_contexts + w;
          p.ops.push_back({OpKind::create_context, mine});
          p.ops.push_back({OpKind::move, mine});
          p.ops.push_back({OpKind::think, 1});
          p.ops.push_back({OpKind::move, here});
          p.ops.push_back({OpKind::destroy_context, mine});
          break;
        }
        default:
          here = rng() % t.initial_contexts;
          p.ops.push_back({OpKind::move, here});
      }
    }
  }
  return t;
}

TEST(WorkloadWriter, WritesTheCanonicalLayout) {
  EXPECT_EQ(write_text(sample()),
            "lockscope-workload 1\n"
            "# origin: generated from scenarios/teaching/bouncing.toml, seed 1\n"
            "contexts 2\n"
            "workers 3\n"
            "worker 0 context 0\n"
            "worker 1 context 1\n"
            "worker 2 context 0\n"
            "\n"
            "0 rdlock\n"
            "0 hold 250\n"
            "0 move 1\n"
            "0 rdunlock\n"
            "\n"
            "1 think 1000\n"
            "1 wrlock\n"
            "1 hold 80\n"
            "1 wrunlock\n"
            "\n"
            "end 8\n");
}

TEST(WorkloadWriter, OmitsTheOriginCommentWhenThereIsNoOrigin) {
  EXPECT_EQ(write_text(WorkloadTrace{}), "lockscope-workload 1\ncontexts 0\nworkers 0\n\nend 0\n");
}

TEST(WorkloadWriter, EscapesTheOriginSoItStaysOneCommentLine) {
  WorkloadTrace t;
  t.origin = std::string("two\nlines\r\tand \\ a NUL \0 DEL \x7f # not cut, caf\xc3\xa9", 47);
  const std::string text = write_text(t);
  EXPECT_NE(text.find("# origin: two\\nlines\\r\\tand \\\\ a NUL \\x00 DEL \\x7f # not cut, caf\xc3\xa9\n"),
            std::string::npos)
      << text;
  const auto back = read_text(text);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->origin, t.origin);
}

TEST(WorkloadWriter, OutputIsByteIdenticalAcrossCallsAndSinks) {
  std::mt19937_64 rng(7);
  const WorkloadTrace t = random_trace(rng, 20000);  // larger than the writer's buffer
  const std::string a = write_text(t);
  EXPECT_EQ(a, write_text(t));

  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  write_workload(f, t);
  ASSERT_EQ(std::fflush(f), 0);
  EXPECT_FALSE(std::ferror(f));
  std::rewind(f);
  std::string b(a.size() + 1, '\0');
  b.resize(std::fread(b.data(), 1, b.size(), f));
  std::fclose(f);
  EXPECT_EQ(a, b);
}

TEST(WorkloadWriter, RoundTripsRandomValidTraces) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200; ++i) {
    WorkloadTrace t = random_trace(rng, rng() % 40);
    if (i % 3 == 0) t.origin = "seed " + std::to_string(i) + " \\ \n";
    const std::string text = write_text(t);
    const auto back = read_text(text);
    ASSERT_TRUE(back) << back.error().to_string() << "\n" << text;
    EXPECT_EQ(*back, t);
    EXPECT_EQ(write_text(*back), text);
  }
}

TEST(WorkloadWriter, RoundTripsMigrationWhileHoldingTheReadLock) {
  WorkloadTrace t;
  t.initial_contexts = 3;
  t.workers = {{2, {{OpKind::read_acquire}, {OpKind::move, 0}, {OpKind::hold, 5}, {OpKind::move, 1},
                    {OpKind::read_release}, {OpKind::destroy_context, 2}, {OpKind::create_context, 2}}}};
  const auto back = read_text(write_text(t));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, t);
}

TEST(WorkloadWriter, InterleavedInputComesBackAsOneBlockPerWorker) {
  const std::string interleaved =
      "lockscope-workload 1\n"
      "# origin: interleaved by hand\n"
      "contexts 1\nworkers 2\nworker 0 context 0\nworker 1 context 0\n"
      "1 think 2   # comments are not kept\n"
      "0 rdlock\n"
      "1 think 3\n"
      "0 rdunlock\n"
      "end 4\n";
  const auto t = read_text(interleaved);
  ASSERT_TRUE(t) << t.error().to_string();
  const std::string canonical = write_text(*t);
  EXPECT_EQ(canonical,
            "lockscope-workload 1\n"
            "# origin: interleaved by hand\n"
            "contexts 1\nworkers 2\nworker 0 context 0\nworker 1 context 0\n"
            "\n0 rdlock\n0 rdunlock\n"
            "\n1 think 2\n1 think 3\n"
            "\nend 4\n");
  const auto again = read_text(canonical);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *t);
}

TEST(WorkloadWriter, WritesAnUnbalancedTraceThatTheReaderThenRejects) {
  WorkloadTrace t;
  t.initial_contexts = 1;
  t.workers = {{0, {{OpKind::read_acquire}}}};
  const auto back = read_text(write_text(t));
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().to_string(),
            "t.workload:6:3: truncated or unbalanced: worker 0 still holds the read lock taken at line 6");
}

// -- the data model's derived counts ------------------------------------------

TEST(WorkloadTrace, CountsOpsAndAcquisitions) {
  const WorkloadTrace t = sample();
  EXPECT_EQ(t.op_count(), 8U);
  EXPECT_EQ(t.lock_op_count(), 2U);
  EXPECT_EQ(WorkloadTrace{}.op_count(), 0U);
  EXPECT_EQ(WorkloadTrace{}.lock_op_count(), 0U);
}

TEST(WorkloadTrace, ContextCapacityCoversInitialContextsStartsAndOps) {
  WorkloadTrace t;
  EXPECT_EQ(t.context_capacity(), 0U);
  t.initial_contexts = 2;
  EXPECT_EQ(t.context_capacity(), 2U);
  t.workers = {{5, {}}};  // not valid to read back, but counted
  EXPECT_EQ(t.context_capacity(), 6U);
  t.workers[0].ops = {{OpKind::create_context, 9}, {OpKind::destroy_context, 9}};
  EXPECT_EQ(t.context_capacity(), 10U);
  t.workers[0].ops.push_back({OpKind::move, 11});
  EXPECT_EQ(t.context_capacity(), 12U);
  // Durations are not context ids.
  t.workers[0].ops.push_back({OpKind::think, 1000});
  EXPECT_EQ(t.context_capacity(), 12U);
  t.workers[0].ops.push_back({OpKind::move, std::uint64_t{1} << 40});
  EXPECT_EQ(t.context_capacity(), 0xffffffffU);
}

}  // namespace
}  // namespace lockscope::traces
