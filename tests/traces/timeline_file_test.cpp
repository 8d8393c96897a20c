#include "traces/timeline_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "traces/fnv1a.hpp"
#include "traces/read_file.hpp"

namespace lockscope::traces {
namespace {

namespace fs = std::filesystem;

// ------------------------------------------------------------- fixtures

Timeline sample_timeline() {
  Timeline t;
  t.lock = "graph";
  t.machine = "epyc-64";
  t.cores = 4;
  t.seed = 42;
  t.origin = "scenarios/teaching/bouncing.toml, seed 42";
  t.end_time = 5'000'000;
  t.workers = {
      {"worker 0 (ctx 0)",
       0,
       {{0, 1000, WorkerState::running},
        {1000, 1500, WorkerState::waiting_read},
        {1500, 4000, WorkerState::reading},
        {4000, 5'000'000, WorkerState::running}}},
      {"worker 1 (ctx 1)",
       3,
       {{0, 2000, WorkerState::running},
        {2000, 2100, WorkerState::waiting_write},
        {2100, 4100, WorkerState::draining},
        {4100, 9000, WorkerState::writing},
        {9000, 9000, WorkerState::queued_read},  // zero length
        {12000, 13000, WorkerState::running}}},  // after a gap
      {"idle", 2, {}},
  };
  t.lines = {{"graph.ctx[0].readers"}, {"graph.has_writer + graph.list_mutex"}};
  t.transfers = {
      {1000, 1100, 0, -1, 0, TransferKind::fill},
      {2000, 2080, 1, 0, 3, TransferKind::ownership},
      {2000, 2000, 1, 3, 3, TransferKind::invalidation},
      {2150, 2230, 0, 0, 3, TransferKind::read_share},
  };
  t.counters = {
      {"readers_inside", {{1500, 1}, {4000, 0}}},
      {"writers_waiting", {{2000, 1}, {2000, 1}, {4100, 0}}},
      {"empty", {}},
  };
  t.upgrades = {{1100, 0, 0}, {1100, 0, 0}, {2230, 1, 3}};
  return t;
}

// A timeline of about `spans` spans, spread over 8 workers, plus a third as
// many transfers and counter samples, with awkward values mixed in.
Timeline random_timeline(std::uint64_t seed, std::size_t spans) {
  std::mt19937_64 rng(seed);
  const auto below = [&rng](std::uint64_t n) { return n == 0 ? 0 : rng() % n; };
  Timeline t;
  t.lock = "lock " + std::to_string(seed);
  t.machine = "m\"\n\xc3\xa9";  // quote, newline, UTF-8
  t.cores = 1 + static_cast<std::uint32_t>(below(64));
  t.seed = rng();
  t.origin = std::string(below(300), 'o');
  const std::size_t workers = 8;
  for (std::size_t w = 0; w < workers; ++w) {
    TimelineWorker worker{"worker " + std::to_string(w), static_cast<std::uint32_t>(below(t.cores)), {}};
    std::uint64_t time = below(3) == 0 ? below(1'000'000) : 0;
    for (std::size_t i = 0; i < spans / workers; ++i) {
      const std::uint64_t length = below(4) == 0 ? below(100) : below(2'000'000);
      const auto state = static_cast<WorkerState>(below(kWorkerStateCount));
      worker.spans.push_back({time, time + length, state});
      time += length + (below(16) == 0 ? below(50'000) : 0);
    }
    t.end_time = std::max(t.end_time, time);
    t.workers.push_back(std::move(worker));
  }
  const std::size_t lines = 1 + below(200);
  for (std::size_t l = 0; l < lines; ++l) t.lines.push_back({"line " + std::to_string(l)});
  std::uint64_t start = 0;
  for (std::size_t i = 0; i < spans / 3; ++i) {
    start += below(3) == 0 ? 0 : below(5000);
    LineTransfer x;
    x.start = start;
    x.end = start + below(300'000);
    x.line = static_cast<std::uint32_t>(below(lines));
    x.from = static_cast<std::int32_t>(below(t.cores + 1)) - 1;
    x.to = static_cast<std::uint32_t>(below(t.cores));
    x.kind = static_cast<TransferKind>(below(kTransferKindCount));
    t.transfers.push_back(x);
  }
  std::uint64_t when = 0;
  for (std::size_t i = 0; i < spans / 20; ++i) {
    when += below(2) == 0 ? 0 : below(200'000);
    t.upgrades.push_back({when, static_cast<std::uint32_t>(below(lines)), static_cast<std::uint32_t>(below(t.cores))});
  }
  for (const char* name : {"readers_inside", "queued_readers", "writers_waiting"}) {
    TimelineCounter c{name, {}};
    std::uint64_t time = 0;
    for (std::size_t i = 0; i < spans / 9; ++i) {
      time += below(2) == 0 ? 0 : below(100'000);
      std::int64_t value = static_cast<std::int64_t>(below(64)) - 8;
      if (below(1000) == 0) value = std::numeric_limits<std::int64_t>::min();
      if (below(1000) == 0) value = std::numeric_limits<std::int64_t>::max();
      c.samples.push_back({time, value});
    }
    t.counters.push_back(std::move(c));
  }
  return t;
}

std::string encode(const Timeline& t) {
  auto bytes = encode_timeline(t);
  EXPECT_TRUE(bytes.has_value()) << bytes.error();
  return bytes.value_or("");
}

// ------------------------------------------------ hand-made files (spec)

// The format, independently of the writer: docs/timeline-format.md. The
// checksum is traces::fnv1a64, which fnv1a_test.cpp checks against FNV's
// published values.
std::string varint(std::uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}

std::string str(std::string_view s) { return varint(s.size()) + std::string(s); }

std::string section(unsigned id, const std::string& payload) {
  return std::string(1, static_cast<char>(id)) + varint(payload.size()) + payload;
}

// Magic, version, the given sections, end marker and a correct checksum.
std::string file_of(const std::vector<std::string>& sections, std::uint32_t version = 3) {
  std::string out(kTimelineMagic);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((version >> (8 * i)) & 0xff));
  for (const std::string& s : sections) out += s;
  out.push_back('\0');
  const std::uint64_t sum = fnv1a64(out);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((sum >> (8 * i)) & 0xff));
  return out;
}

// A valid minimal file's sections, to be varied one at a time.
struct Sections {
  std::string header = section(1, str("g") + str("m") + varint(2) + varint(7) + str("") + varint(300) + varint(0));
  std::string locks = section(7, varint(1) + str("g"));
  std::string workers = section(2, varint(1) + str("w") + varint(1) + varint(2) +  //
                                       varint(0) + varint(100 << 3 | 1) +          // [0, 100) reading
                                       varint(0) + varint(200 << 3 | 0));          // [100, 300) running
  std::string lines = section(3, varint(1) + str("x"));
  std::string transfers = section(4, varint(1) + varint(10) + varint(20 << 2 | 1) + varint(0) + varint(0) + varint(1));
  std::string counters = section(5, varint(1) + str("c") + varint(1) + varint(5) + varint(1));  // (5, -1)
  std::string upgrades = section(6, varint(1) + varint(30) + varint(0) + varint(1));            // line 0, core 1 at 30
  [[nodiscard]] std::string file() const {
    return file_of({header, locks, workers, lines, transfers, counters, upgrades});
  }
  // The same timeline as a version 2 file: no source, no locks section.
  [[nodiscard]] std::string v2_file() const {
    return file_of({section(1, str("g") + str("m") + varint(2) + varint(7) + str("") + varint(300)), workers, lines,
                    transfers, counters, upgrades},
                   2);
  }
};

Timeline minimal_timeline() {
  Timeline t;
  t.lock = "g";
  t.machine = "m";
  t.cores = 2;
  t.seed = 7;
  t.end_time = 300;
  t.workers = {{"w", 1, {{0, 100, WorkerState::reading, 0}, {100, 300, WorkerState::running, kNoLock}}}};
  t.lines = {{"x"}};
  t.transfers = {{10, 30, 0, -1, 1, TransferKind::ownership}};
  t.counters = {{"c", {{5, -1}}}};
  t.upgrades = {{30, 0, 1}};
  t.locks = {{"g"}};
  return t;
}

std::string error_of(std::string_view bytes) {
  auto t = decode_timeline(bytes, "t.lstl");
  if (t) return "";
  EXPECT_EQ(t.error().file, "t.lstl");
  EXPECT_EQ(t.error().line, 0U);
  EXPECT_EQ(t.error().message.rfind("offset ", 0), 0U) << t.error().message;
  return t.error().message;
}

// --------------------------------------------------------------- tests

TEST(TimelineFile, RoundTripIsExact) {
  const Timeline t = sample_timeline();
  const std::string bytes = encode(t);
  auto back = decode_timeline(bytes, "sample.lstl");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, t);
}

TEST(TimelineFile, EmptyTimelineRoundTrips) {
  const Timeline t;
  auto back = decode_timeline(encode(t), "empty.lstl");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, t);
}

TEST(TimelineFile, RandomTimelinesRoundTrip) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Timeline t = random_timeline(seed, 3000);
    auto back = decode_timeline(encode(t), "random.lstl");
    ASSERT_TRUE(back.has_value()) << "seed " << seed << ": " << back.error().to_string();
    EXPECT_EQ(*back, t) << "seed " << seed;
  }
}

// Progress comes at each section and every 65,536 spans or transfers, in
// bytes, never backwards, ending at the file's size; the decoded timeline is
// the same as without a listener.
TEST(TimelineFile, DecodingReportsProgressInBytes) {
  const Timeline t = random_timeline(7, 600'000);
  const std::string bytes = encode(t);
  std::vector<std::size_t> seen;
  auto back = decode_timeline(bytes, "big.lstl", [&](std::size_t done, std::size_t total) {
    EXPECT_EQ(total, bytes.size());
    seen.push_back(done);
    return true;
  });
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, t);
  ASSERT_GT(seen.size(), 10U);  // 600 k spans and 200 k transfers: more than the sections alone
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_LT(seen.front(), bytes.size() / 10);
  EXPECT_EQ(seen.back(), bytes.size());
}

// A regular file is decoded from a mapping of it: the progress is the
// decoder's, in bytes of the file, ending at its size; a listener that says
// no stops it with an error naming the file.
TEST(TimelineFile, ReadingAFileDecodesItsMappingWithProgress) {
  const Timeline t = random_timeline(9, 600'000);
  const fs::path path = fs::temp_directory_path() / ("lockscope-timeline-progress-" + std::to_string(getpid()) + ".lstl");
  ASSERT_TRUE(write_timeline_file(path, t).has_value());
  const std::size_t size = fs::file_size(path);
  std::vector<std::size_t> seen;
  auto back = read_timeline_file(path, [&](std::size_t done, std::size_t total) {
    EXPECT_EQ(total, size);
    seen.push_back(done);
    return true;
  });
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, t);
  ASSERT_GT(seen.size(), 10U);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(seen.back(), size);
  auto stopped = read_timeline_file(path, [](std::size_t, std::size_t) { return false; });
  ASSERT_FALSE(stopped.has_value());
  EXPECT_NE(stopped.error().to_string().find("cancelled"), std::string::npos) << stopped.error().to_string();
  EXPECT_NE(stopped.error().to_string().find(path.string()), std::string::npos) << stopped.error().to_string();
  fs::remove(path);
}

// A file that cannot be mapped (a pipe) is read to its end and then decoded:
// the same timeline, and the decoding's progress counted as the second half
// of twice the bytes.
TEST(TimelineFile, APipeIsReadThenDecoded) {
  const Timeline t = random_timeline(10, 200'000);
  const std::string bytes = encode(t);
  const fs::path fifo = fs::temp_directory_path() / ("lockscope-timeline-fifo-" + std::to_string(getpid()));
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  std::thread writer([&] {
    std::ofstream out(fifo, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  });
  std::vector<std::size_t> seen;
  auto back = read_timeline_file(fifo, [&](std::size_t done, std::size_t total) {
    EXPECT_EQ(total, 2 * bytes.size());
    seen.push_back(done);
    return true;
  });
  writer.join();
  fs::remove(fifo);
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, t);
  ASSERT_FALSE(seen.empty());
  EXPECT_GE(seen.front(), bytes.size());
  EXPECT_EQ(seen.back(), 2 * bytes.size());
}

// A listener that says no stops decoding there, with an error naming the
// offset, as any other error does.
TEST(TimelineFile, DecodingStopsWhenTheListenerCancels) {
  const Timeline t = random_timeline(8, 300'000);
  const std::string bytes = encode(t);
  int calls = 0;
  auto back = decode_timeline(bytes, "big.lstl", [&](std::size_t, std::size_t) { return ++calls < 4; });
  ASSERT_FALSE(back.has_value());
  EXPECT_EQ(calls, 4);
  EXPECT_NE(back.error().to_string().find("cancelled"), std::string::npos) << back.error().to_string();
  EXPECT_NE(back.error().to_string().find("offset"), std::string::npos) << back.error().to_string();
}

TEST(TimelineFile, ExtremeValuesRoundTrip) {
  Timeline t;
  t.cores = std::numeric_limits<std::uint32_t>::max();
  t.seed = std::numeric_limits<std::uint64_t>::max();
  t.end_time = std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t late = std::numeric_limits<std::uint64_t>::max() - 10;
  t.workers = {
      {"w", t.cores - 1, {{late, late + 5, WorkerState::writing}, {late + 5, late + 10, WorkerState::reading}}}};
  t.lines = {{""}};
  t.transfers = {{late, late + 10, 0, std::numeric_limits<std::int32_t>::max(), t.cores - 1, TransferKind::fill}};
  t.counters = {
      {"c",
       {{0, std::numeric_limits<std::int64_t>::min()}, {1, std::numeric_limits<std::int64_t>::max()}, {late, -1}}}};
  auto back = decode_timeline(encode(t), "extreme.lstl");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, t);
}

TEST(TimelineFile, WritesAreByteIdentical) {
  const Timeline a = random_timeline(7, 5000);
  const Timeline b = random_timeline(7, 5000);  // built separately, equal
  ASSERT_EQ(a, b);
  std::ostringstream out_a;
  std::ostringstream out_b;
  write_timeline(out_a, a);
  write_timeline(out_b, b);
  EXPECT_EQ(out_a.str(), out_b.str());
  EXPECT_EQ(out_a.str(), encode(a));
  EXPECT_NE(encode(random_timeline(8, 5000)), out_a.str());
}

TEST(TimelineFile, MatchesDocumentedLayout) {
  // The example in docs/timeline-format.md, byte for byte.
  const std::string expected = Sections{}.file();
  EXPECT_EQ(encode(minimal_timeline()), expected);
  EXPECT_EQ(expected.substr(0, 12), std::string("\x89LSTL\r\n\x1a\x03\x00\x00\x00", 12));
  EXPECT_EQ(expected.size(), 78U);
  auto back = decode_timeline(expected, "doc.lstl");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, minimal_timeline());
}

TEST(TimelineFile, IsCompact) {
  const Timeline t = random_timeline(3, 90'000);
  const double per_event = static_cast<double>(encode(t).size()) / static_cast<double>(t.event_count());
  EXPECT_LT(per_event, 8.0);
}

TEST(TimelineFile, StreamAndFileRoundTrip) {
  const Timeline t = sample_timeline();
  std::stringstream io;
  write_timeline(io, t);
  auto from_stream = read_timeline(io, "stream");
  ASSERT_TRUE(from_stream.has_value()) << from_stream.error().to_string();
  EXPECT_EQ(*from_stream, t);

  const fs::path dir = fs::temp_directory_path() / ("lockscope-timeline-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path path = dir / "run.lstl";
  ASSERT_TRUE(write_timeline_file(path, t).has_value());
  ASSERT_TRUE(write_timeline_file(path, t).has_value());  // replaces
  auto from_file = read_timeline_file(path);
  ASSERT_TRUE(from_file.has_value()) << from_file.error().to_string();
  EXPECT_EQ(*from_file, t);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1) << "a temporary file was left";
  fs::remove_all(dir);
}

TEST(TimelineFile, WriteFileLeavesNothingOnError) {
  const fs::path dir = fs::temp_directory_path() / ("lockscope-timeline-err-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path path = dir / "run.lstl";

  auto missing_dir = write_timeline_file(dir / "no-such-dir" / "run.lstl", sample_timeline());
  ASSERT_FALSE(missing_dir.has_value());
  EXPECT_NE(missing_dir.error().find("no-such-dir"), std::string::npos) << missing_dir.error();

  ASSERT_TRUE(write_timeline_file(path, minimal_timeline()).has_value());
  Timeline bad = sample_timeline();
  bad.workers[0].core = 99;
  auto refused = write_timeline_file(path, bad);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().find("core 99"), std::string::npos) << refused.error();
  auto kept = read_timeline_file(path);
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(*kept, minimal_timeline()) << "the old file must be untouched";
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  fs::remove_all(dir);
}

TEST(TimelineFile, ReadFileNamesAMissingFile) {
  auto t = read_timeline_file("/nonexistent/lockscope/run.lstl");
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().file, "/nonexistent/lockscope/run.lstl");
  EXPECT_NE(t.error().message.find("cannot open"), std::string::npos);
}

TEST(TimelineFile, WriterRefusesBrokenInvariants) {
  const auto problem = [](void (*breaker)(Timeline&)) {
    Timeline t = sample_timeline();
    breaker(t);
    auto bytes = encode_timeline(t);
    return bytes ? std::string() : bytes.error();
  };
  EXPECT_NE(problem([](Timeline& t) { t.workers[0].spans[1].start = 900; }).find("overlaps"), std::string::npos);
  EXPECT_NE(problem([](Timeline& t) { t.workers[0].spans[1].end = 999; }).find("ends before"), std::string::npos);
  EXPECT_NE(problem([](Timeline& t) { t.workers[0].spans[0].state = static_cast<WorkerState>(9); }).find("state"),
            std::string::npos);
  EXPECT_NE(problem([](Timeline& t) { t.transfers[1].start = 10; }).find("transfer 1 starts before"),
            std::string::npos);
  EXPECT_NE(problem([](Timeline& t) { t.transfers[0].line = 2; }).find("line 2"), std::string::npos);
  EXPECT_NE(problem([](Timeline& t) { t.transfers[0].to = 4; }).find("core"), std::string::npos);
  EXPECT_NE(problem([](Timeline& t) { t.transfers[0].from = -2; }).find("core"), std::string::npos);
  EXPECT_NE(problem([](Timeline& t) { t.transfers[0].kind = static_cast<TransferKind>(4); }).find("kind"),
            std::string::npos);
  EXPECT_NE(problem([](Timeline& t) { t.counters[0].samples[1].time = 1; }).find("earlier"), std::string::npos);
  EXPECT_EQ(problem([](Timeline&) {}), "");
}

TEST(TimelineFile, RejectsEveryTruncation) {
  const std::string bytes = encode(sample_timeline());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const std::string message = error_of(std::string_view(bytes).substr(0, n));
    EXPECT_FALSE(message.empty()) << "a file cut to " << n << " of " << bytes.size() << " bytes was accepted";
  }
  EXPECT_NE(error_of(std::string_view(bytes).substr(0, 40)).find("truncated"), std::string::npos);
}

TEST(TimelineFile, RejectsEverySingleByteCorruption) {
  // FNV-1a changes with any single changed byte, so each of these must fail.
  const std::string bytes = encode(sample_timeline());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (const unsigned mask : {0x01U, 0x10U, 0x80U, 0xffU}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ mask);
      EXPECT_FALSE(error_of(bad).empty()) << "byte " << i << " ^ " << mask << " was accepted";
    }
  }
}

TEST(TimelineFile, RejectsRandomCorruptionOfLargeFiles) {
  const std::string bytes = encode(random_timeline(11, 20'000));
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    std::string bad = bytes;
    const int changes = 1 + static_cast<int>(rng() % 4);
    for (int c = 0; c < changes; ++c) {
      const std::size_t at = rng() % bad.size();
      bad[at] = static_cast<char>(static_cast<unsigned char>(bad[at]) ^ (1 + rng() % 255));
    }
    EXPECT_FALSE(error_of(bad).empty()) << "trial " << trial;
  }
  const std::string garbage = [&rng] {
    std::string g(kTimelineMagic);
    g += std::string("\x01\0\0\0", 4);
    for (int i = 0; i < 4096; ++i) g.push_back(static_cast<char>(rng()));
    return g;
  }();
  EXPECT_FALSE(error_of(garbage).empty());
}

TEST(TimelineFile, HugeCountsAreRejectedWithoutAllocating) {
  const std::uint64_t huge = std::uint64_t{1} << 62;
  {
    Sections s;
    s.workers = section(2, varint(huge) + str("w") + varint(0) + varint(0));
    const std::string message = error_of(s.file());
    EXPECT_NE(message.find("worker count 4611686018427387904 exceeds"), std::string::npos) << message;
  }
  {
    Sections s;
    s.workers = section(2, varint(1) + str("w") + varint(1) + varint(huge) + varint(0) + varint(8));
    EXPECT_NE(error_of(s.file()).find("span count"), std::string::npos);
  }
  {
    Sections s;
    s.header = section(1, varint(huge) + "g");
    EXPECT_NE(error_of(s.file()).find("truncated header section"), std::string::npos);
  }
  {
    Sections s;
    s.counters = section(5, varint(1) + str("c") + varint(std::numeric_limits<std::uint64_t>::max()));
    EXPECT_NE(error_of(s.file()).find("sample count"), std::string::npos);
  }
  {
    Sections s;  // a section length larger than the file
    s.transfers = std::string("\x04", 1) + varint(huge);
    EXPECT_NE(error_of(s.file()).find("truncated transfers section"), std::string::npos);
  }
}

TEST(TimelineFile, RejectsInvalidContentWithItsOffset) {
  const auto with = [](auto change) {
    Sections s;
    change(s);
    return error_of(s.file());
  };
  EXPECT_EQ(with([](Sections&) {}), "");
  EXPECT_NE(with([](Sections& s) {
              s.workers = section(2, varint(1) + str("w") + varint(1) + varint(1) + varint(0) + varint(100 << 3 | 7) +
                                         varint(1 << 3 | 7));
            }).find("bad span state 7"),
            std::string::npos);
  EXPECT_NE(with([](Sections& s) {
              s.workers = section(2, varint(1) + str("w") + varint(2) + varint(0));
            }).find("worker 0 runs on core 2, but the machine has 2 cores"),
            std::string::npos);
  EXPECT_NE(with([](Sections& s) {
              s.transfers = section(4, varint(1) + varint(10) + varint(81) + varint(1) + varint(0) + varint(1));
            }).find("moves line 1, but there are 1 lines"),
            std::string::npos);
  EXPECT_NE(with([](Sections& s) {
              s.transfers = section(4, varint(1) + varint(10) + varint(81) + varint(0) + varint(0) + varint(2));
            }).find("to core 2"),
            std::string::npos);
  EXPECT_NE(with([](Sections& s) {
              s.transfers = section(4, varint(1) + varint(10) + varint(81) + varint(0) + varint(3) + varint(0));
            }).find("from core 2"),
            std::string::npos);
  EXPECT_NE(with([](Sections& s) {
              const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
              s.workers = section(
                  2, varint(1) + str("w") + varint(1) + varint(2) + varint(0) + varint(8) + varint(max) + varint(8));
            }).find("overflows"),
            std::string::npos);
  EXPECT_NE(with([](Sections& s) {
              s.header =
                  section(1, str("g") + str("m") + varint(0xffffffff) + varint(7) + str("") + varint(300) + varint(0));
              s.workers = section(2, varint(0));
              s.transfers =
                  section(4, varint(1) + varint(10) + varint(81) + varint(0) + varint(0x80000001) + varint(1));
            }).find("does not fit in 31 bits"),
            std::string::npos);
  // The span's offset: magic 8 + version 4 + header 12 + locks 5 + section id and length 2 + count 1 + name 2 +
  // core 1 + spans 1.
  EXPECT_EQ(with([](Sections& s) {
              s.workers = section(2, varint(1) + str("w") + varint(1) + varint(1) + varint(0) + varint(6 << 3 | 7) +
                                         varint(7));
            }).rfind("offset 36: bad span state", 0),
            0U);
  EXPECT_NE(with([](Sections& s) { s.lines = section(3, varint(1) + std::string("\x81\x00", 2)); }).find("non-minimal"),
            std::string::npos);
  EXPECT_NE(with([](Sections& s) {
              s.lines = section(3, varint(1) + str("x") + "zz");
            }).find("2 unexpected bytes at the end of the lines section"),
            std::string::npos);
  EXPECT_NE(with([](Sections& s) { s.lines = section(6, varint(1) + str("x")); }).find("expected the lines section"),
            std::string::npos);
  EXPECT_NE(with([](Sections& s) {
              s.header = section(1, str("g") + str("m") + varint(std::uint64_t{1} << 32));
            }).find("does not fit in 32 bits"),
            std::string::npos);
}

TEST(TimelineFile, RejectsBadMagicVersionAndTrailingBytes) {
  const std::string good = Sections{}.file();
  EXPECT_NE(error_of("PK\x03\x04 not a timeline").find("bad magic"), std::string::npos);
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  Sections s;
  const std::string v4 = file_of({s.header, s.locks, s.workers, s.lines, s.transfers, s.counters, s.upgrades}, 4);
  EXPECT_EQ(error_of(v4), "offset 8: unsupported timeline format version 4 (this build reads versions 1 to 3)");
  const std::string v0 = file_of({s.header, s.workers, s.lines, s.transfers, s.counters}, 0);
  EXPECT_NE(error_of(v0).find("unsupported timeline format version 0"), std::string::npos);
  // Version 2 on requires the upgrades section, version 3 the locks section.
  const std::string missing = error_of(file_of({s.header, s.locks, s.workers, s.lines, s.transfers, s.counters}));
  EXPECT_NE(missing.find("upgrades section"), std::string::npos) << missing;
  const std::string no_locks = error_of(file_of({s.header, s.workers, s.lines, s.transfers, s.counters, s.upgrades}));
  EXPECT_EQ(no_locks, "offset 24: expected the locks section (id 7), found id 2") << no_locks;
  EXPECT_NE(error_of(good + "x").find("1 unexpected bytes after the checksum"), std::string::npos);
  std::string bad_sum = good;
  bad_sum.back() = static_cast<char>(bad_sum.back() ^ 1);
  EXPECT_NE(error_of(bad_sum).find("checksum mismatch"), std::string::npos);
}

TEST(TimelineFile, ReadsVersionOneWithoutUpgrades) {
  // Versions 1 and 2 name no locks: their spans are about the timeline's
  // one lock (lock 0, named after Timeline::lock), running spans about none.
  Sections s;
  const std::string v1_header = section(1, str("g") + str("m") + varint(2) + varint(7) + str("") + varint(300));
  auto back = decode_timeline(file_of({v1_header, s.workers, s.lines, s.transfers, s.counters}, 1), "v1.lstl");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  Timeline expected = minimal_timeline();
  expected.upgrades.clear();
  EXPECT_EQ(*back, expected);
}

TEST(TimelineFile, ReadsVersionTwoAsOneLockNamedAfterTheTimelinesLock) {
  auto back = decode_timeline(Sections{}.v2_file(), "v2.lstl");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, minimal_timeline());
  EXPECT_EQ(back->locks, (std::vector<TimelineLock>{{"g"}}));
  EXPECT_EQ(back->workers[0].spans[0].lock, 0U);
  EXPECT_EQ(back->workers[0].spans[1].lock, kNoLock);
  EXPECT_EQ(back->source, TimelineSource::simulated);
  // Every state but running is about the lock.
  Timeline t = sample_timeline();
  t.locks = {{"graph"}};
  for (TimelineWorker& w : t.workers) {
    for (Span& span : w.spans) span.lock = span.state == WorkerState::running ? kNoLock : 0;
  }
  // Written as version 3, the spans cost no byte more than in version 2.
  const std::string v3 = encode(t);
  Timeline no_locks = sample_timeline();
  const std::string v3_without = encode(no_locks);
  EXPECT_EQ(v3.size(), v3_without.size() + 6);  // the locks section: id, length, count, "graph"
  auto again = decode_timeline(v3, "v3.lstl");
  ASSERT_TRUE(again.has_value()) << again.error().to_string();
  EXPECT_EQ(*again, t);
}

TEST(TimelineFile, SpanIsStill24Bytes) { EXPECT_EQ(sizeof(Span), 24U); }

// A recording: several locks, a worker nesting them, the source measured.
Timeline recorded_timeline() {
  Timeline t;
  t.lock = "recorded";
  t.machine = "this-machine";
  t.cores = 2;
  t.end_time = 10'000;
  t.source = TimelineSource::measured;
  t.locks = {{"cache_lock (rwlock)"}, {"stats_mutex (mutex)"}, {"0x55d0c0a04040 (rwlock)"}};
  t.workers = {
      {"thread 0",
       0,
       {{0, 100, WorkerState::running, kNoLock},
        {100, 150, WorkerState::waiting_read, 0},
        {150, 400, WorkerState::reading, 0},
        {400, 420, WorkerState::waiting_write, 1},  // nested: the mutex inside the read section
        {420, 500, WorkerState::writing, 1},
        {500, 700, WorkerState::reading, 0},  // back to the outer lock
        {700, 900, WorkerState::running, kNoLock},
        {900, 950, WorkerState::writing, 2},
        {950, 960, WorkerState::reading, kNoLock},  // a span about no lock, odd but representable
        {1000, 1200, WorkerState::running, 2}}},     // after a gap; running, yet about lock 2
      {"thread 1", 1, {{5000, 6000, WorkerState::waiting_write, 2}, {6000, 7000, WorkerState::writing, 2}}},
  };
  return t;
}

TEST(TimelineFile, Version3RoundTripsLocksSpansAndSource) {
  const Timeline t = recorded_timeline();
  const std::string bytes = encode(t);
  auto back = decode_timeline(bytes, "rec.lstl");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, t);
  EXPECT_EQ(back->source, TimelineSource::measured);
  // A lock costs a byte only where a span is not on the implied lock: its
  // worker's last lock, or none while running (thread 0: lock 1, back to
  // 0, lock 2, the reading span on no lock, the running span on lock 2;
  // thread 1 starts on lock 2, not 0).
  Timeline implied = t;
  for (TimelineWorker& w : implied.workers) {
    for (Span& span : w.spans) span.lock = span.state == WorkerState::running ? kNoLock : 0;
  }
  EXPECT_EQ(bytes.size(), encode(implied).size() + 6);
}

TEST(TimelineFile, Version3RandomTimelinesWithLocksRoundTrip) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    Timeline t = random_timeline(seed, 3000);
    std::mt19937_64 rng(seed);
    const std::size_t locks = seed % 4 == 0 ? 0 : 1 + rng() % 200;
    for (std::size_t l = 0; l < locks; ++l) t.locks.push_back({"lock " + std::to_string(l)});
    for (TimelineWorker& w : t.workers) {
      for (Span& span : w.spans) {
        span.lock = locks == 0 || rng() % 5 == 0 ? kNoLock : static_cast<std::uint32_t>(rng() % locks);
      }
    }
    t.source = seed % 2 == 0 ? TimelineSource::measured : TimelineSource::simulated;
    auto back = decode_timeline(encode(t), "random.lstl");
    ASSERT_TRUE(back.has_value()) << "seed " << seed << ": " << back.error().to_string();
    EXPECT_EQ(*back, t) << "seed " << seed;
  }
}

TEST(TimelineFile, RejectsBadLocksAndSources) {
  const auto with = [](auto change) {
    Sections s;
    change(s);
    return error_of(s.file());
  };
  // reading [0, 100) on lock 1: the state 7 escape, then (1 + 1) << 3 | reading.
  EXPECT_EQ(with([](Sections& s) {
              s.workers = section(2, varint(1) + str("w") + varint(1) + varint(1) + varint(0) + varint(100 << 3 | 7) +
                                         varint(2 << 3 | 1));
            }),
            "offset 36: span names lock 1, but there are 1 locks");
  EXPECT_EQ(with([](Sections& s) {
              s.workers = section(2, varint(1) + str("w") + varint(1) + varint(1) + varint(0) + varint(100 << 3 | 7) +
                                         varint(1 << 3 | 1));
            }),
            "offset 36: span lock written out although implied (a non-minimal encoding)");
  EXPECT_EQ(with([](Sections& s) {
              s.workers = section(2, varint(1) + str("w") + varint(1) + varint(1) + varint(0) + varint(100 << 3 | 7) +
                                         varint(1 << 3 | 7));
            }),
            "offset 36: bad span state 7");
  // Lock "none" for a reading span is legal, written out.
  EXPECT_EQ(with([](Sections& s) {
              s.workers = section(2, varint(1) + str("w") + varint(1) + varint(1) + varint(0) + varint(100 << 3 | 7) +
                                         varint(0 << 3 | 1));
            }),
            "");
  // Version 2 has no escape: state 7 is just bad.
  Sections v2;
  v2.workers = section(2, varint(1) + str("w") + varint(1) + varint(1) + varint(0) + varint(100 << 3 | 7) +
                              varint(1 << 3 | 1));
  EXPECT_NE(error_of(v2.v2_file()).find("bad span state 7"), std::string::npos);
  EXPECT_EQ(with([](Sections& s) {
              s.header = section(1, str("g") + str("m") + varint(2) + varint(7) + str("") + varint(300) + varint(2));
            }),
            "offset 23: unknown timeline source 2");
  EXPECT_NE(with([](Sections& s) { s.locks = section(7, varint(5) + str("g")); }).find("lock count 5 exceeds"),
            std::string::npos);
  Timeline bad = recorded_timeline();
  bad.workers[1].spans[0].lock = 3;
  EXPECT_EQ(encode_timeline(bad).error(), "worker 1 span 0 names lock 3, but there are 3 locks");
  bad = recorded_timeline();
  bad.source = static_cast<TimelineSource>(2);
  EXPECT_EQ(encode_timeline(bad).error(), "the timeline has no valid source (2)");
}

TEST(TimelineFile, RejectsBadUpgrades) {
  const auto with_upgrades = [](const std::string& payload) {
    Sections s;
    s.upgrades = section(6, payload);
    return error_of(s.file());
  };
  EXPECT_NE(with_upgrades(varint(1) + varint(30) + varint(1) + varint(1)).find("upgrade 0 is of line 1"),
            std::string::npos);
  EXPECT_NE(with_upgrades(varint(1) + varint(30) + varint(0) + varint(2)).find("upgrade 0 is on core 2"),
            std::string::npos);
  EXPECT_NE(with_upgrades(varint(2) + varint(30) + varint(0)).find("upgrade count 2 exceeds"), std::string::npos);
  const std::string cut = with_upgrades(varint(1) + varint(30) + varint(0) + varint(0));  // 1 upgrade fits in 3 bytes...
  EXPECT_TRUE(cut.empty()) << cut;
  const std::string short_one = with_upgrades(varint(1) + varint(0x80) + varint(0));  // ... but a 2-byte time leaves no core
  EXPECT_NE(short_one.find("truncated upgrades section"), std::string::npos) << short_one;
  Timeline t = minimal_timeline();
  t.upgrades = {{30, 0, 1}, {20, 0, 1}};
  EXPECT_FALSE(encode_timeline(t).has_value());
}

TEST(TimelineFile, SkipsOptionalSections) {
  Sections s;
  const std::string extra = section(0x90, "future data");
  const std::string bytes =
      file_of({s.header, extra, s.locks, extra, s.workers, s.lines, s.transfers, s.counters, s.upgrades, extra});
  auto back = decode_timeline(bytes, "future.lstl");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, minimal_timeline());
}

Timeline tso_timeline() {
  Timeline t = minimal_timeline();
  t.workers.push_back({"v", 0, {{0, 300, WorkerState::writing, 0}}});
  t.buffered_stores = {{10, 45, 1, 0, 1}, {12, kNeverVisible, 0, 0, ~std::uint64_t{0}}, {12, 12, 1, 0, 0}};
  t.violations = {{50, 0, 0, 1}, {60, 0, 1, 0}};
  return t;
}

TEST(TimelineFile, BufferedStoresAndViolationsRoundTrip) {
  const Timeline t = tso_timeline();
  auto back = decode_timeline(encode(t), "tso.lstl");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(*back, t);
  EXPECT_EQ(t.event_count(), minimal_timeline().event_count() + 1 + 3);
}

TEST(TimelineFile, BufferedStoresAndViolationsMatchDocumentedLayout) {
  Sections s;
  // Two workers, so that a violation can name both.
  s.workers = section(2, varint(2) + str("w") + varint(1) + varint(2) + varint(0) + varint(100 << 3 | 1) + varint(0) +
                             varint(200 << 3 | 0) + str("v") + varint(0) + varint(1) + varint(0) + varint(300 << 3 | 6));
  // Stored at 10 on core 1, line 0, value 1, visible at 45 (35 + 1); stored
  // at 12 on core 0, value 5, never visible (0).
  const std::string stores = section(0x80, varint(2) + varint(10) + varint(36) + varint(1) + varint(0) + varint(1) +
                                               varint(2) + varint(0) + varint(0) + varint(0) + varint(5));
  // At 50 worker 1 entered lock 0 while worker 0 was inside.
  const std::string violations = section(0x81, varint(1) + varint(50) + varint(0) + varint(1) + varint(0));
  const std::string bytes =
      file_of({s.header, s.locks, s.workers, s.lines, s.transfers, s.counters, s.upgrades, stores, violations});
  auto back = decode_timeline(bytes, "tso.lstl");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  const std::vector<BufferedStoreRecord> want_stores = {{10, 45, 1, 0, 1}, {12, kNeverVisible, 0, 0, 5}};
  EXPECT_EQ(back->buffered_stores, want_stores);
  const std::vector<ExclusionViolation> want_violations = {{50, 0, 1, 0}};
  EXPECT_EQ(back->violations, want_violations);
  EXPECT_EQ(encode(*back), bytes);
  // A timeline without them is written as before they existed.
  EXPECT_EQ(encode(minimal_timeline()), Sections{}.file());
}

TEST(TimelineFile, RejectsBadBufferedStoresAndViolations) {
  Sections s;
  const auto with = [&](const std::string& extra) {
    return error_of(file_of({s.header, s.locks, s.workers, s.lines, s.transfers, s.counters, s.upgrades, extra}));
  };
  const auto store = [](std::uint64_t core, std::uint64_t line) {
    return section(0x80, varint(1) + varint(10) + varint(1) + varint(core) + varint(line) + varint(0));
  };
  EXPECT_EQ(with(store(1, 0)), "");
  EXPECT_NE(with(store(2, 0)).find("buffered store 0 is on core 2, but the machine has 2 cores"), std::string::npos);
  EXPECT_NE(with(store(0, 1)).find("buffered store 0 is to line 1, but there are 1 lines"), std::string::npos);
  EXPECT_NE(with(store(0, 0) + store(0, 0)).find("a second buffered stores section"), std::string::npos);
  EXPECT_NE(with(section(0x80, varint(9) + varint(0))).find("buffered store count 9 exceeds"), std::string::npos);
  // One worker: a violation cannot name two.
  EXPECT_NE(with(section(0x81, varint(1) + varint(5) + varint(0) + varint(0) + varint(0))).find("violation 0 names workers 0 and 0"),
            std::string::npos);
  EXPECT_NE(with(section(0x81, varint(1) + varint(5) + varint(1) + varint(0) + varint(0))).find("violation 0 is of lock 1"),
            std::string::npos);
  // They refer to lines, cores, workers and locks: only after the required sections.
  const std::string early = error_of(
      file_of({s.header, store(0, 0), s.locks, s.workers, s.lines, s.transfers, s.counters, s.upgrades}));
  EXPECT_NE(early.find("section id 128 must follow the required sections"), std::string::npos) << early;

  Timeline t = tso_timeline();
  t.buffered_stores = {{20, 30, 0, 0, 0}, {10, 30, 0, 0, 0}};
  EXPECT_EQ(encode_timeline(t).error(), "buffered store 1 is earlier than the one before it");
  t.buffered_stores = {{20, 19, 0, 0, 0}};
  EXPECT_EQ(encode_timeline(t).error(), "buffered store 0 is visible before it is stored");
  t.buffered_stores = {{20, 30, 2, 0, 0}};
  EXPECT_EQ(encode_timeline(t).error(), "buffered store 0 is on core 2, but the machine has 2 cores");
  t = tso_timeline();
  t.violations = {{50, 0, 1, 1}};
  EXPECT_EQ(encode_timeline(t).error(), "violation 0 names workers 1 and 1, but there are 2 workers");
  t.violations = {{50, 0, 0, 1}, {40, 0, 0, 1}};
  EXPECT_EQ(encode_timeline(t).error(), "violation 1 is earlier than the one before it");
  t.violations = {{50, 1, 0, 1}};
  EXPECT_EQ(encode_timeline(t).error(), "violation 0 is of lock 1, but there are 1 locks");
}

TEST(TimelineFile, MillionEventsRoundTrip) {
  const Timeline t = random_timeline(1, 750'000);
  ASSERT_GE(t.event_count(), 1'000'000U);
  const std::string bytes = encode(t);
  auto back = decode_timeline(bytes, "big.lstl");
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_TRUE(*back == t);
}

TEST(Timeline, EventCountAddsSpansTransfersAndSamples) {
  EXPECT_EQ(Timeline{}.event_count(), 0U);
  EXPECT_EQ(sample_timeline().event_count(), 10U + 4U + 5U);
}

TEST(Timeline, NamesEveryStateAndKind) {
  EXPECT_STREQ(to_string(WorkerState::running), "running");
  EXPECT_STREQ(to_string(WorkerState::reading), "reading");
  EXPECT_STREQ(to_string(WorkerState::waiting_read), "waiting_read");
  EXPECT_STREQ(to_string(WorkerState::queued_read), "queued_read");
  EXPECT_STREQ(to_string(WorkerState::waiting_write), "waiting_write");
  EXPECT_STREQ(to_string(WorkerState::draining), "draining");
  EXPECT_STREQ(to_string(WorkerState::writing), "writing");
  EXPECT_STREQ(to_string(TransferKind::read_share), "read_share");
  EXPECT_STREQ(to_string(TransferKind::ownership), "ownership");
  EXPECT_STREQ(to_string(TransferKind::invalidation), "invalidation");
  EXPECT_STREQ(to_string(TransferKind::fill), "fill");
}

}  // namespace
}  // namespace lockscope::traces
