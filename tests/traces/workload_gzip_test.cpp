// Workload traces on disk: write_workload_file (plain or gzip by the name,
// atomically) and read_workload_file / read_workload (gzip by content).
// A corrupt or truncated gzip stream is an error, never a shorter trace.
#include "traces/workload_reader.hpp"
#include "traces/workload_writer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace lockscope::traces {
namespace {

namespace fs = std::filesystem;

std::string gzip(std::string_view text, int level = 6) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::expected<WorkloadTrace, ParseError> read_bytes(const std::string& bytes) {
  std::istringstream in(bytes);
  return read_workload(in, "t.workload.gz");
}

std::string write_text(const WorkloadTrace& t) {
  std::ostringstream out;
  write_workload(out, t);
  return out.str();
}

// What a recording of a read-mostly program looks like: 8 threads, a few
// rwlocks and a mutex, `rdlock L waited W / hold / rdunlock L / think`
// with now and then a write or a nested mutex.
WorkloadTrace recorded_looking(std::size_t ops, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  WorkloadTrace t;
  t.origin = "recorded: ./cache-demo --threads 8";
  t.initial_contexts = 8;
  t.locks = {{LockKind::rwlock, "cache_lock"}, {LockKind::rwlock, "config_lock"},
             {LockKind::rwlock, "0x55d0c0a04040"}, {LockKind::mutex, "stats_mutex"}};
  t.workers.resize(8);
  for (std::uint32_t w = 0; w < 8; ++w) {
    WorkerPlan& p = t.workers[w];
    p.initial_context = w;
    p.start_ns = w == 0 ? 0 : 20'000 + rng() % 100'000;
    while (p.ops.size() < ops / 8) {
      const auto lock = static_cast<std::uint32_t>(rng() % 3);
      const bool write = rng() % 20 == 0;
      const std::uint64_t waited = rng() % 4 == 0 ? rng() % 3000 : rng() % 60;
      p.ops.push_back({write ? OpKind::write_acquire : OpKind::read_acquire, waited, lock, kOpObserved});
      p.ops.push_back({OpKind::hold, 50 + rng() % 900});
      if (rng() % 8 == 0) {
        p.ops.push_back({OpKind::write_acquire, rng() % 100, 3, kOpObserved});
        p.ops.push_back({OpKind::hold, 20 + rng() % 80});
        p.ops.push_back({OpKind::write_release, 0, 3});
      }
      p.ops.push_back({write ? OpKind::write_release : OpKind::read_release, 0, lock});
      p.ops.push_back({OpKind::think, 200 + rng() % 20'000});
    }
  }
  return t;
}

class WorkloadFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("lockscope-workload-file-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  [[nodiscard]] std::size_t files() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }
  fs::path dir_;
};

TEST_F(WorkloadFile, PlainAndGzipRoundTrip) {
  const WorkloadTrace t = recorded_looking(4000, 1);
  const fs::path plain = dir_ / "run.workload";
  const fs::path packed = dir_ / "run.workload.gz";
  ASSERT_TRUE(write_workload_file(plain.string(), t));
  ASSERT_TRUE(write_workload_file(packed.string(), t));
  EXPECT_EQ(slurp(plain), write_text(t));
  const std::string gz = slurp(packed);
  ASSERT_GE(gz.size(), 18U);
  EXPECT_EQ(gz.substr(0, 2), "\x1f\x8b");
  EXPECT_LT(gz.size(), slurp(plain).size() / 3);
  for (const fs::path& p : {plain, packed}) {
    const auto back = read_workload_file(p.string());
    ASSERT_TRUE(back) << back.error().to_string();
    EXPECT_EQ(*back, t);
  }
  // By content, not by name: a gzip file without .gz reads too.
  fs::rename(packed, dir_ / "renamed.workload");
  const auto renamed = read_workload_file((dir_ / "renamed.workload").string());
  ASSERT_TRUE(renamed) << renamed.error().to_string();
  EXPECT_EQ(*renamed, t);
  EXPECT_EQ(files(), 2U) << "a temporary file was left";
}

TEST_F(WorkloadFile, GzipOutputIsDeterministic) {
  const WorkloadTrace t = recorded_looking(2000, 2);
  const fs::path a = dir_ / "a.workload.gz";
  const fs::path b = dir_ / "b.workload.gz";
  ASSERT_TRUE(write_workload_file(a.string(), t));
  ASSERT_TRUE(write_workload_file(b.string(), t));
  EXPECT_EQ(slurp(a), slurp(b));
}

TEST_F(WorkloadFile, ReplacesAnExistingFileAndLeavesNothingOnError) {
  const fs::path p = dir_ / "run.workload.gz";
  ASSERT_TRUE(write_workload_file(p.string(), recorded_looking(100, 3)));
  ASSERT_TRUE(write_workload_file(p.string(), recorded_looking(200, 4)));
  const auto back = read_workload_file(p.string());
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, recorded_looking(200, 4));
  const auto missing = write_workload_file((dir_ / "no-such-dir" / "x.workload").string(), WorkloadTrace{});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("no-such-dir/x.workload: cannot write: "), std::string::npos) << missing.error();
  EXPECT_EQ(files(), 1U);
}

TEST_F(WorkloadFile, WritesVersion1PlainTracesAsBefore) {
  WorkloadTrace t;
  t.initial_contexts = 1;
  t.workers.resize(1);
  t.workers[0].ops = {{OpKind::read_acquire}, {OpKind::hold, 3}, {OpKind::read_release}};
  const fs::path p = dir_ / "v1.workload";
  ASSERT_TRUE(write_workload_file(p.string(), t));
  EXPECT_EQ(slurp(p), "lockscope-workload 1\ncontexts 1\nworkers 1\nworker 0 context 0\n\n0 rdlock\n0 hold 3\n"
                      "0 rdunlock\n\nend 3\n");
}

TEST(WorkloadGzip, ErrorsGiveLineAndColumnOfTheDecompressedText) {
  const std::string text =
      "lockscope-workload 2\ncontexts 1\nworkers 1\nworker 0 context 0\n"
      "0 rdlock 0\n0 hold 5\n0  rdunlock 0\n0 rdunlock 0\nend 4\n";
  const auto r = read_bytes(gzip(text));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().to_string(), "t.workload.gz:8:3: `rdunlock` of lock 0, which worker 0 does not hold");
}

TEST(WorkloadGzip, ConcatenatedMembersAreOneStream) {
  const std::string text = write_text(recorded_looking(3000, 5));
  const std::size_t cut = text.size() / 3;
  const auto r = read_bytes(gzip(text.substr(0, cut)) + gzip(text.substr(cut), 1));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, recorded_looking(3000, 5));
}

TEST(WorkloadGzip, EveryTruncationIsAnError) {
  const std::string text = write_text(recorded_looking(400, 6));
  const std::string gz = gzip(text);
  for (std::size_t n = 0; n < gz.size(); ++n) {
    const auto r = read_bytes(gz.substr(0, n));
    ASSERT_FALSE(r) << "a gzip stream cut to " << n << " of " << gz.size() << " bytes was accepted";
    if (n >= 10) {
      EXPECT_EQ(r.error().message, "truncated gzip stream: the file ends inside the compressed data") << n;
    }
  }
  // Cut in the 8-byte trailer (CRC-32 and length): the text is whole, the
  // stream is not.
  const auto r = read_bytes(gz.substr(0, gz.size() - 4));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().line, static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
}

TEST(WorkloadGzip, NoCorruptionOfTheCompressedBytesGivesAnotherTrace) {
  const WorkloadTrace t = recorded_looking(200, 7);
  const std::string gz = gzip(write_text(t));
  // Bytes 4-9 of a gzip header (time, extra flags, OS) are covered by no
  // check, and the bits that pad deflate's last byte mean nothing; any
  // other change is caught by deflate's structure, the CRC-32 or the
  // length, or garbles the text into a parse error first.
  int errors = 0;
  for (std::size_t i = 10; i < gz.size(); ++i) {
    for (const unsigned mask : {0x01U, 0x80U}) {
      std::string bad = gz;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ mask);
      const auto r = read_bytes(bad);
      if (r) {
        EXPECT_TRUE(*r == t) << "byte " << i << " ^ " << mask << " gave another trace";
      } else {
        ++errors;
      }
    }
  }
  EXPECT_GT(errors, static_cast<int>(2 * (gz.size() - 10)) - 4);
  std::string bad_crc = gz;
  bad_crc[gz.size() - 6] = static_cast<char>(bad_crc[gz.size() - 6] ^ 0x10);
  EXPECT_EQ(read_bytes(bad_crc).error().message, "corrupt gzip stream (incorrect data check)");
  std::string bad_length = gz;
  bad_length[gz.size() - 3] = static_cast<char>(bad_length[gz.size() - 3] ^ 0x01);
  EXPECT_EQ(read_bytes(bad_length).error().message, "corrupt gzip stream (incorrect length check)");
}

TEST(WorkloadGzip, GarbageAfterTheLastMemberIsAnError) {
  const std::string gz = gzip(write_text(recorded_looking(100, 8)));
  const auto r = read_bytes(gz + "trailing text\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("corrupt gzip stream", 0), 0U) << r.error().to_string();
}

// What a recording costs on disk, per op. 10 M recorded operations must fit
// in 200 MB (issue 9): 20 bytes per op.
TEST_F(WorkloadFile, RecordedLookingTracesFitTheRecordingBudget) {
  const WorkloadTrace t = recorded_looking(400'000, 9);
  const fs::path plain = dir_ / "rec.workload";
  const fs::path packed = dir_ / "rec.workload.gz";
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(write_workload_file(plain.string(), t));
  const auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(write_workload_file(packed.string(), t));
  const auto t2 = std::chrono::steady_clock::now();
  const auto back = read_workload_file(packed.string());
  const auto t3 = std::chrono::steady_clock::now();
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_TRUE(*back == t);
  const double ops = static_cast<double>(t.op_count());
  const double plain_per_op = static_cast<double>(fs::file_size(plain)) / ops;
  const double gz_per_op = static_cast<double>(fs::file_size(packed)) / ops;
  const auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::printf("recorded-looking trace, %.0f ops: plain %.2f B/op (%.0f ms), gzip %.2f B/op (%.0f ms), "
              "gzip read %.0f ms\n",
              ops, plain_per_op, ms(t1 - t0), gz_per_op, ms(t2 - t1), ms(t3 - t2));
  EXPECT_LT(plain_per_op, 20.0);
  EXPECT_LT(gz_per_op, 5.0);
}

}  // namespace
}  // namespace lockscope::traces
