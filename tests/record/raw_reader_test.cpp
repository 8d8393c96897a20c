// read_raw_recording on files built byte by byte from raw_format.hpp: the
// layout decodes to what was written, and garbage, cuts and flipped bytes
// give a ParseError (file, line 0), never a crash.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "record/raw_format.hpp"
#include "record/raw_recording.hpp"

namespace lockscope::record {
namespace {

namespace rf = raw_format;

struct Bytes {
  std::string s;
  void varint(std::uint64_t v) {
    unsigned char buf[rf::kMaxVarintBytes];
    s.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(rf::put_varint(buf, v) - buf));
  }
  void byte(std::uint8_t b) { s.push_back(static_cast<char>(b)); }
  void text(const std::string& t) {
    varint(t.size());
    s += t;
  }
  void record(rf::RecordType type, const Bytes& payload) {
    byte(static_cast<std::uint8_t>(type));
    varint(payload.s.size());
    s += payload.s;
  }
};

std::uint8_t flags(RawOp op, RawAttempt attempt, bool ok, bool new_lock, bool duration) {
  return static_cast<std::uint8_t>(static_cast<unsigned>(op) | static_cast<unsigned>(attempt) << rf::kEventAttemptShift |
                                   (ok ? rf::kEventOk : 0) | (new_lock ? rf::kEventNewLock : 0) |
                                   (duration ? rf::kEventHasDuration : 0));
}

// A recording of one thread (tid 7) that took a mutex (waiting 40 ticks),
// failed a trywrlock on an rwlock and released the mutex; TSC ticks at two
// per nanosecond.
std::string good_file(std::uint32_t version = rf::kVersion, bool with_end = true, const std::string& maps = "",
                      std::uint64_t calibration_ns = 1000) {
  Bytes f;
  f.s.assign(reinterpret_cast<const char*>(rf::kMagic), sizeof rf::kMagic);
  for (int i = 0; i < 4; ++i) f.byte(static_cast<std::uint8_t>(version >> (8 * i)));
  Bytes process;
  process.varint(4242);
  process.varint(1);
  process.byte(static_cast<std::uint8_t>(rf::ClockKind::tsc));
  process.varint(3);
  process.text("/bin/prog");
  process.text("-x");
  process.text("7");
  f.record(rf::RecordType::process, process);
  Bytes chunk;
  chunk.varint(1);  // serial
  chunk.varint(7);  // tid
  chunk.varint(3);
  chunk.byte(flags(RawOp::mutex_lock, RawAttempt::blocking, true, true, true));
  chunk.varint(0);                  // lock id 0
  chunk.varint(rf::zigzag(100));    // begin 100
  chunk.varint(40);                 // end 140
  chunk.byte(flags(RawOp::wrlock, RawAttempt::try_, false, true, false));
  chunk.varint(1);
  chunk.varint(rf::zigzag(60));     // begin = end = 200
  chunk.byte(flags(RawOp::mutex_unlock, RawAttempt::blocking, true, true, false));
  chunk.varint(0);
  chunk.varint(rf::zigzag(20));     // 220
  f.record(rf::RecordType::chunk, chunk);
  Bytes thread;
  thread.varint(1);
  thread.varint(7);
  thread.varint(100);
  thread.varint(300);
  thread.text("worker-7");
  f.record(rf::RecordType::thread, thread);
  for (std::uint64_t id = 0; id < 2; ++id) {
    Bytes lock;
    lock.varint(id);
    lock.varint(id == 0 ? 0x1000 : 0x2000);
    lock.byte(id == 0 ? rf::kLockMutex : rf::kLockRwlock);
    lock.varint(0);  // no callsite
    lock.varint(id == 0 ? 100 : 200);
    f.record(rf::RecordType::lock, lock);
  }
  f.record(rf::RecordType::maps, Bytes{maps});
  if (with_end) {
    Bytes end;
    end.varint(400);  // end tick
    end.varint(2000);  // calibration: 2000 ticks ...
    end.varint(calibration_ns);  // ... in 1000 ns
    end.varint(5);
    end.varint(0);
    end.text("exit 3");
    f.record(rf::RecordType::end, end);
  }
  return f.s;
}

TEST(RawReader, DecodesWhatTheLayoutSays) {
  const auto rec = parse_raw_recording(good_file(), "good.raw");
  ASSERT_TRUE(rec.has_value()) << rec.error().to_string();
  EXPECT_EQ(rec->program, "/bin/prog");
  EXPECT_EQ(rec->args, (std::vector<std::string>{"-x", "7"}));
  EXPECT_EQ(rec->pid, 4242u);
  EXPECT_EQ(rec->end_ns, 200u);
  EXPECT_EQ(rec->end_reason, "exit 3");
  EXPECT_EQ(rec->recursive_skipped, 5u);
  ASSERT_EQ(rec->locks.size(), 2u);
  EXPECT_EQ(rec->locks[0].address, 0x1000u);
  EXPECT_EQ(rec->locks[0].kind, RawLockKind::mutex);
  EXPECT_EQ(rec->locks[1].kind, RawLockKind::rwlock);
  EXPECT_EQ(rec->locks[0].symbol, "");  // no maps: nothing to resolve against
  ASSERT_EQ(rec->threads.size(), 1u);
  const RawThread& t = rec->threads[0];
  EXPECT_EQ(t.tid, 7u);
  EXPECT_EQ(t.name, "worker-7");
  EXPECT_EQ(t.start_ns, 50u);
  EXPECT_EQ(t.end_ns, 150u);
  ASSERT_EQ(t.events.size(), 3u);
  EXPECT_EQ(t.events[0], (RawEvent{0x1000, 50, 70, RawOp::mutex_lock, RawAttempt::blocking, true}));
  EXPECT_EQ(t.events[1], (RawEvent{0x2000, 100, 100, RawOp::wrlock, RawAttempt::try_, false}));
  EXPECT_EQ(t.events[2], (RawEvent{0x1000, 110, 110, RawOp::mutex_unlock, RawAttempt::blocking, true}));
}

TEST(RawReader, NamesTheProblemWithTheFile) {
  auto rec = read_raw_recording("/nonexistent/lockscope.raw");
  ASSERT_FALSE(rec.has_value());
  EXPECT_EQ(rec.error().to_string(), "/nonexistent/lockscope.raw: cannot open the recording");

  rec = parse_raw_recording("hello, this is text, not a recording", "text.raw");
  ASSERT_FALSE(rec.has_value());
  EXPECT_EQ(rec.error().file, "text.raw");
  EXPECT_EQ(rec.error().line, 0u);
  EXPECT_NE(rec.error().message.find("not a lockscope raw recording"), std::string::npos);

  rec = parse_raw_recording(good_file(99), "new.raw");
  ASSERT_FALSE(rec.has_value());
  EXPECT_NE(rec.error().message.find("version 99 is not supported"), std::string::npos);

  rec = parse_raw_recording(good_file(rf::kVersion, false), "killed.raw");
  ASSERT_FALSE(rec.has_value());
  EXPECT_EQ(rec.error().to_string(),
            "killed.raw: truncated: the recording has no end record (the program was killed before lockscope "
            "could finish it)");

  rec = parse_raw_recording(good_file() + "x", "long.raw");
  ASSERT_FALSE(rec.has_value());
  EXPECT_NE(rec.error().message.find("after the end record"), std::string::npos);
}

// Times are picoseconds in 64 bits once converted: a calibration that puts
// one past 213 days is corrupt, never a wrapped time that runs backwards.
TEST(RawReader, ATimeThatCannotBeConvertedToPicosecondsIsCorrupt) {
  auto rec = parse_raw_recording(good_file(rf::kVersion, true, "", 1000), "ok.raw");
  ASSERT_TRUE(rec.has_value()) << rec.error().to_string();
  // 400 ticks at 2000 ticks per 1e17 ns: 2e16 ns, past kMaxRecordedNs (1.8e16).
  rec = parse_raw_recording(good_file(rf::kVersion, true, "", 100'000'000'000'000'000ULL), "far.raw");
  ASSERT_FALSE(rec.has_value());
  EXPECT_NE(rec.error().message.find("past 213 days"), std::string::npos) << rec.error().to_string();
  // Inside the bound still reads: 400 ticks at 2000 per 4.5e15 ns are 9e14 ns.
  rec = parse_raw_recording(good_file(rf::kVersion, true, "", 4'500'000'000'000'000ULL), "near.raw");
  ASSERT_TRUE(rec.has_value()) << rec.error().to_string();
  EXPECT_LE(rec->end_ns, kMaxRecordedNs);
}

TEST(RawReader, MapsNamingDevicesOrMissingFilesLeaveNamesEmpty) {
  // A corrupt or foreign recording may map the locks into anything: the
  // reader opens regular files only (never blocks on /dev/zero or a FIFO).
  const std::string maps =
      "1000-2000 rw-p 00000000 00:05 4 /dev/zero\n"
      "2000-3000 rw-p 00000000 00:05 4 /nonexistent/lib.so\n"
      "garbage line\n";
  const auto rec = parse_raw_recording(good_file(rf::kVersion, true, maps), "maps.raw");
  ASSERT_TRUE(rec.has_value()) << rec.error().to_string();
  for (const RawLock& lock : rec->locks) EXPECT_EQ(lock.symbol, "");
}

TEST(RawReader, EveryCutIsTruncated) {
  const std::string file = good_file();
  for (std::size_t cut = 0; cut < file.size(); ++cut) {
    const auto rec = parse_raw_recording(std::string_view(file).substr(0, cut), "cut.raw");
    ASSERT_FALSE(rec.has_value()) << cut;
    EXPECT_NE(rec.error().message.find("truncated"), std::string::npos) << cut << ": " << rec.error().message;
  }
}

TEST(RawReader, GarbageAndFlippedBytesNeverCrash) {
  std::mt19937_64 rng(9);
  const std::string good = good_file();
  for (int i = 0; i < 20000; ++i) {
    std::string bytes;
    if (i % 2 == 0) {
      // Random bytes after a valid magic and version, so the record parser is what gets exercised.
      bytes = good.substr(0, rf::kHeaderBytes);
      const std::size_t n = rng() % 200;
      for (std::size_t k = 0; k < n; ++k) bytes.push_back(static_cast<char>(rng()));
    } else {
      bytes = good;
      for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips) {
        bytes[rf::kHeaderBytes + rng() % (bytes.size() - rf::kHeaderBytes)] ^= static_cast<char>(1 + rng() % 255);
      }
    }
    const auto rec = parse_raw_recording(bytes, "fuzz.raw");  // must return, either way
    if (!rec) {
      EXPECT_FALSE(rec.error().message.empty());
      EXPECT_EQ(rec.error().file, "fuzz.raw");
    }
  }
}

}  // namespace
}  // namespace lockscope::record
