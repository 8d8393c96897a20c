#include "traces/timeline_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <istream>
#include <limits>
#include <ostream>

#include "traces/atomic_output.hpp"
#include "traces/fnv1a.hpp"
#include "traces/mapped_file.hpp"
#include "traces/read_file.hpp"

namespace lockscope::traces {
namespace {

// Section ids, in the order a file holds them. Ids 0x80 and above are
// optional sections that this version skips; 0 ends the file.
enum SectionId : unsigned char {
  kEndMarker = 0,
  kHeader = 1,
  kWorkers = 2,
  kLines = 3,
  kTransfers = 4,
  kCounters = 5,
  kUpgrades = 6,  // version 2 on
  kLocks = 7,     // version 3 on; follows the header
  kFirstOptional = 0x80,
  // Optional sections this version knows; after the last required section.
  kBufferedStores = 0x80,
  kViolations = 0x81,
};

constexpr int kStateBits = 3;  // a span's state shares a varint with its duration
constexpr int kKindBits = 2;   // as does a transfer's kind
static_assert(kWorkerStateCount <= (1 << kStateBits));
// Version 3: the one state value no state uses says "the span's lock is
// not the implied one; a varint `(lock + 1) << 3 | state` follows".
constexpr unsigned kExplicitLock = (1U << kStateBits) - 1;
static_assert(kWorkerStateCount <= static_cast<int>(kExplicitLock));
static_assert(kTransferKindCount <= (1 << kKindBits));
constexpr std::uint64_t kMaxSpanLength = std::uint64_t{1} << (64 - kStateBits);
constexpr std::uint64_t kMaxTransferLength = std::uint64_t{1} << (64 - kKindBits);

// Smallest encoding of one item, which bounds how many items a section of
// n bytes can hold: name length + core + span count; gap + length; name
// length; five varints; name length + sample count; time + value.
constexpr std::size_t kMinWorkerBytes = 3;
constexpr std::size_t kMinSpanBytes = 2;
constexpr std::size_t kMinLineBytes = 1;
constexpr std::size_t kMinTransferBytes = 5;
constexpr std::size_t kMinCounterBytes = 2;
constexpr std::size_t kMinSampleBytes = 2;
constexpr std::size_t kMinUpgradeBytes = 3;
constexpr std::size_t kMinLockBytes = 1;
constexpr std::size_t kMinBufferedStoreBytes = 5;
constexpr std::size_t kMinViolationBytes = 4;
constexpr std::size_t kChecksumBytes = 8;

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t u) { return static_cast<std::int64_t>(u >> 1) ^ -static_cast<std::int64_t>(u & 1); }

// ---------------------------------------------------------------- writing

void put_varint(std::string& out, std::uint64_t v) {
  char buf[10];
  std::size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}

void put_string(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

void put_section(std::string& out, SectionId id, const std::string& payload) {
  out.push_back(static_cast<char>(id));
  put_varint(out, payload.size());
  out.append(payload);
}

using Problem = std::unexpected<std::string>;

// The lock a span names unless it says otherwise (version 3): none while
// running; otherwise the last lock the worker's spans named, starting from
// lock 0 when there are locks. A one-lock timeline (running spans on no
// lock, the others on lock 0) thus spends no byte on locks, and a recording
// only where the worker turns to another lock.
struct ImpliedLock {
  std::uint32_t current;
  explicit ImpliedLock(const Timeline& t) : current(t.locks.empty() ? kNoLock : 0) {}
  [[nodiscard]] std::uint32_t of(WorkerState state) const { return state == WorkerState::running ? kNoLock : current; }
  void saw(std::uint32_t lock) {
    if (lock != kNoLock) current = lock;
  }
};

std::expected<std::string, std::string> encode_workers(const Timeline& t) {
  std::size_t spans = 0;
  for (const TimelineWorker& w : t.workers) spans += w.spans.size();
  std::string out;
  out.reserve(t.workers.size() * 32 + spans * 6);
  put_varint(out, t.workers.size());
  for (std::size_t wi = 0; wi < t.workers.size(); ++wi) {
    const TimelineWorker& w = t.workers[wi];
    if (w.core >= t.cores) {
      return Problem(fmt::format("worker {} runs on core {}, but the machine has {} cores", wi, w.core, t.cores));
    }
    put_string(out, w.name);
    put_varint(out, w.core);
    put_varint(out, w.spans.size());
    std::uint64_t prev_end = 0;
    ImpliedLock implied(t);
    for (std::size_t si = 0; si < w.spans.size(); ++si) {
      const Span& s = w.spans[si];
      const auto state = static_cast<unsigned>(s.state);
      if (state >= static_cast<unsigned>(kWorkerStateCount)) {
        return Problem(fmt::format("worker {} span {} has no valid state ({})", wi, si, state));
      }
      if (s.start < prev_end) return Problem(fmt::format("worker {} span {} overlaps the span before it", wi, si));
      if (s.end < s.start) return Problem(fmt::format("worker {} span {} ends before it starts", wi, si));
      if (s.end - s.start >= kMaxSpanLength) return Problem(fmt::format("worker {} span {} is too long", wi, si));
      if (s.lock != kNoLock && s.lock >= t.locks.size()) {
        return Problem(
            fmt::format("worker {} span {} names lock {}, but there are {} locks", wi, si, s.lock, t.locks.size()));
      }
      put_varint(out, s.start - prev_end);
      if (s.lock == implied.of(s.state)) {
        put_varint(out, ((s.end - s.start) << kStateBits) | state);
      } else {
        put_varint(out, ((s.end - s.start) << kStateBits) | kExplicitLock);
        const std::uint64_t code = s.lock == kNoLock ? 0 : std::uint64_t{s.lock} + 1;
        put_varint(out, (code << kStateBits) | state);
      }
      implied.saw(s.lock);
      prev_end = s.end;
    }
  }
  return out;
}

std::expected<std::string, std::string> encode_transfers(const Timeline& t) {
  std::string out;
  out.reserve(t.transfers.size() * 9 + 10);
  put_varint(out, t.transfers.size());
  std::uint64_t prev_start = 0;
  for (std::size_t i = 0; i < t.transfers.size(); ++i) {
    const LineTransfer& x = t.transfers[i];
    const auto kind = static_cast<unsigned>(x.kind);
    if (kind >= static_cast<unsigned>(kTransferKindCount)) {
      return Problem(fmt::format("transfer {} has no valid kind ({})", i, kind));
    }
    if (x.start < prev_start) return Problem(fmt::format("transfer {} starts before the transfer before it", i));
    if (x.end < x.start) return Problem(fmt::format("transfer {} ends before it starts", i));
    if (x.end - x.start >= kMaxTransferLength) return Problem(fmt::format("transfer {} is too long", i));
    if (x.line >= t.lines.size()) {
      return Problem(fmt::format("transfer {} moves line {}, but there are {} lines", i, x.line, t.lines.size()));
    }
    if (x.from < -1 || (x.from >= 0 && static_cast<std::uint64_t>(x.from) >= t.cores) || x.to >= t.cores) {
      return Problem(fmt::format("transfer {} goes from core {} to core {}, but the machine has {} cores", i, x.from,
                                 x.to, t.cores));
    }
    put_varint(out, x.start - prev_start);
    put_varint(out, ((x.end - x.start) << kKindBits) | kind);
    put_varint(out, x.line);
    put_varint(out, static_cast<std::uint64_t>(static_cast<std::int64_t>(x.from) + 1));
    put_varint(out, x.to);
    prev_start = x.start;
  }
  return out;
}

std::expected<std::string, std::string> encode_counters(const Timeline& t) {
  std::size_t samples = 0;
  for (const TimelineCounter& c : t.counters) samples += c.samples.size();
  std::string out;
  out.reserve(t.counters.size() * 32 + samples * 4);
  put_varint(out, t.counters.size());
  for (std::size_t ci = 0; ci < t.counters.size(); ++ci) {
    const TimelineCounter& c = t.counters[ci];
    put_string(out, c.name);
    put_varint(out, c.samples.size());
    std::uint64_t prev_time = 0;
    std::uint64_t prev_value = 0;  // unsigned, so that deltas wrap instead of overflowing
    for (std::size_t si = 0; si < c.samples.size(); ++si) {
      const CounterSample& s = c.samples[si];
      if (s.time < prev_time)
        return Problem(fmt::format("counter {} sample {} is earlier than the one before it", ci, si));
      const auto value = static_cast<std::uint64_t>(s.value);
      put_varint(out, s.time - prev_time);
      put_varint(out, zigzag(static_cast<std::int64_t>(value - prev_value)));
      prev_time = s.time;
      prev_value = value;
    }
  }
  return out;
}

std::expected<std::string, std::string> encode_upgrades(const Timeline& t) {
  std::string out;
  out.reserve(t.upgrades.size() * 5 + 10);
  put_varint(out, t.upgrades.size());
  std::uint64_t prev_time = 0;
  for (std::size_t i = 0; i < t.upgrades.size(); ++i) {
    const LineUpgrade& u = t.upgrades[i];
    if (u.time < prev_time) return Problem(fmt::format("upgrade {} is earlier than the upgrade before it", i));
    if (u.line >= t.lines.size()) {
      return Problem(fmt::format("upgrade {} is of line {}, but there are {} lines", i, u.line, t.lines.size()));
    }
    if (u.core >= t.cores) {
      return Problem(fmt::format("upgrade {} is on core {}, but the machine has {} cores", i, u.core, t.cores));
    }
    put_varint(out, u.time - prev_time);
    put_varint(out, u.line);
    put_varint(out, u.core);
    prev_time = u.time;
  }
  return out;
}

std::expected<std::string, std::string> encode_buffered_stores(const Timeline& t) {
  std::string out;
  out.reserve(t.buffered_stores.size() * 7 + 10);
  put_varint(out, t.buffered_stores.size());
  std::uint64_t prev = 0;
  for (std::size_t i = 0; i < t.buffered_stores.size(); ++i) {
    const BufferedStoreRecord& b = t.buffered_stores[i];
    if (b.stored < prev) return Problem(fmt::format("buffered store {} is earlier than the one before it", i));
    if (b.visible != kNeverVisible && b.visible < b.stored) {
      return Problem(fmt::format("buffered store {} is visible before it is stored", i));
    }
    if (b.line >= t.lines.size()) {
      return Problem(fmt::format("buffered store {} is to line {}, but there are {} lines", i, b.line, t.lines.size()));
    }
    if (b.core >= t.cores) {
      return Problem(fmt::format("buffered store {} is on core {}, but the machine has {} cores", i, b.core, t.cores));
    }
    put_varint(out, b.stored - prev);
    put_varint(out, b.visible == kNeverVisible ? 0 : b.visible - b.stored + 1);
    put_varint(out, b.core);
    put_varint(out, b.line);
    put_varint(out, b.value);
    prev = b.stored;
  }
  return out;
}

std::expected<std::string, std::string> encode_violations(const Timeline& t) {
  std::string out;
  put_varint(out, t.violations.size());
  std::uint64_t prev = 0;
  for (std::size_t i = 0; i < t.violations.size(); ++i) {
    const ExclusionViolation& v = t.violations[i];
    if (v.time < prev) return Problem(fmt::format("violation {} is earlier than the one before it", i));
    if (v.lock >= t.locks.size()) {
      return Problem(fmt::format("violation {} is of lock {}, but there are {} locks", i, v.lock, t.locks.size()));
    }
    if (v.entering >= t.workers.size() || v.inside >= t.workers.size() || v.entering == v.inside) {
      return Problem(fmt::format("violation {} names workers {} and {}, but there are {} workers", i, v.entering,
                                 v.inside, t.workers.size()));
    }
    put_varint(out, v.time - prev);
    put_varint(out, v.lock);
    put_varint(out, v.entering);
    put_varint(out, v.inside);
    prev = v.time;
  }
  return out;
}

// ---------------------------------------------------------------- reading

// Decodes one file held in memory. Every read is bounded by the end of the
// current section (`limit_`); the first failure records a message and every
// caller returns false up the stack, so no partial result escapes.
class Decoder {
 public:
  explicit Decoder(std::string_view bytes, const DecodeProgress* progress = nullptr)
      : base_(reinterpret_cast<const unsigned char*>(bytes.data())),
        p_(base_),
        limit_(base_ + bytes.size()),
        end_(limit_),
        progress_(progress) {}

  bool decode(Timeline& t);
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  [[nodiscard]] std::size_t offset(const unsigned char* at) const { return static_cast<std::size_t>(at - base_); }
  [[nodiscard]] std::size_t left() const { return static_cast<std::size_t>(limit_ - p_); }

  bool fail(const unsigned char* at, std::string_view message) {
    error_ = fmt::format("offset {}: {}", offset(at), message);
    return false;
  }
  bool truncated() { return fail(limit_, fmt::format("truncated {} section", section_)); }
  // Reports progress (DecodeProgress); false when the listener cancelled.
  bool tick() {
    if (progress_ == nullptr || (*progress_)(offset(p_), offset(end_))) return true;
    return fail(p_, "cancelled");
  }

  bool varint(std::uint64_t& out) {
    if (p_ < limit_ && *p_ < 0x80) {
      out = *p_++;
      return true;
    }
    return varint_slow(out);
  }
  bool varint_slow(std::uint64_t& out);
  bool u32(std::uint32_t& out, const char* what);
  bool count(std::uint64_t& out, std::size_t min_item_bytes, const char* what);
  bool string(std::string& out);

  // Optional sections (ids 0x80 and above, from a later minor revision) may
  // precede any required section and follow the last.
  bool skip_optional_sections();
  // After the last required section: the optional sections this version
  // knows are read (each at most once), others skipped.
  bool trailing_optional_sections(Timeline& t);
  // Skips the optional section at p_ (its id, length and payload).
  bool skip_one_optional_section();
  bool buffered_stores(Timeline& t);
  bool violations(Timeline& t);
  bool section(SectionId id, const char* name, bool (Decoder::*payload)(Timeline&), Timeline& t);
  bool header(Timeline& t);
  bool locks(Timeline& t);
  bool workers(Timeline& t);
  bool explicit_lock(const Timeline& t, const unsigned char* at, ImpliedLock& implied, unsigned& state,
                     std::uint32_t& lock);
  bool lines(Timeline& t);
  bool transfers(Timeline& t);
  bool counters(Timeline& t);
  bool upgrades(Timeline& t);

  const unsigned char* base_;
  const unsigned char* p_;
  const unsigned char* limit_;  // end of the current section, or of the file between sections
  const unsigned char* end_;
  const char* section_ = "file";
  std::uint32_t version_ = 0;
  std::string error_;
  const DecodeProgress* progress_;
};

bool Decoder::varint_slow(std::uint64_t& out) {
  const unsigned char* start = p_;
  std::uint64_t v = 0;
  for (unsigned shift = 0;; shift += 7) {
    if (p_ == limit_) return truncated();
    const unsigned byte = *p_++;
    if (shift == 63 && byte > 1) return fail(start, "integer does not fit in 64 bits");
    v |= std::uint64_t{byte & 0x7fU} << shift;
    if (byte < 0x80) {
      // One value, one encoding: a trailing zero group is an overlong form.
      if (byte == 0 && shift != 0) return fail(start, "integer has a non-minimal encoding");
      out = v;
      return true;
    }
  }
}

bool Decoder::u32(std::uint32_t& out, const char* what) {
  const unsigned char* at = p_;
  std::uint64_t v = 0;
  if (!varint(v)) return false;
  if (v > std::numeric_limits<std::uint32_t>::max())
    return fail(at, fmt::format("{} {} does not fit in 32 bits", what, v));
  out = static_cast<std::uint32_t>(v);
  return true;
}

bool Decoder::count(std::uint64_t& out, std::size_t min_item_bytes, const char* what) {
  const unsigned char* at = p_;
  if (!varint(out)) return false;
  if (out > left() / min_item_bytes) {
    return fail(at, fmt::format("{} count {} exceeds what the {} bytes left in the {} section can hold", what, out,
                                left(), section_));
  }
  return true;
}

bool Decoder::string(std::string& out) {
  std::uint64_t n = 0;
  if (!varint(n)) return false;
  if (n > left()) return truncated();
  out.assign(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(n));
  p_ += n;
  return true;
}

bool Decoder::header(Timeline& t) {
  if (!string(t.lock) || !string(t.machine) || !u32(t.cores, "core count") || !varint(t.seed) || !string(t.origin) ||
      !varint(t.end_time)) {
    return false;
  }
  if (version_ < 3) return true;
  const unsigned char* at = p_;
  std::uint64_t source = 0;
  if (!varint(source)) return false;
  if (source > static_cast<std::uint64_t>(TimelineSource::measured)) {
    return fail(at, fmt::format("unknown timeline source {}", source));
  }
  t.source = static_cast<TimelineSource>(source);
  return true;
}

bool Decoder::locks(Timeline& t) {
  std::uint64_t n = 0;
  if (!count(n, kMinLockBytes, "lock")) return false;
  t.locks.resize(static_cast<std::size_t>(n));
  for (TimelineLock& lock : t.locks) {
    if (!string(lock.name)) return false;
  }
  return true;
}

bool Decoder::workers(Timeline& t) {
  std::uint64_t n = 0;
  if (!count(n, kMinWorkerBytes, "worker")) return false;
  t.workers.resize(static_cast<std::size_t>(n));
  for (std::size_t wi = 0; wi < t.workers.size(); ++wi) {
    TimelineWorker& w = t.workers[wi];
    if (!string(w.name)) return false;
    const unsigned char* core_at = p_;
    if (!u32(w.core, "core")) return false;
    if (w.core >= t.cores) {
      return fail(core_at, fmt::format("worker {} runs on core {}, but the machine has {} cores", wi, w.core, t.cores));
    }
    std::uint64_t spans = 0;
    if (!count(spans, kMinSpanBytes, "span")) return false;
    // Appended, not resized: no zero-fill pass over what is written anyway.
    w.spans.reserve(static_cast<std::size_t>(spans));
    std::uint64_t prev_end = 0;
    ImpliedLock implied(t);  // before version 3: lock 0 of the one lock, or none while running
    for (std::uint64_t si = 0; si < spans; ++si) {
      if ((si & 0xFFFF) == 0 && !tick()) return false;
      Span& s = w.spans.emplace_back();
      const unsigned char* at = p_;
      std::uint64_t gap = 0;
      std::uint64_t packed = 0;
      if (!varint(gap) || !varint(packed)) return false;
      auto state = static_cast<unsigned>(packed & ((1U << kStateBits) - 1));
      if (state < static_cast<unsigned>(kWorkerStateCount)) [[likely]] {
        s.lock = implied.of(static_cast<WorkerState>(state));
      } else if (state == kExplicitLock && version_ >= 3) {
        if (!explicit_lock(t, at, implied, state, s.lock)) return false;
      } else {
        return fail(at, fmt::format("bad span state {}", state));
      }
      const std::uint64_t length = packed >> kStateBits;
      s.start = prev_end + gap;
      s.end = s.start + length;
      // Unsigned sums wrap on overflow, so a wrapped sum is smaller than an addend.
      if (s.start < prev_end || s.end < s.start) return fail(at, "span time overflows 64 bits");
      s.state = static_cast<WorkerState>(state);
      prev_end = s.end;
    }
  }
  return true;
}

// A span whose lock is not the implied one (version 3): the varint
// `(lock + 1) << 3 | state` after its length; lock + 1 = 0 is no lock.
bool Decoder::explicit_lock(const Timeline& t, const unsigned char* at, ImpliedLock& implied, unsigned& state,
                            std::uint32_t& lock) {
  std::uint64_t packed = 0;
  if (!varint(packed)) return false;
  state = static_cast<unsigned>(packed & ((1U << kStateBits) - 1));
  if (state >= static_cast<unsigned>(kWorkerStateCount)) return fail(at, fmt::format("bad span state {}", state));
  const std::uint64_t code = packed >> kStateBits;
  if (code > t.locks.size()) {
    return fail(at, fmt::format("span names lock {}, but there are {} locks", code - 1, t.locks.size()));
  }
  lock = code == 0 ? kNoLock : static_cast<std::uint32_t>(code - 1);
  if (lock == implied.of(static_cast<WorkerState>(state))) {
    return fail(at, "span lock written out although implied (a non-minimal encoding)");
  }
  implied.saw(lock);
  return true;
}

bool Decoder::lines(Timeline& t) {
  std::uint64_t n = 0;
  if (!count(n, kMinLineBytes, "line")) return false;
  t.lines.resize(static_cast<std::size_t>(n));
  for (TimelineLine& line : t.lines) {
    if (!string(line.name)) return false;
  }
  return true;
}

bool Decoder::transfers(Timeline& t) {
  std::uint64_t n = 0;
  if (!count(n, kMinTransferBytes, "transfer")) return false;
  t.transfers.resize(static_cast<std::size_t>(n));
  std::uint64_t prev_start = 0;
  for (std::size_t i = 0; i < t.transfers.size(); ++i) {
    if ((i & 0xFFFF) == 0 && !tick()) return false;
    LineTransfer& x = t.transfers[i];
    const unsigned char* at = p_;
    std::uint64_t delta = 0;
    std::uint64_t packed = 0;
    std::uint64_t line = 0;
    std::uint64_t from = 0;
    std::uint64_t to = 0;
    if (!varint(delta) || !varint(packed) || !varint(line) || !varint(from) || !varint(to)) return false;
    const auto kind = static_cast<unsigned>(packed & ((1U << kKindBits) - 1));  // all four values are kinds
    x.start = prev_start + delta;
    x.end = x.start + (packed >> kKindBits);
    if (x.start < prev_start || x.end < x.start) return fail(at, fmt::format("transfer {} time overflows 64 bits", i));
    if (line >= t.lines.size()) {
      return fail(at, fmt::format("transfer {} moves line {}, but there are {} lines", i, line, t.lines.size()));
    }
    if (from > t.cores || to >= t.cores) {
      // from - 1 in unsigned arithmetic: memory (0) prints as -1, and a
      // `from` of 2^63 cannot overflow.
      return fail(at, fmt::format("transfer {} goes from core {} to core {}, but the machine has {} cores", i,
                                  static_cast<std::int64_t>(from - 1), to, t.cores));
    }
    if (from > std::uint64_t{std::numeric_limits<std::int32_t>::max()} + 1) {
      return fail(at, fmt::format("transfer {} comes from core {}, which does not fit in 31 bits", i, from - 1));
    }
    x.line = static_cast<std::uint32_t>(line);
    x.from = static_cast<std::int32_t>(static_cast<std::int64_t>(from) - 1);
    x.to = static_cast<std::uint32_t>(to);
    x.kind = static_cast<TransferKind>(kind);
    prev_start = x.start;
  }
  return true;
}

bool Decoder::counters(Timeline& t) {
  std::uint64_t n = 0;
  if (!count(n, kMinCounterBytes, "counter")) return false;
  t.counters.resize(static_cast<std::size_t>(n));
  for (TimelineCounter& c : t.counters) {
    if (!string(c.name)) return false;
    std::uint64_t samples = 0;
    if (!count(samples, kMinSampleBytes, "sample")) return false;
    c.samples.resize(static_cast<std::size_t>(samples));
    std::uint64_t time = 0;
    std::uint64_t value = 0;
    for (CounterSample& s : c.samples) {
      const unsigned char* at = p_;
      std::uint64_t dt = 0;
      std::uint64_t dv = 0;
      if (!varint(dt) || !varint(dv)) return false;
      if (time + dt < time) return fail(at, "sample time overflows 64 bits");
      time += dt;
      value += static_cast<std::uint64_t>(unzigzag(dv));
      s.time = time;
      s.value = static_cast<std::int64_t>(value);
    }
  }
  return true;
}

bool Decoder::upgrades(Timeline& t) {
  std::uint64_t n = 0;
  if (!count(n, kMinUpgradeBytes, "upgrade")) return false;
  t.upgrades.resize(static_cast<std::size_t>(n));
  std::uint64_t time = 0;
  for (std::size_t i = 0; i < t.upgrades.size(); ++i) {
    LineUpgrade& u = t.upgrades[i];
    const unsigned char* at = p_;
    std::uint64_t dt = 0;
    std::uint64_t line = 0;
    std::uint64_t core = 0;
    if (!varint(dt) || !varint(line) || !varint(core)) return false;
    if (time + dt < time) return fail(at, fmt::format("upgrade {} time overflows 64 bits", i));
    time += dt;
    if (line >= t.lines.size()) {
      return fail(at, fmt::format("upgrade {} is of line {}, but there are {} lines", i, line, t.lines.size()));
    }
    if (core >= t.cores) {
      return fail(at, fmt::format("upgrade {} is on core {}, but the machine has {} cores", i, core, t.cores));
    }
    u.time = time;
    u.line = static_cast<std::uint32_t>(line);
    u.core = static_cast<std::uint32_t>(core);
  }
  return true;
}

bool Decoder::buffered_stores(Timeline& t) {
  std::uint64_t n = 0;
  if (!count(n, kMinBufferedStoreBytes, "buffered store")) return false;
  t.buffered_stores.resize(static_cast<std::size_t>(n));
  std::uint64_t time = 0;
  for (std::size_t i = 0; i < t.buffered_stores.size(); ++i) {
    BufferedStoreRecord& b = t.buffered_stores[i];
    const unsigned char* at = p_;
    std::uint64_t dt = 0;
    std::uint64_t visible = 0;
    std::uint64_t core = 0;
    std::uint64_t line = 0;
    if (!varint(dt) || !varint(visible) || !varint(core) || !varint(line) || !varint(b.value)) return false;
    if (time + dt < time) return fail(at, fmt::format("buffered store {} time overflows 64 bits", i));
    time += dt;
    b.stored = time;
    if (visible == 0) {
      b.visible = kNeverVisible;
    } else {
      b.visible = time + (visible - 1);
      if (b.visible < time || b.visible == kNeverVisible) {
        return fail(at, fmt::format("buffered store {} time overflows 64 bits", i));
      }
    }
    if (core >= t.cores) {
      return fail(at, fmt::format("buffered store {} is on core {}, but the machine has {} cores", i, core, t.cores));
    }
    if (line >= t.lines.size()) {
      return fail(at, fmt::format("buffered store {} is to line {}, but there are {} lines", i, line, t.lines.size()));
    }
    b.core = static_cast<std::uint32_t>(core);
    b.line = static_cast<std::uint32_t>(line);
  }
  return true;
}

bool Decoder::violations(Timeline& t) {
  std::uint64_t n = 0;
  if (!count(n, kMinViolationBytes, "violation")) return false;
  t.violations.resize(static_cast<std::size_t>(n));
  std::uint64_t time = 0;
  for (std::size_t i = 0; i < t.violations.size(); ++i) {
    ExclusionViolation& v = t.violations[i];
    const unsigned char* at = p_;
    std::uint64_t dt = 0;
    std::uint64_t lock = 0;
    std::uint64_t entering = 0;
    std::uint64_t inside = 0;
    if (!varint(dt) || !varint(lock) || !varint(entering) || !varint(inside)) return false;
    if (time + dt < time) return fail(at, fmt::format("violation {} time overflows 64 bits", i));
    time += dt;
    if (lock >= t.locks.size()) {
      return fail(at, fmt::format("violation {} is of lock {}, but there are {} locks", i, lock, t.locks.size()));
    }
    if (entering >= t.workers.size() || inside >= t.workers.size() || entering == inside) {
      return fail(at, fmt::format("violation {} names workers {} and {}, but there are {} workers", i, entering,
                                  inside, t.workers.size()));
    }
    v.time = time;
    v.lock = static_cast<std::uint32_t>(lock);
    v.entering = static_cast<std::uint32_t>(entering);
    v.inside = static_cast<std::uint32_t>(inside);
  }
  return true;
}

bool Decoder::trailing_optional_sections(Timeline& t) {
  bool seen_stores = false;
  bool seen_violations = false;
  while (p_ != end_ && *p_ >= kFirstOptional) {
    const unsigned char* at = p_;
    const unsigned char id = *p_;
    if (id == kBufferedStores || id == kViolations) {
      bool& seen = id == kBufferedStores ? seen_stores : seen_violations;
      const char* name = id == kBufferedStores ? "buffered stores" : "violations";
      if (seen) return fail(at, fmt::format("a second {} section", name));
      seen = true;
      if (!section(static_cast<SectionId>(id), name,
                   id == kBufferedStores ? &Decoder::buffered_stores : &Decoder::violations, t)) {
        return false;
      }
      continue;
    }
    if (!skip_one_optional_section()) return false;
  }
  return true;
}

bool Decoder::skip_one_optional_section() {
  ++p_;
  section_ = "optional";
  std::uint64_t length = 0;
  if (!varint(length)) return false;
  if (length > left()) return truncated();
  p_ += length;
  section_ = "file";
  return true;
}

bool Decoder::skip_optional_sections() {
  while (p_ != end_ && *p_ >= kFirstOptional) {
    if (*p_ == kBufferedStores || *p_ == kViolations) {
      return fail(p_, fmt::format("section id {} must follow the required sections", +*p_));
    }
    if (!skip_one_optional_section()) return false;
  }
  return true;
}

bool Decoder::section(SectionId id, const char* name, bool (Decoder::*payload)(Timeline&), Timeline& t) {
  if (id < kFirstOptional && !skip_optional_sections()) return false;
  const unsigned char* at = p_;
  if (p_ == end_) return fail(at, fmt::format("truncated file: the {} section is missing", name));
  if (*p_ != id) return fail(at, fmt::format("expected the {} section (id {}), found id {}", name, +id, +*p_));
  ++p_;
  section_ = name;
  std::uint64_t length = 0;
  if (!varint(length)) return false;
  if (length > left()) {
    return fail(at, fmt::format("truncated {} section: {} bytes declared, {} left", name, length, left()));
  }
  limit_ = p_ + length;
  if (!tick() || !(this->*payload)(t)) return false;
  if (p_ != limit_) return fail(p_, fmt::format("{} unexpected bytes at the end of the {} section", left(), name));
  limit_ = end_;
  section_ = "file";
  return true;
}

bool Decoder::decode(Timeline& t) {
  const std::size_t size = offset(end_);
  if (size == 0) return fail(base_, "empty file");
  const std::size_t magic = std::min(size, kTimelineMagic.size());
  if (std::memcmp(base_, kTimelineMagic.data(), magic) != 0)
    return fail(base_, "not a lockscope timeline file (bad magic)");
  if (size < kTimelineMagic.size() + 4) return fail(end_, "truncated file header");
  p_ += kTimelineMagic.size();
  const std::uint32_t version =
      std::uint32_t{p_[0]} | std::uint32_t{p_[1]} << 8 | std::uint32_t{p_[2]} << 16 | std::uint32_t{p_[3]} << 24;
  if (version < Timeline::kOldestFormatVersion || version > Timeline::kFormatVersion) {
    return fail(p_, fmt::format("unsupported timeline format version {} (this build reads versions {} to {})", version,
                                Timeline::kOldestFormatVersion, Timeline::kFormatVersion));
  }
  p_ += 4;
  version_ = version;
  if (!section(kHeader, "header", &Decoder::header, t)) return false;
  if (version >= 3) {
    if (!section(kLocks, "locks", &Decoder::locks, t)) return false;
  } else {
    t.locks = {TimelineLock{t.lock}};  // one lock, which every non-running span is about
  }
  if (!section(kWorkers, "workers", &Decoder::workers, t) ||
      !section(kLines, "lines", &Decoder::lines, t) || !section(kTransfers, "transfers", &Decoder::transfers, t) ||
      !section(kCounters, "counters", &Decoder::counters, t) ||
      (version >= 2 && !section(kUpgrades, "upgrades", &Decoder::upgrades, t))) {
    return false;
  }
  if (!trailing_optional_sections(t)) return false;  // they may also follow the last required one
  if (p_ == end_) return fail(p_, "truncated file: the end marker is missing");
  if (*p_ != kEndMarker) return fail(p_, fmt::format("expected the end marker, found section id {}", +*p_));
  ++p_;
  if (static_cast<std::size_t>(end_ - p_) < kChecksumBytes) return fail(p_, "truncated file: the checksum is missing");
  std::uint64_t stored = 0;
  for (std::size_t i = 0; i < kChecksumBytes; ++i) stored |= std::uint64_t{p_[i]} << (8 * i);
  const std::uint64_t computed =
      fnv1a64(std::string_view(reinterpret_cast<const char*>(base_), static_cast<std::size_t>(p_ - base_)));
  if (stored != computed) {
    return fail(
        p_, fmt::format("checksum mismatch (stored {:016x}, computed {:016x}): the file is corrupt", stored, computed));
  }
  p_ += kChecksumBytes;
  if (p_ != end_) return fail(p_, fmt::format("{} unexpected bytes after the checksum", end_ - p_));
  return true;
}

ParseError binary_error(std::string_view file_name, std::string message) {
  return ParseError{std::string(file_name), 0, 0, std::move(message)};
}

}  // namespace

std::expected<std::string, std::string> encode_timeline(const Timeline& t) {
  auto workers = encode_workers(t);
  if (!workers) return Problem(workers.error());
  auto transfers = encode_transfers(t);
  if (!transfers) return Problem(transfers.error());
  auto counters = encode_counters(t);
  if (!counters) return Problem(counters.error());
  auto upgrades = encode_upgrades(t);
  if (!upgrades) return Problem(upgrades.error());
  auto stores = encode_buffered_stores(t);
  if (!stores) return Problem(stores.error());
  auto violations = encode_violations(t);
  if (!violations) return Problem(violations.error());

  std::string header;
  put_string(header, t.lock);
  put_string(header, t.machine);
  put_varint(header, t.cores);
  put_varint(header, t.seed);
  put_string(header, t.origin);
  put_varint(header, t.end_time);
  const auto source = static_cast<unsigned>(t.source);
  if (source > static_cast<unsigned>(TimelineSource::measured)) {
    return Problem(fmt::format("the timeline has no valid source ({})", source));
  }
  put_varint(header, source);

  std::string locks;
  put_varint(locks, t.locks.size());
  for (const TimelineLock& lock : t.locks) put_string(locks, lock.name);

  std::string lines;
  put_varint(lines, t.lines.size());
  for (const TimelineLine& line : t.lines) put_string(lines, line.name);

  std::string out;
  out.reserve(64 + header.size() + locks.size() + workers->size() + lines.size() + transfers->size() +
              counters->size() + upgrades->size() + stores->size() + violations->size());
  out.append(kTimelineMagic);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((Timeline::kFormatVersion >> (8 * i)) & 0xff));
  put_section(out, kHeader, header);
  put_section(out, kLocks, locks);
  put_section(out, kWorkers, *workers);
  put_section(out, kLines, lines);
  put_section(out, kTransfers, *transfers);
  put_section(out, kCounters, *counters);
  put_section(out, kUpgrades, *upgrades);
  // Only when there is something to say: a file without them is byte for
  // byte what this version wrote before they existed.
  if (!t.buffered_stores.empty()) put_section(out, kBufferedStores, *stores);
  if (!t.violations.empty()) put_section(out, kViolations, *violations);
  out.push_back(static_cast<char>(kEndMarker));
  const std::uint64_t sum = fnv1a64(out);
  for (std::size_t i = 0; i < kChecksumBytes; ++i) out.push_back(static_cast<char>((sum >> (8 * i)) & 0xff));
  return out;
}

void write_timeline(std::ostream& out, const Timeline& timeline) {
  const auto bytes = encode_timeline(timeline);
  if (!bytes) {
    std::fprintf(stderr, "lockscope: write_timeline: invalid timeline: %s\n", bytes.error().c_str());
    std::abort();
  }
  out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
}

std::expected<void, std::string> write_timeline_file(const std::filesystem::path& path, const Timeline& timeline) {
  const auto bytes = encode_timeline(timeline);
  if (!bytes)
    return std::unexpected(fmt::format("{}: not written: invalid timeline: {}", path.string(), bytes.error()));

  return write_file_atomically(path.string(), std::string_view(bytes->data(), bytes->size()));
}

std::expected<Timeline, ParseError> decode_timeline(std::string_view bytes, std::string_view file_name,
                                                   const DecodeProgress& progress) {
  Timeline t;
  Decoder d(bytes, progress ? &progress : nullptr);
  if (!d.decode(t)) return std::unexpected(binary_error(file_name, d.error()));
  if (progress) (void)progress(bytes.size(), bytes.size());
  return t;
}

std::expected<Timeline, ParseError> read_timeline(std::istream& in, std::string_view file_name) {
  std::string bytes;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    bytes.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (!in) break;
  }
  if (in.bad()) return std::unexpected(binary_error(file_name, "read error"));
  return decode_timeline(bytes, file_name);
}

std::expected<Timeline, ParseError> read_timeline_file(const std::filesystem::path& path,
                                                      const DecodeProgress& progress) {
  const std::string name = path.string();
  // A regular file is decoded straight from a mapping of it: no copy, and
  // the progress is the decoder's alone.
  if (const auto mapped = map_file(name)) return decode_timeline(mapped->bytes(), name, progress);
  ReadProgress reading;
  DecodeProgress decoding;
  if (progress) {
    reading = [&](std::size_t done, std::size_t total) { return progress(done, 2 * total); };
    decoding = [&](std::size_t done, std::size_t total) { return progress(total + done, 2 * total); };
  }
  const auto bytes = read_file(name, std::numeric_limits<std::size_t>::max(), reading);
  if (!bytes) return std::unexpected(bytes.error());
  return decode_timeline(*bytes, name, decoding);
}

}  // namespace lockscope::traces
