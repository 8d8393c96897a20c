// read_raw_recording: decodes the interposer's file (raw_format.hpp). Every
// length, count and id is checked against the bytes that are there, so a
// corrupt or hostile file gives a ParseError, never a crash or a large
// allocation; a file without its end record is reported as truncated.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <new>
#include <stdexcept>
#include <map>

#include <fmt/format.h>

#include "record/elf_symbols.hpp"
#include "record/raw_format.hpp"
#include "record/raw_recording.hpp"

namespace lockscope::record {

namespace {

namespace rf = raw_format;

__extension__ using Wide = unsigned __int128;  // tick * ns overflows 64 bits after a few seconds

constexpr const char* kTruncated =
    "truncated: the recording has no end record (the program was killed before lockscope could finish it)";

struct Failure {
  std::string message;
};

// A bounds-checked cursor over one payload.
class Cursor {
 public:
  Cursor(const unsigned char* p, const unsigned char* end, std::uint64_t base, const char* what)
      : p_(p), begin_(p), end_(end), base_(base), what_(what) {}

  std::uint64_t varint() {
    std::uint64_t v = 0;
    if (!rf::get_varint(&p_, end_, &v)) fail("a number runs past the end of its record");
    return v;
  }
  std::uint8_t byte() {
    if (p_ >= end_) fail("a byte runs past the end of its record");
    return *p_++;
  }
  std::string text() {
    const std::uint64_t n = varint();
    if (n > static_cast<std::uint64_t>(end_ - p_)) fail("a string runs past the end of its record");
    std::string s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return s;
  }
  bool done() const { return p_ == end_; }
  std::uint64_t left() const { return static_cast<std::uint64_t>(end_ - p_); }
  [[noreturn]] void fail(const std::string& why) const {
    throw Failure{fmt::format("corrupt {} record at byte {}: {}", what_, base_ + static_cast<std::uint64_t>(p_ - begin_), why)};
  }

 private:
  const unsigned char* p_;
  const unsigned char* begin_;
  const unsigned char* end_;
  std::uint64_t base_;
  const char* what_;
};

struct ThreadBuild {
  RawThread thread;
  bool declared = false;
  bool has_prev_lock = false;
  std::uint64_t prev_lock = 0;
  std::uint64_t prev_end = 0;
};

struct LockBuild {
  std::uint64_t address = 0;
  RawLockKind kind = RawLockKind::rwlock;
  std::uint64_t callsite = 0;
  std::uint64_t first_tick = 0;
};

void decode_chunk(Cursor& c, std::map<std::uint64_t, ThreadBuild>& threads) {
  const std::uint64_t serial = c.varint();
  const std::uint64_t tid = c.varint();
  const std::uint64_t count = c.varint();
  if (tid > UINT32_MAX) c.fail("thread id out of range");
  if (count > c.left() / 2) c.fail("more events than the record's bytes can hold");
  ThreadBuild& tb = threads[serial];
  tb.thread.tid = static_cast<std::uint32_t>(tid);
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint8_t flags = c.byte();
    const std::uint8_t op = flags & rf::kEventOpMask;
    const auto attempt = static_cast<std::uint8_t>((flags & rf::kEventAttemptMask) >> rf::kEventAttemptShift);
    if (op >= rf::kOpCount || attempt >= rf::kAttemptCount) c.fail("unknown operation");
    if ((flags & rf::kEventNewLock) != 0) {
      tb.prev_lock = c.varint();  // an id until the lock table is read
      tb.has_prev_lock = true;
    } else if (!tb.has_prev_lock) {
      c.fail("an event repeats a lock before any was named");
    }
    const std::int64_t delta = rf::unzigzag(c.varint());
    if ((delta < 0 && static_cast<std::uint64_t>(-(delta + 1)) >= tb.prev_end) ||
        (delta > 0 && static_cast<std::uint64_t>(delta) > UINT64_MAX / 2 - tb.prev_end)) {
      c.fail("a time out of range");
    }
    RawEvent e;
    e.lock = tb.prev_lock;
    e.begin_ns = tb.prev_end + static_cast<std::uint64_t>(delta);
    const std::uint64_t duration = (flags & rf::kEventHasDuration) != 0 ? c.varint() : 0;
    if (duration > UINT64_MAX / 2 - e.begin_ns) c.fail("a duration out of range");
    e.end_ns = e.begin_ns + duration;
    e.op = static_cast<RawOp>(op);
    e.attempt = static_cast<RawAttempt>(attempt);
    e.ok = (flags & rf::kEventOk) != 0;
    tb.prev_end = e.end_ns;
    tb.thread.events.push_back(e);
  }
  if (!c.done()) c.fail("bytes after the last event");
}

RawRecording decode(std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned char* end = data + bytes.size();
  // Compared as string_views: an empty file comes without a pointer, and
  // memcmp's arguments must never be null, even for zero bytes.
  const std::string_view magic(reinterpret_cast<const char*>(rf::kMagic), sizeof rf::kMagic);
  if (bytes.size() < rf::kHeaderBytes || !bytes.starts_with(magic)) {
    if (bytes.size() < rf::kHeaderBytes && magic.starts_with(bytes.substr(0, magic.size()))) throw Failure{kTruncated};
    throw Failure{"not a lockscope raw recording (no LSRAW magic at its start)"};
  }
  std::uint32_t version = 0;
  for (int i = 0; i < 4; ++i) version |= static_cast<std::uint32_t>(data[8 + i]) << (8 * i);
  if (version != rf::kVersion) {
    throw Failure{fmt::format("raw recording version {} is not supported (this lockscope reads version {})", version,
                              rf::kVersion)};
  }

  RawRecording rec;
  std::map<std::uint64_t, ThreadBuild> threads;  // by serial
  std::vector<LockBuild> locks;                  // by id
  std::string maps;
  bool have_process = false;
  bool have_end = false;
  bool tsc = true;
  std::uint64_t end_tick = 0;
  std::uint64_t cal_ticks = 0;
  std::uint64_t cal_ns = 0;
  std::uint64_t dropped = 0;

  const unsigned char* p = data + rf::kHeaderBytes;
  while (p < end) {
    if (have_end) throw Failure{fmt::format("corrupt: {} bytes after the end record", end - p)};
    const auto offset = static_cast<std::uint64_t>(p - data);
    const std::uint8_t type = *p++;
    std::uint64_t size = 0;
    if (!rf::get_varint(&p, end, &size)) throw Failure{kTruncated};
    if (size > static_cast<std::uint64_t>(end - p)) throw Failure{kTruncated};
    const unsigned char* payload_end = p + size;
    switch (static_cast<rf::RecordType>(type)) {
      case rf::RecordType::process: {
        Cursor c(p, payload_end, offset, "process");
        if (have_process) c.fail("a second process record");
        have_process = true;
        const std::uint64_t pid = c.varint();
        c.varint();  // parent pid
        const std::uint8_t clock = c.byte();
        if (pid > UINT32_MAX || clock > 1) c.fail("pid or clock kind out of range");
        rec.pid = static_cast<std::uint32_t>(pid);
        tsc = clock == static_cast<std::uint8_t>(rf::ClockKind::tsc);
        const std::uint64_t argc = c.varint();
        if (argc > c.left()) c.fail("more arguments than bytes");
        for (std::uint64_t i = 0; i < argc; ++i) {
          std::string arg = c.text();
          if (i == 0) {
            rec.program = std::move(arg);
          } else {
            rec.args.push_back(std::move(arg));
          }
        }
        break;
      }
      case rf::RecordType::chunk: {
        Cursor c(p, payload_end, offset, "chunk");
        decode_chunk(c, threads);
        break;
      }
      case rf::RecordType::thread: {
        Cursor c(p, payload_end, offset, "thread");
        const std::uint64_t serial = c.varint();
        const std::uint64_t tid = c.varint();
        const std::uint64_t start = c.varint();
        const std::uint64_t stop = c.varint();
        std::string name = c.text();
        if (tid > UINT32_MAX || stop < start) c.fail("thread id or times out of range");
        ThreadBuild& tb = threads[serial];
        if (tb.declared) c.fail("a thread declared twice");
        tb.declared = true;
        tb.thread.tid = static_cast<std::uint32_t>(tid);
        tb.thread.start_ns = start;
        tb.thread.end_ns = stop;
        tb.thread.name = std::move(name);
        break;
      }
      case rf::RecordType::lock: {
        Cursor c(p, payload_end, offset, "lock");
        const std::uint64_t id = c.varint();
        if (id != locks.size()) c.fail("lock ids out of order");
        LockBuild lock;
        lock.address = c.varint();
        const std::uint8_t kind = c.byte();
        if (kind > rf::kLockMutex) c.fail("unknown lock kind");
        lock.kind = kind == rf::kLockMutex ? RawLockKind::mutex : RawLockKind::rwlock;
        lock.callsite = c.varint();
        lock.first_tick = c.varint();
        locks.push_back(lock);
        break;
      }
      case rf::RecordType::maps:
        maps.assign(reinterpret_cast<const char*>(p), size);
        break;
      case rf::RecordType::end: {
        Cursor c(p, payload_end, offset, "end");
        end_tick = c.varint();
        cal_ticks = c.varint();
        cal_ns = c.varint();
        rec.recursive_skipped = c.varint();
        dropped = c.varint();
        rec.end_reason = c.text();
        have_end = true;
        break;
      }
      default:
        throw Failure{fmt::format("corrupt: unknown record type {} at byte {}", type, offset)};
    }
    p = payload_end;
  }
  if (!have_end) throw Failure{kTruncated};
  if (!have_process) throw Failure{"corrupt: no process record"};
  if (tsc && (cal_ticks == 0 || cal_ns == 0)) throw Failure{"corrupt: the end record's clock calibration is zero"};

  // Ticks to nanoseconds: the TSC rate measured over the whole recording.
  // A corrupt calibration (far more nanoseconds than ticks) could take a
  // time past 64 bits, where it would wrap and run backwards; and any time
  // past kMaxRecordedNs would wrap when converted to picoseconds.
  auto ns = [&](std::uint64_t tick) -> std::uint64_t {
    const Wide v = tsc ? static_cast<Wide>(tick) * cal_ns / cal_ticks : static_cast<Wide>(tick);
    if (v > kMaxRecordedNs) {
      throw Failure{tsc ? "corrupt: the end record's clock calibration puts a time past 213 days (2^64 ps)"
                        : "corrupt: a time past 213 days (2^64 ps)"};
    }
    return static_cast<std::uint64_t>(v);
  };
  rec.end_ns = ns(end_tick);
  rec.dropped = dropped;

  Symbolizer symbols(parse_proc_maps(maps));
  std::vector<std::size_t> order(locks.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return locks[a].first_tick < locks[b].first_tick; });
  for (std::size_t id : order) {
    RawLock lock;
    lock.address = locks[id].address;
    lock.kind = locks[id].kind;
    lock.symbol = symbols.data_symbol(lock.address);
    lock.callsite = symbols.function_name(locks[id].callsite);
    rec.locks.push_back(std::move(lock));
  }

  for (auto& [serial, tb] : threads) {
    if (!tb.declared) throw Failure{fmt::format("corrupt: thread {} has events but no thread record", serial)};
    for (RawEvent& e : tb.thread.events) {
      if (e.lock >= locks.size()) throw Failure{fmt::format("corrupt: an event of thread {} names lock {} of {}", tb.thread.tid, e.lock, locks.size())};
      e.lock = locks[e.lock].address;
      e.begin_ns = ns(e.begin_ns);
      e.end_ns = ns(e.end_ns);
    }
    tb.thread.start_ns = ns(tb.thread.start_ns);
    tb.thread.end_ns = std::max(ns(tb.thread.end_ns), tb.thread.events.empty() ? 0 : tb.thread.events.back().end_ns);
    rec.threads.push_back(std::move(tb.thread));
  }
  std::stable_sort(rec.threads.begin(), rec.threads.end(),
                   [](const RawThread& a, const RawThread& b) { return a.start_ns < b.start_ns; });
  return rec;
}

}  // namespace

std::expected<RawRecording, traces::ParseError> parse_raw_recording(std::string_view bytes, const std::string& file) {
  try {
    return decode(bytes);
  } catch (const Failure& f) {
    return std::unexpected(traces::ParseError{file, 0, 0, f.message});
  } catch (const std::bad_alloc&) {
    return std::unexpected(traces::ParseError{
        file, 0, 0, fmt::format("the recording ({} MB) decodes to more than this machine's memory", bytes.size() >> 20)});
  } catch (const std::length_error&) {
    return std::unexpected(traces::ParseError{file, 0, 0, "the recording is too large to decode"});
  }
}

std::expected<RawRecording, traces::ParseError> read_raw_recording(const std::string& path) {
  // Mapped, not copied: a long recording is gigabytes, and decoding needs
  // its bytes only once.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(traces::ParseError{path, 0, 0, "cannot open the recording"});
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::unexpected(traces::ParseError{path, 0, 0, "cannot read the recording (not a regular file)"});
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return parse_raw_recording({}, path);
  }
  void* bytes = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (bytes == MAP_FAILED) return std::unexpected(traces::ParseError{path, 0, 0, "cannot map the recording"});
  ::madvise(bytes, size, MADV_SEQUENTIAL);
  auto result = parse_raw_recording(std::string_view(static_cast<const char*>(bytes), size), path);
  ::munmap(bytes, size);
  return result;
}

}  // namespace lockscope::record
