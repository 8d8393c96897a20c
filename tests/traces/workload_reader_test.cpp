#include "traces/workload_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace lockscope::traces {
namespace {

std::expected<WorkloadTrace, ParseError> read_text(std::string_view text) {
  std::istringstream in{std::string(text)};
  return read_workload(in, "t.workload");
}

// Reads `text`, expects it rejected at line:column, returns the message.
std::string error_at(std::string_view text, std::size_t line, std::size_t column) {
  const auto r = read_text(text);
  if (r) {
    ADD_FAILURE() << "accepted:\n" << text;
    return {};
  }
  EXPECT_EQ(r.error().line, line) << r.error().to_string();
  EXPECT_EQ(r.error().column, column) << r.error().to_string();
  EXPECT_EQ(r.error().file, "t.workload");
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
  return r.error().message;
}

// Header for two initial contexts and two workers, both starting in
// context 0; op lines begin at line 6.
constexpr std::string_view kHeader =
    "lockscope-workload 1\n"
    "contexts 2\n"
    "workers 2\n"
    "worker 0 context 0\n"
    "worker 1 context 0\n";

std::string with_ops(std::string_view ops, std::size_t count) {
  return std::string(kHeader) + std::string(ops) + "end " + std::to_string(count) + "\n";
}

constexpr std::string_view kValid =
    "lockscope-workload 1\n"
    "# origin: unit test\n"
    "contexts 2\n"
    "workers 2\n"
    "worker 0 context 0\n"
    "worker 1 context 1\n"
    "0 rdlock\n"
    "0 hold 12\n"
    "1 think 5\n"
    "0 move 1\n"
    "0 rdunlock\n"
    "1 wrlock\n"
    "1 hold 3\n"
    "1 wrunlock\n"
    "1 create 2\n"
    "1 destroy 2\n"
    "end 10\n";

// -- accepted input ----------------------------------------------------------

TEST(WorkloadReader, ReadsHeaderAndOpsIntoPerWorkerPlans) {
  const auto r = read_text(kValid);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->origin, "unit test");
  EXPECT_EQ(r->initial_contexts, 2U);
  ASSERT_EQ(r->workers.size(), 2U);
  EXPECT_EQ(r->workers[0].initial_context, 0U);
  EXPECT_EQ(r->workers[1].initial_context, 1U);
  const std::vector<Op> w0{{OpKind::read_acquire, 0}, {OpKind::hold, 12}, {OpKind::move, 1}, {OpKind::read_release, 0}};
  const std::vector<Op> w1{{OpKind::think, 5},          {OpKind::write_acquire, 0},  {OpKind::hold, 3},
                           {OpKind::write_release, 0},  {OpKind::create_context, 2}, {OpKind::destroy_context, 2}};
  EXPECT_EQ(r->workers[0].ops, w0);
  EXPECT_EQ(r->workers[1].ops, w1);
}

TEST(WorkloadReader, InterleavingOfWorkersDoesNotMatter) {
  const auto a = read_text(with_ops("0 think 1\n1 think 2\n0 think 3\n1 think 4\n", 4));
  const auto b = read_text(with_ops("1 think 2\n1 think 4\n0 think 1\n0 think 3\n", 4));
  ASSERT_TRUE(a) << a.error().to_string();
  ASSERT_TRUE(b) << b.error().to_string();
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->workers[0].ops, (std::vector<Op>{{OpKind::think, 1}, {OpKind::think, 3}}));
}

TEST(WorkloadReader, MoveWhileHoldingTheReadLockIsLegal) {
  const auto r = read_text(with_ops("0 rdlock\n0 move 1\n0 hold 5\n0 rdunlock\n0 move 0\n", 5));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->workers[0].ops[1], (Op{OpKind::move, 1}));
}

TEST(WorkloadReader, MoveWhileHoldingTheWriteLockIsLegal) {
  EXPECT_TRUE(read_text(with_ops("1 wrlock\n1 move 1\n1 wrunlock\n", 3)));
}

TEST(WorkloadReader, AcceptsCommentsBlankLinesTabsAndCrlf) {
  const std::string text =
      "# a comment before the magic\r\n"
      "\r\n"
      "lockscope-workload 1   # version one\r\n"
      "contexts\t1\r\n"
      "  workers 1\r\n"
      "worker 0 context 0#no space needed\r\n"
      "\t0   think\t7  \r\n"
      "# trailing comment\r\n"
      "end 1\r\n"
      "# after the end\r\n"
      "\r\n";
  const auto r = read_text(text);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->origin, "");
  EXPECT_EQ(r->workers[0].ops, (std::vector<Op>{{OpKind::think, 7}}));
}

TEST(WorkloadReader, OriginIsReadOnlyFromTheLineAfterTheMagic) {
  const auto r = read_text(
      "lockscope-workload 1\ncontexts 1\n# origin: not this one\nworkers 0\nend 0\n");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->origin, "");
  const auto spaced = read_text("lockscope-workload 1\n #  origin: nor this\ncontexts 0\nworkers 0\nend 0\n");
  ASSERT_TRUE(spaced);
  EXPECT_EQ(spaced->origin, "");
}

TEST(WorkloadReader, OriginUnescapesAndKeepsUnknownEscapes) {
  const auto r = read_text(
      "lockscope-workload 1\n"
      "# origin: a\\nb\\tc\\\\d\\x00e\\x7F # kept C:\\path \\q\\\n"
      "contexts 0\nworkers 0\nend 0\n");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->origin, std::string("a\nb\tc\\d\0e\x7f # kept C:\\path \\q\\", 29));
}

TEST(WorkloadReader, EmptyTraceWithNoWorkersIsValid) {
  const auto r = read_text("lockscope-workload 1\ncontexts 0\nworkers 0\nend 0\n");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, WorkloadTrace{});
}

TEST(WorkloadReader, CreateOfInitialContextIsLegalWhenSomeWorkerDestroysItEvenLaterInTheFile) {
  // File order is not time order: worker 1's destroy may run first.
  EXPECT_TRUE(read_text(with_ops("0 create 1\n1 destroy 1\n", 2)));
}

TEST(WorkloadReader, ContextsCanBeCreatedAndDestroyedRepeatedly) {
  EXPECT_TRUE(read_text(with_ops("0 create 5\n1 move 5\n1 move 0\n0 destroy 5\n0 create 5\n0 destroy 5\n", 6)));
  EXPECT_TRUE(read_text(with_ops("0 destroy 1\n0 create 1\n0 destroy 1\n", 3)));
}

// The ```workload blocks of docs/trace-format.md.
std::vector<std::string> doc_blocks() {
  std::ifstream doc(std::string(LOCKSCOPE_DOCS_DIR) + "/trace-format.md");
  EXPECT_TRUE(doc);
  std::vector<std::string> blocks;
  std::string line;
  bool in_block = false;
  while (std::getline(doc, line)) {
    if (!in_block && line == "```workload") {
      in_block = true;
      blocks.emplace_back();
    } else if (in_block && line == "```") {
      in_block = false;
    } else if (in_block) {
      blocks.back() += line + "\n";
    }
  }
  return blocks;
}

TEST(WorkloadReader, EveryWorkloadBlockInTheFormatDocParses) {
  const std::vector<std::string> blocks = doc_blocks();
  ASSERT_EQ(blocks.size(), 2U);
  for (const std::string& block : blocks) {
    const auto r = read_text(block);
    EXPECT_TRUE(r) << r.error().to_string() << "\n" << block;
    if (r) {
      EXPECT_FALSE(r->origin.empty());
      EXPECT_EQ(r->context_capacity(), 3U);
    }
  }
}

TEST(WorkloadReader, TheVersion2ExampleInTheFormatDocSaysWhatItsCommentsSay) {
  const std::vector<std::string> blocks = doc_blocks();
  ASSERT_EQ(blocks.size(), 2U);
  ASSERT_EQ(blocks[1].rfind("lockscope-workload 2\n", 0), 0U);
  const auto r = read_text(blocks[1]);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->locks.size(), 3U);
  EXPECT_EQ(r->locks[1], (LockDecl{LockKind::mutex, "stats_mutex"}));
  EXPECT_EQ(r->locks[2].name, "0x55d0c0a04040");
  EXPECT_EQ(r->workers[2].start_ns, 150000U);
  EXPECT_EQ(r->workers[0].ops[0], (Op{OpKind::read_acquire, 120, 0, kOpObserved}));
  EXPECT_EQ(r->workers[0].ops[2], (Op{OpKind::write_acquire, 0, 1, kOpObserved}));
  EXPECT_EQ(r->workers[1].ops[0], (Op{OpKind::write_acquire_failed, 5000, 0, 0}));
  EXPECT_EQ(r->workers[1].ops[1], (Op{OpKind::read_acquire_failed, 0, 2, 0}));
  EXPECT_EQ(r->workers[1].ops[2], (Op{OpKind::write_acquire, 0, 2, 0}));
  EXPECT_EQ(r->lock_op_count(), 5U);
}

TEST(WorkloadReader, ReadsAFileFromDisk) {
  const auto r = read_workload_file(std::string(LOCKSCOPE_TRACES_FIXTURES) + "/migrating-reader.workload");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->workers.size(), 2U);
  EXPECT_EQ(r->lock_op_count(), 3U);
}

// -- header errors -----------------------------------------------------------

TEST(WorkloadReader, EmptyFileIsAnErrorAboutTheWholeFile) {
  const std::string m = error_at("", 0, 0);
  EXPECT_NE(m.find("empty file"), std::string::npos) << m;
}

TEST(WorkloadReader, WrongMagicIsAnErrorAtItsColumn) {
  const std::string m = error_at("\n  lockscope-trace 1\n", 2, 3);
  EXPECT_NE(m.find("not a lockscope workload trace"), std::string::npos) << m;
}

TEST(WorkloadReader, UnknownVersionNamesTheSupportedOnes) {
  const std::string m = error_at("lockscope-workload 3\ncontexts 0\nworkers 0\nend 0\n", 1, 20);
  EXPECT_EQ(m, "unsupported workload format version `3`; this lockscope reads versions 1 to 2");
  error_at("lockscope-workload 0\ncontexts 0\nworkers 0\nend 0\n", 1, 20);
  error_at("lockscope-workload\n", 1, 1);
  error_at("lockscope-workload 1 extra\n", 1, 22);
}

TEST(WorkloadReader, HeaderLinesMustComeInOrder) {
  const std::string m = error_at("lockscope-workload 1\nworkers 1\ncontexts 1\n", 2, 1);
  EXPECT_NE(m.find("expected `contexts"), std::string::npos) << m;
  error_at("lockscope-workload 1\ncontexts 1\n0 think 1\n", 3, 1);
  error_at("lockscope-workload 1\ncontexts 1\nworkers\n", 3, 1);
  error_at("lockscope-workload 1\ncontexts 1 2\n", 2, 12);
}

TEST(WorkloadReader, WorkerLinesMustComeInOrderAndStartInAnInitialContext) {
  const std::string order = error_at(
      "lockscope-workload 1\ncontexts 1\nworkers 2\nworker 1 context 0\n", 4, 8);
  EXPECT_NE(order.find("expected worker 0"), std::string::npos) << order;
  const std::string ctx = error_at(
      "lockscope-workload 1\ncontexts 2\nworkers 1\nworker 0 context 2\n", 4, 18);
  EXPECT_NE(ctx.find("initial contexts are 0..1"), std::string::npos) << ctx;
  error_at("lockscope-workload 1\ncontexts 2\nworkers 1\nworker 0 ctx 1\n", 4, 10);
  error_at("lockscope-workload 1\ncontexts 2\nworkers 1\nworker 0 context\n", 4, 10);
  error_at("lockscope-workload 1\ncontexts 2\nworkers 1\nworker 0 context 1 0\n", 4, 20);
}

TEST(WorkloadReader, HeaderCountsAboveTheLimitAreErrors) {
  error_at("lockscope-workload 1\ncontexts 1048577\n", 2, 10);
  error_at("lockscope-workload 1\ncontexts 1\nworkers 99999999999\n", 3, 9);
}

// -- op errors, each at the offending token ------------------------------------

TEST(WorkloadReader, UnknownWorkerIsAnErrorAtItsColumn) {
  const std::string m = error_at(with_ops("0 think 1\n  2 think 1\n", 2), 7, 3);
  EXPECT_NE(m.find("unknown worker `2` (workers are 0..1)"), std::string::npos) << m;
  error_at(with_ops("99999999999999999999999 think 1\n", 1), 6, 1);
  error_at(with_ops("-1 think 1\n", 1), 6, 1);
  error_at(with_ops("w0 think 1\n", 1), 6, 1);
  error_at(with_ops("0\n", 1), 6, 1);
}

TEST(WorkloadReader, UnknownOpIsAnErrorAtItsColumn) {
  const std::string m = error_at(with_ops("0 think 1\n1\tRDLOCK\n", 2), 7, 3);
  EXPECT_NE(m.find("unknown op `RDLOCK`"), std::string::npos) << m;
  EXPECT_NE(m.find("rdlock, rdunlock"), std::string::npos) << m;
}

TEST(WorkloadReader, MissingValueIsAnErrorAtTheOp) {
  const std::string m = error_at(with_ops("0 think\n", 1), 6, 3);
  EXPECT_NE(m.find("`think` needs a duration in nanoseconds"), std::string::npos) << m;
  error_at(with_ops("0 move\n", 1), 6, 3);
}

TEST(WorkloadReader, ExtraValueIsAnErrorAtItsColumn) {
  const std::string m = error_at(with_ops("0 rdlock 5\n0 rdunlock\n", 2), 6, 10);
  EXPECT_NE(m.find("takes no value"), std::string::npos) << m;
  error_at(with_ops("0 think 5 6\n", 1), 6, 11);
}

TEST(WorkloadReader, NonNumericValueIsAnErrorAtItsColumn) {
  const std::string m = error_at(with_ops("0 think 12ns\n", 1), 6, 9);
  EXPECT_NE(m.find("expected a duration in nanoseconds (a decimal number), got `12ns`"), std::string::npos) << m;
  error_at(with_ops("0 think +5\n", 1), 6, 9);
  error_at(with_ops("0 think 0x10\n", 1), 6, 9);
}

TEST(WorkloadReader, NegativeValueIsAnErrorAtItsColumn) {
  const std::string m = error_at(with_ops("0 think -5\n", 1), 6, 9);
  EXPECT_NE(m.find("negative"), std::string::npos) << m;
}

TEST(WorkloadReader, OverflowingValueIsAnErrorAtItsColumn) {
  EXPECT_TRUE(read_text(with_ops("0 think 18446744073709551615\n", 1)));
  const std::string m = error_at(with_ops("0 think 18446744073709551616\n", 1), 6, 9);
  EXPECT_NE(m.find("out of range"), std::string::npos) << m;
}

TEST(WorkloadReader, RdunlockWithoutRdlockIsAnErrorAtItsColumn) {
  const std::string m = error_at(with_ops("0 think 1\n0  rdunlock\n", 2), 7, 4);
  EXPECT_NE(m.find("`rdunlock` without the read lock: worker 0 holds no lock"), std::string::npos) << m;
  const std::string w = error_at(with_ops("1 wrlock\n1 rdunlock\n", 2), 7, 3);
  EXPECT_NE(w.find("holds the write lock taken at line 6"), std::string::npos) << w;
}

TEST(WorkloadReader, WrunlockWithoutWrlockIsAnErrorAtItsColumn) {
  const std::string m = error_at(with_ops("1 wrunlock\n", 1), 6, 3);
  EXPECT_NE(m.find("without the write lock"), std::string::npos) << m;
  // Another worker's write lock does not count.
  error_at(with_ops("0 wrlock\n1 wrunlock\n0 wrunlock\n", 3), 7, 3);
  const std::string r = error_at(with_ops("0 rdlock\n0 wrunlock\n", 2), 7, 3);
  EXPECT_NE(r.find("holds the read lock taken at line 6"), std::string::npos) << r;
}

TEST(WorkloadReader, AcquiringWhileHoldingALockIsAnErrorAtItsColumn) {
  const std::string m = error_at(with_ops("0 rdlock\n1 rdlock\n0 rdlock\n", 3), 8, 3);
  EXPECT_NE(m.find("worker 0 already holds the read lock taken at line 6"), std::string::npos) << m;
  error_at(with_ops("0 rdlock\n0 wrlock\n", 2), 7, 3);
  error_at(with_ops("0 wrlock\n0 rdlock\n", 2), 7, 3);
}

TEST(WorkloadReader, HoldOutsideACriticalSectionIsAnErrorAtItsColumn) {
  const std::string m = error_at(with_ops("0 rdlock\n0 rdunlock\n0 hold 5\n", 3), 8, 3);
  EXPECT_NE(m.find("`hold` outside a critical section"), std::string::npos) << m;
}

TEST(WorkloadReader, ThinkInsideACriticalSectionIsAnErrorAtItsColumn) {
  const std::string m = error_at(with_ops("1 wrlock\n1 think 5\n", 2), 7, 3);
  EXPECT_NE(m.find("`think` inside a critical section"), std::string::npos) << m;
}

TEST(WorkloadReader, ContextIdAboveTheLimitIsAnErrorAtItsColumn) {
  EXPECT_TRUE(read_text(with_ops("0 create 1048575\n0 destroy 1048575\n", 2)));
  const std::string m = error_at(with_ops("0 move 1048576\n", 1), 6, 8);
  EXPECT_NE(m.find("above the limit 1048575"), std::string::npos) << m;
  error_at(with_ops("0 create 4294967296\n", 1), 6, 10);
  error_at(with_ops("0 destroy 2000000\n", 1), 6, 11);
}

TEST(WorkloadReader, DestroyingTheContextAWorkerRunsInIsAnErrorAtTheId) {
  const std::string m = error_at(with_ops("0 destroy 0\n", 1), 6, 11);
  EXPECT_NE(m.find("worker 0 destroys context 0, which it runs in"), std::string::npos) << m;
  error_at(with_ops("0 create 3\n0 move 3\n0 destroy 3\n", 3), 8, 11);
  EXPECT_TRUE(read_text(with_ops("0 create 3\n0 move 3\n0 move 1\n0 destroy 3\n", 4)));
}

// -- whole-file errors -------------------------------------------------------

TEST(WorkloadReader, LockStillHeldAtTheEndIsReportedAtItsAcquisition) {
  const std::string m = error_at(with_ops("0 think 1\n1 rdlock\n1 hold 3\n", 3), 7, 3);
  EXPECT_EQ(m, "truncated or unbalanced: worker 1 still holds the read lock taken at line 7");
}

TEST(WorkloadReader, CreateOfAnInitialContextNobodyDestroysIsAnError) {
  const std::string m = error_at(with_ops("0 think 1\n1 create 1\n", 2), 7, 10);
  EXPECT_NE(m.find("create of context 1, which exists from the start"), std::string::npos) << m;
  const std::string twice = error_at(with_ops("0 destroy 1\n0 create 1\n1 create 1\n", 3), 8, 10);
  EXPECT_NE(twice.find("context 1 exists from the start and is created twice but destroyed once"), std::string::npos)
      << twice;
  error_at(with_ops("0 destroy 1\n1 destroy 1\n", 2), 7, 11);
}

TEST(WorkloadReader, DestroyOfAContextNeverCreatedNorInitialIsAnError) {
  const std::string m = error_at(with_ops("1 destroy 7\n", 1), 6, 11);
  EXPECT_NE(m.find("destroy of context 7, which is not an initial context"), std::string::npos) << m;
  const std::string twice = error_at(with_ops("0 create 7\n0 destroy 7\n1 destroy 7\n", 3), 8, 11);
  EXPECT_NE(twice.find("context 7 is destroyed twice but created once"), std::string::npos) << twice;
}

TEST(WorkloadReader, ContextCreatedTwiceWithoutADestroyIsAnError) {
  const std::string m = error_at(with_ops("0 create 4\n1 create 4\n", 2), 7, 10);
  EXPECT_NE(m.find("context 4 is created twice but never destroyed"), std::string::npos) << m;
}

TEST(WorkloadReader, MoveToAContextNobodyCreatesIsAnError) {
  const std::string m = error_at(with_ops("0 think 1\n1 move 9\n1 move 9\n", 3), 7, 8);
  EXPECT_NE(m.find("move to context 9"), std::string::npos) << m;
}

TEST(WorkloadReader, MissingTrailerIsTruncation) {
  const std::string m = error_at(std::string(kHeader) + "0 think 1\n", 6, 0);
  EXPECT_NE(m.find("truncated: the file ends before the `end <op count>` trailer"), std::string::npos) << m;
}

TEST(WorkloadReader, HeaderOnlyFileIsTruncation) {
  const std::string m = error_at(kHeader, 5, 0);
  EXPECT_NE(m.find("truncated"), std::string::npos) << m;
  const std::string w = error_at("lockscope-workload 1\ncontexts 1\nworkers 2\nworker 0 context 0\n", 4, 0);
  EXPECT_NE(w.find("before `worker 1 context <id>`"), std::string::npos) << w;
}

TEST(WorkloadReader, TrailerCountMismatchIsAnErrorAtTheCount) {
  const std::string more = error_at(with_ops("0 think 1\n", 2), 7, 5);
  EXPECT_NE(more.find("truncated: `end` announces 2 ops but the file holds 1"), std::string::npos) << more;
  const std::string fewer = error_at(with_ops("0 think 1\n0 think 1\n", 1), 8, 5);
  EXPECT_NE(fewer.find("op count mismatch"), std::string::npos) << fewer;
  error_at(std::string(kHeader) + "end\n", 6, 1);
  error_at(std::string(kHeader) + "end zero\n", 6, 5);
}

TEST(WorkloadReader, TrailerWithoutNewlineIsTruncation) {
  const std::string m = error_at(std::string(kHeader) + "end 0", 6, 1);
  EXPECT_NE(m.find("truncated"), std::string::npos) << m;
}

TEST(WorkloadReader, ContentAfterTheTrailerIsAnError) {
  const std::string m = error_at(with_ops("", 0) + "# fine\n\n0 think 1\n", 9, 1);
  EXPECT_NE(m.find("after the `end` trailer"), std::string::npos) << m;
  error_at(with_ops("", 0) + "end 0\n", 7, 1);
}

TEST(WorkloadReader, ReportsTheFirstErrorOnly) {
  const std::string m = error_at(with_ops("0 bogus\n0 rdunlock\n", 1), 6, 3);
  EXPECT_NE(m.find("unknown op"), std::string::npos) << m;
}

TEST(WorkloadReader, ErrorPrintsAsFileLineColumnMessage) {
  const auto r = read_text(with_ops("0 rdunlock\n", 1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().to_string(), "t.workload:6:3: `rdunlock` without the read lock: worker 0 holds no lock");
}

TEST(WorkloadReader, FileThatCannotBeOpenedIsAnError) {
  const auto r = read_workload_file("/nonexistent/dir/x.workload");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().line, 0U);
  EXPECT_EQ(r.error().to_string().rfind("/nonexistent/dir/x.workload: cannot open", 0), 0U) << r.error().to_string();
  const auto dir = read_workload_file(LOCKSCOPE_TRACES_FIXTURES);
  ASSERT_FALSE(dir);
  EXPECT_NE(dir.error().message.find("directory"), std::string::npos);
}

// -- hostile input -----------------------------------------------------------

TEST(WorkloadReader, EveryPrefixOfAValidTraceIsRejectedAsTruncated) {
  const std::string full(kValid);
  ASSERT_TRUE(read_text(full));
  const std::size_t first_line = full.find('\n') + 1;
  for (std::size_t n = 0; n < full.size(); ++n) {
    const auto r = read_text(std::string_view(full).substr(0, n));
    ASSERT_FALSE(r) << "prefix of " << n << " bytes accepted";
    if (n >= first_line) {
      EXPECT_EQ(r.error().message.rfind("truncated", 0), 0U) << n << ": " << r.error().to_string();
    }
  }
}

TEST(WorkloadReader, LineLongerThanTheLimitIsAnErrorNotACrash) {
  std::string text = std::string(kHeader) + "0 think 1";
  text.append(10'000'000, ' ');
  text += "\nend 1\n";
  const std::string m = error_at(text, 6, 0);
  EXPECT_NE(m.find("longer than"), std::string::npos) << m;
  // A long line without any newline at all.
  error_at(std::string(3'000'000, 'x'), 1, 0);
}

TEST(WorkloadReader, NulBytesAreAnErrorNotACrash) {
  const std::string m = error_at(with_ops(std::string("0 th\0nk 1\n", 10), 1), 6, 3);
  EXPECT_NE(m.find("`th\\x00nk`"), std::string::npos) << m;
  error_at(std::string(64, '\0'), 1, 1);
}

TEST(WorkloadReader, RandomGarbageAndMutationsNeverCrash) {
  std::mt19937_64 rng(20240611);
  const std::string valid(kValid);
  using namespace std::string_view_literals;
  constexpr std::string_view kAlphabet = "0123456789 \t\n#-rdwlockunhtimvecasy\r\\\x00\xff"sv;
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    if (i % 2 == 0) {
      // Half of the garbage follows a valid header, to reach the op parser.
      if (i % 4 == 2) text = valid.substr(0, valid.find("0 rdlock"));
      const std::size_t len = rng() % 300;
      for (std::size_t k = 0; k < len; ++k) {
        text.push_back(i % 8 == 0 ? static_cast<char>(rng() & 0xff) : kAlphabet[rng() % kAlphabet.size()]);
      }
    } else {
      text = valid;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        const std::size_t at = rng() % (text.size() + 1);
        const char c = kAlphabet[rng() % kAlphabet.size()];
        switch (rng() % 3) {
          case 0: if (at < text.size()) text[at] = c; break;
          case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
          default: if (at < text.size()) text.erase(at, 1); break;
        }
      }
    }
    const auto r = read_text(text);
    if (r) {
      ++accepted;
      continue;
    }
    const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    EXPECT_LE(r.error().line, lines);
    EXPECT_FALSE(r.error().message.empty());
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos) << r.error().message;
  }
  // Some mutations (a comment edit, a changed duration) keep the trace valid.
  EXPECT_GT(accepted, 0);
  EXPECT_LT(accepted, 1500);
}

}  // namespace
}  // namespace lockscope::traces
