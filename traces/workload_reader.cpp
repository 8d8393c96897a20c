#include "traces/workload_reader.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <streambuf>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

namespace lockscope::traces {
namespace {

using std::size_t;
using std::uint64_t;

constexpr std::string_view kMagic = "lockscope-workload";
constexpr std::string_view kOriginPrefix = "# origin: ";
constexpr std::string_view kOpList = "rdlock, rdunlock, wrlock, wrunlock, hold, think, move, create, destroy";
constexpr std::string_view kOpList2 =
    "rdlock, rdunlock, wrlock, wrunlock, rdfail, wrfail, hold, think, move, create, destroy";

// ---------------------------------------------------------------------------
// Bytes: the stream buffer as it is, or inflated when it starts with gzip's
// magic 1f 8b. A corrupt or truncated gzip stream throws GzipError, which
// read_workload turns into a ParseError at the line being read.

struct GzipError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ByteSource {
 public:
  explicit ByteSource(std::streambuf* sb) : sb_(sb) {}
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;
  ~ByteSource() {
    if (gzip_) inflateEnd(&z_);
  }

  // Up to `cap` bytes of text into `dst`; 0 at the end.
  size_t read(char* dst, size_t cap) {
    if (!started_) {
      started_ = true;
      const size_t n = raw(dst, cap);
      if (n < 2 || static_cast<unsigned char>(dst[0]) != 0x1f || static_cast<unsigned char>(dst[1]) != 0x8b) return n;
      start_gzip(dst, n);
    }
    return gzip_ ? inflate_into(dst, cap) : raw(dst, cap);
  }

 private:
  static constexpr size_t kInput = size_t{1} << 16;
  static constexpr int kGzipWindow = 15 + 16;  // zlib: a gzip header and trailer, 32 KiB window

  size_t raw(char* dst, size_t cap) {
    if (sb_ == nullptr) return 0;
    const std::streamsize n = sb_->sgetn(dst, static_cast<std::streamsize>(cap));
    return n <= 0 ? 0 : static_cast<size_t>(n);
  }

  void start_gzip(const char* first, size_t n) {
    in_ = std::make_unique<unsigned char[]>(std::max(kInput, n));
    std::memcpy(in_.get(), first, n);
    if (inflateInit2(&z_, kGzipWindow) != Z_OK) throw GzipError("cannot start zlib's inflater");
    gzip_ = true;
    z_.next_in = in_.get();
    z_.avail_in = static_cast<uInt>(n);
  }

  bool refill() {
    if (input_done_) return false;
    const size_t n = raw(reinterpret_cast<char*>(in_.get()), kInput);
    if (n == 0) {
      input_done_ = true;
      return false;
    }
    z_.next_in = in_.get();
    z_.avail_in = static_cast<uInt>(n);
    return true;
  }

  size_t inflate_into(char* dst, size_t cap) {
    if (finished_) return 0;
    z_.next_out = reinterpret_cast<unsigned char*>(dst);
    z_.avail_out = static_cast<uInt>(cap);
    while (z_.avail_out == cap) {
      if (z_.avail_in == 0) refill();
      const int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        // gzip(1) reads concatenated members as one stream; anything else
        // after a member is an error (inflate rejects its "header").
        if (z_.avail_in == 0 && !refill()) {
          finished_ = true;
          break;
        }
        if (inflateReset(&z_) != Z_OK) throw GzipError("corrupt gzip stream (zlib cannot reset)");
        continue;
      }
      if (rc == Z_BUF_ERROR && z_.avail_in == 0 && input_done_) {
        throw GzipError("truncated gzip stream: the file ends inside the compressed data");
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        throw GzipError(fmt::format("corrupt gzip stream ({})", z_.msg != nullptr ? z_.msg : "zlib error"));
      }
    }
    return cap - z_.avail_out;
  }

  std::streambuf* sb_;
  bool started_ = false;
  bool gzip_ = false;
  bool input_done_ = false;
  bool finished_ = false;
  z_stream z_{};
  std::unique_ptr<unsigned char[]> in_;
};

// ---------------------------------------------------------------------------
// Lines: read the stream buffer in large chunks and cut at '\n'. A line that
// fits in the chunk is handed out as a view into it (the common case, no
// copy); one that straddles chunks is assembled in `carry_`.

struct Line {
  std::string_view text;  // without '\n' and without one trailing '\r'
  bool terminated = true;  // false for a last line with no '\n'
};

class LineSource {
 public:
  enum class Status : std::uint8_t { line, eof, too_long };

  explicit LineSource(ByteSource& bytes) : bytes_(bytes), buf_(std::make_unique<char[]>(kChunk)) {}

  Status next(Line& out) {
    carry_.clear();
    bool partial = false;
    for (;;) {
      if (pos_ == end_ && !fill()) {
        if (!partial) return Status::eof;
        out = {trim_cr(carry_), false};
        return Status::line;
      }
      const char* start = buf_.get() + pos_;
      const size_t avail = end_ - pos_;
      const auto* nl = static_cast<const char*>(std::memchr(start, '\n', avail));
      if (nl != nullptr) {
        const auto len = static_cast<size_t>(nl - start);
        pos_ += len + 1;
        if (!partial) {
          out = {trim_cr({start, len}), true};
        } else {
          if (carry_.size() + len > kMaxWorkloadLineBytes) return Status::too_long;
          carry_.append(start, len);
          out = {trim_cr(carry_), true};
        }
        return Status::line;
      }
      partial = true;
      if (carry_.size() + avail > kMaxWorkloadLineBytes) return Status::too_long;
      carry_.append(start, avail);
      pos_ = end_;
    }
  }

 private:
  static constexpr size_t kChunk = size_t{1} << 16;
  static_assert(kChunk <= kMaxWorkloadLineBytes, "a line inside one chunk is never too long");

  static std::string_view trim_cr(std::string_view s) {
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    return s;
  }

  bool fill() {
    if (eof_) return false;
    const size_t n = bytes_.read(buf_.get(), kChunk);
    if (n == 0) {
      eof_ = true;
      return false;
    }
    pos_ = 0;
    end_ = n;
    return true;
  }

  ByteSource& bytes_;
  std::unique_ptr<char[]> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  std::string carry_;
};

// ---------------------------------------------------------------------------
// Tokens: separated by spaces and tabs; '#' starts a comment anywhere.

struct Token {
  std::string_view text;
  size_t column = 0;  // 1-based byte column
};

struct Tokens {
  static constexpr size_t kMax = 7;  // the longest line (`worker I context C start NS`) has 6; one more shows an extra
  std::array<Token, kMax> t{};
  size_t n = 0;
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }

void tokenize(std::string_view line, Tokens& out) {
  out.n = 0;
  const size_t size = line.size();
  size_t i = 0;
  while (i < size && out.n < Tokens::kMax) {
    const char c = line[i];
    if (is_blank(c)) {
      ++i;
      continue;
    }
    if (c == '#') break;
    const size_t start = i;
    while (i < size && !is_blank(line[i]) && line[i] != '#') ++i;
    out.t[out.n++] = {line.substr(start, i - start), start + 1};
  }
}

// A token as it may appear in a one-line message: control and non-ASCII
// bytes escaped, long tokens cut.
std::string shown(std::string_view s) {
  constexpr size_t kShown = 40;
  std::string out = "`";
  for (size_t i = 0; i < s.size() && i < kShown; ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u < 0x20 || u >= 0x7f || u == '`') {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(u));
    } else {
      out.push_back(s[i]);
    }
  }
  if (s.size() > kShown) out += "...";
  out.push_back('`');
  return out;
}

// "created twice but never destroyed", for lifetime messages.
std::string counts(std::string_view verb, uint64_t n, std::string_view other_verb, uint64_t other) {
  auto said = [](std::string_view v, uint64_t k) {
    if (k == 0) return fmt::format("never {}", v);
    if (k == 1) return fmt::format("{} once", v);
    if (k == 2) return fmt::format("{} twice", v);
    return fmt::format("{} {} times", v, k);
  };
  return fmt::format("{} but {}", said(verb, n), said(other_verb, other));
}

// The escapes of the origin comment and of lock names (see
// workload_writer.cpp). Unknown escapes stay as written: the text may be
// hand-made.
std::string unescape(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char e = s[i + 1];
    if (e == '\\' || e == 'n' || e == 'r' || e == 't') {
      out.push_back(e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : '\\');
      ++i;
    } else if (e == 'x' && i + 3 < s.size() && hex(s[i + 2]) >= 0 && hex(s[i + 3]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 2]) * 16 + hex(s[i + 3])));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// `version2` adds the failed acquisitions.
std::optional<OpKind> op_kind(std::string_view s, bool version2) {
  switch (s.size()) {
    case 4:
      if (s == "hold") return OpKind::hold;
      if (s == "move") return OpKind::move;
      break;
    case 5:
      if (s == "think") return OpKind::think;
      break;
    case 6:
      if (s == "rdlock") return OpKind::read_acquire;
      if (s == "wrlock") return OpKind::write_acquire;
      if (s == "create") return OpKind::create_context;
      if (version2 && s == "rdfail") return OpKind::read_acquire_failed;
      if (version2 && s == "wrfail") return OpKind::write_acquire_failed;
      break;
    case 7:
      if (s == "destroy") return OpKind::destroy_context;
      break;
    case 8:
      if (s == "rdunlock") return OpKind::read_release;
      if (s == "wrunlock") return OpKind::write_release;
      break;
    default: break;
  }
  return std::nullopt;
}

bool is_lock_op(OpKind kind) {
  switch (kind) {
    case OpKind::read_acquire:
    case OpKind::read_release:
    case OpKind::write_acquire:
    case OpKind::write_release:
    case OpKind::read_acquire_failed:
    case OpKind::write_acquire_failed: return true;
    default: return false;
  }
}

// Lock ops that may carry `waited <ns>` (version 2).
bool may_wait(OpKind kind) {
  return kind == OpKind::read_acquire || kind == OpKind::write_acquire || kind == OpKind::read_acquire_failed ||
         kind == OpKind::write_acquire_failed;
}

bool is_read(OpKind kind) {
  return kind == OpKind::read_acquire || kind == OpKind::read_release || kind == OpKind::read_acquire_failed;
}

// What the value of each op means, for messages; empty for ops without one
// (in version 2, lock ops take a lock id, handled apart).
std::string_view value_name(OpKind kind) {
  switch (kind) {
    case OpKind::hold:
    case OpKind::think: return "a duration in nanoseconds";
    case OpKind::move:
    case OpKind::create_context:
    case OpKind::destroy_context: return "a context id";
    default: return {};
  }
}

// ---------------------------------------------------------------------------
// The parser: a header state machine, then per-worker lock state while the
// op lines stream past, then checks that need the whole file.

struct Where {
  size_t line = 0;
  size_t column = 0;
};

enum class Held : std::uint8_t { none, read, write };

// One lock a worker holds.
struct Holding {
  std::uint32_t lock = 0;
  Held mode = Held::none;
  Where acquired;  // of the op token that took it
};

struct WorkerState {
  // In acquisition order; version 1 holds at most one. Searched from the
  // back: programs mostly release the lock they took last.
  std::vector<Holding> held;
  uint64_t current_context = 0;  // follows the worker's own moves
};

// Per context id, what the ops say about its lifetime; judged at the end,
// because lines of different workers are in no particular time order.
struct ContextUse {
  uint64_t creates = 0;
  uint64_t destroys = 0;
  Where last_create;
  Where last_destroy;
  Where first_move;  // line 0: never the target of a move
};

class Parser {
 public:
  explicit Parser(std::string_view file) : file_(file) {}

  std::expected<WorkloadTrace, ParseError> run(LineSource& src) {
    Line line;
    for (;;) {
      const LineSource::Status status = src.next(line);
      if (status == LineSource::Status::eof) break;
      ++line_no_;
      const bool ok = status == LineSource::Status::too_long
                          ? error(0, fmt::format("line is longer than {} bytes", kMaxWorkloadLineBytes))
                          : on_line(line);
      if (!ok) return std::unexpected(std::move(*error_));
    }
    if (!at_end()) return std::unexpected(std::move(*error_));
    return std::move(trace_);
  }

  // The line reached so far, for errors raised outside the parser.
  [[nodiscard]] size_t line_no() const { return line_no_; }

 private:
  enum class Stage : std::uint8_t { magic, contexts, locks, lock_lines, workers, worker_lines, ops, after_end };

  // Records the error (on this line, or at `at`) and returns false, so that
  // every check reads `if (bad) return error(...)`.
  bool error(size_t column, std::string message) {
    error_ = ParseError{std::string(file_), line_no_, column, std::move(message)};
    return false;
  }
  bool error(Where at, std::string message) {
    error_ = ParseError{std::string(file_), at.line, at.column, std::move(message)};
    return false;
  }

  [[nodiscard]] bool v2() const { return version_ == 2; }

  bool on_line(const Line& line) {
    if (stage_ == Stage::magic) return on_magic_stage(line);
    if (origin_line_pending_) {
      origin_line_pending_ = false;
      if (line.text.starts_with(kOriginPrefix)) {
        if (!line.terminated) return truncated_mid_line();
        trace_.origin = unescape(line.text.substr(kOriginPrefix.size()));
        return true;
      }
    }
    tokenize(line.text, tok_);
    if (!line.terminated && stage_ != Stage::after_end) {
      // The stream stopped inside this line. Only the trailer can be the
      // last line, and it too needs its newline; say "truncated" rather
      // than whatever the cut token looks like.
      if (stage_ == Stage::ops && tok_.n != 0 && tok_.t[0].text == "end") return on_end(line);
      return truncated_mid_line();
    }
    if (tok_.n == 0) return true;
    switch (stage_) {
      case Stage::contexts: return on_contexts();
      case Stage::locks:
        if (tok_.t[0].text == "locks") return on_locks();
        return on_workers();
      case Stage::lock_lines: return on_lock_line();
      case Stage::workers: return on_workers();
      case Stage::worker_lines: return on_worker_line();
      case Stage::ops:
        if (tok_.t[0].text == "end") return on_end(line);
        return on_op();
      case Stage::after_end:
        return error(tok_.t[0].column, fmt::format("unexpected {} after the `end` trailer", shown(tok_.t[0].text)));
      case Stage::magic: break;
    }
    return true;
  }

  bool truncated_mid_line() {
    return error(0, "truncated: the file stops inside this line (no newline) before the `end <op count>` trailer");
  }

  // -- header ---------------------------------------------------------------

  bool on_magic_stage(const Line& line) {
    tokenize(line.text, tok_);
    if (tok_.n == 0) return true;
    const Token& first = tok_.t[0];
    if (first.text != kMagic) {
      return error(first.column, fmt::format("not a lockscope workload trace: expected `{} {}`, got {}", kMagic,
                                             WorkloadTrace::kFormatVersion, shown(first.text)));
    }
    if (tok_.n < 2) {
      return error(first.column, fmt::format("`{}` needs a version: `{} {}`", kMagic, kMagic,
                                             WorkloadTrace::kFormatVersion));
    }
    const Token& version = tok_.t[1];
    uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(version.text.data(), version.text.data() + version.text.size(), v);
    if (ec != std::errc{} || ptr != version.text.data() + version.text.size() ||
        v < WorkloadTrace::kOldestFormatVersion || v > WorkloadTrace::kFormatVersion) {
      return error(version.column, fmt::format("unsupported workload format version {}; this lockscope reads "
                                               "versions {} to {}",
                                               shown(version.text), WorkloadTrace::kOldestFormatVersion,
                                               WorkloadTrace::kFormatVersion));
    }
    if (!no_extra(2)) return false;
    if (!line.terminated) return truncated_mid_line();
    version_ = static_cast<std::uint32_t>(v);
    stage_ = Stage::contexts;
    origin_line_pending_ = true;
    return true;
  }

  // `<keyword> <number>` with the number at most `max`.
  bool keyword_number(std::string_view keyword, std::string_view what, uint64_t max, uint64_t& value) {
    const Token& first = tok_.t[0];
    if (first.text != keyword) {
      return error(first.column, fmt::format("expected `{} <count>`, got {}", keyword, shown(first.text)));
    }
    if (tok_.n < 2) return error(first.column, fmt::format("`{}` needs {}", keyword, what));
    if (!number(tok_.t[1], what, value)) return false;
    if (value > max) {
      return error(tok_.t[1].column, fmt::format("`{} {}` is above the limit of {}", keyword, value, max));
    }
    return no_extra(2);
  }

  bool on_contexts() {
    uint64_t n = 0;
    if (!keyword_number("contexts", "a context count", kMaxWorkloadContexts, n)) return false;
    trace_.initial_contexts = static_cast<std::uint32_t>(n);
    stage_ = v2() ? Stage::locks : Stage::workers;
    return true;
  }

  // Version 2: `locks N`, optional (without it the trace has version 1's
  // single rwlock, id 0).
  bool on_locks() {
    uint64_t n = 0;
    if (!keyword_number("locks", "a lock count", kMaxWorkloadLocks, n)) return false;
    if (n == 0) {
      return error(tok_.t[1].column, "`locks 0`: declare at least one lock, or leave the line out for a single "
                                     "rwlock (lock 0)");
    }
    declared_locks_ = static_cast<size_t>(n);
    stage_ = Stage::lock_lines;
    return true;
  }

  // `lock I rwlock|mutex [NAME]`, I going 0, 1, ... in order.
  bool on_lock_line() {
    const Token& first = tok_.t[0];
    const std::string expected = fmt::format("lock {} rwlock|mutex <name>", next_lock_);
    if (first.text != "lock") return error(first.column, fmt::format("expected `{}`, got {}", expected, shown(first.text)));
    if (tok_.n < 2) return error(first.column, fmt::format("expected `{}`", expected));
    uint64_t id = 0;
    if (!number(tok_.t[1], "a lock id", id)) return false;
    if (id != next_lock_) {
      return error(tok_.t[1].column, fmt::format("expected lock {} (lock lines go in order 0..{}), got {}", next_lock_,
                                                 declared_locks_ - 1, id));
    }
    if (tok_.n < 3) return error(tok_.t[1].column, fmt::format("`lock {}` needs a kind: rwlock or mutex", id));
    LockDecl decl;
    const Token& kind = tok_.t[2];
    if (kind.text == "rwlock") {
      decl.kind = LockKind::rwlock;
    } else if (kind.text == "mutex") {
      decl.kind = LockKind::mutex;
    } else {
      return error(kind.column, fmt::format("unknown lock kind {} (kinds are rwlock, mutex)", shown(kind.text)));
    }
    if (tok_.n > 3) decl.name = unescape(tok_.t[3].text);
    if (tok_.n > 4) {
      return error(tok_.t[4].column, fmt::format("unexpected {} after the lock's name (a name is one token: write a "
                                                 "space as \\x20)",
                                                 shown(tok_.t[4].text)));
    }
    trace_.locks.push_back(std::move(decl));
    if (++next_lock_ == declared_locks_) stage_ = Stage::workers;
    return true;
  }

  bool on_workers() {
    if (stage_ == Stage::locks && tok_.t[0].text != "workers") {
      return error(tok_.t[0].column,
                   fmt::format("expected `locks <count>` or `workers <count>`, got {}", shown(tok_.t[0].text)));
    }
    uint64_t m = 0;
    if (!keyword_number("workers", "a worker count", kMaxWorkloadWorkers, m)) return false;
    // Storage grows with the worker lines actually read, so a short file
    // that declares a million workers costs nothing.
    declared_workers_ = static_cast<size_t>(m);
    stage_ = m == 0 ? Stage::ops : Stage::worker_lines;
    return true;
  }

  bool on_worker_line() {
    const Token& first = tok_.t[0];
    const std::string expected = fmt::format("worker {} context <id>", next_worker_);
    if (first.text != "worker") {
      return error(first.column, fmt::format("expected `{}`, got {}", expected, shown(first.text)));
    }
    if (tok_.n < 2) return error(first.column, fmt::format("expected `{}`", expected));
    uint64_t id = 0;
    if (!number(tok_.t[1], "a worker id", id)) return false;
    if (id != next_worker_) {
      return error(tok_.t[1].column, fmt::format("expected worker {} (worker lines go in order 0..{}), got {}",
                                                 next_worker_, declared_workers_ - 1, id));
    }
    if (tok_.n < 3 || tok_.t[2].text != "context") {
      return error(tok_.n < 3 ? first.column : tok_.t[2].column, fmt::format("expected `{}`", expected));
    }
    if (tok_.n < 4) return error(tok_.t[2].column, "`context` needs a context id");
    uint64_t ctx = 0;
    if (!number(tok_.t[3], "a context id", ctx)) return false;
    if (ctx >= trace_.initial_contexts) {
      return error(tok_.t[3].column, fmt::format("worker {} starts in context {}, which does not exist at the "
                                                 "start ({})",
                                                 id, ctx, initial_range()));
    }
    uint64_t start = 0;
    if (v2() && tok_.n > 4) {
      if (tok_.t[4].text != "start") {
        return error(tok_.t[4].column, fmt::format("expected `start <ns>` or the end of the line, got {}",
                                                   shown(tok_.t[4].text)));
      }
      if (tok_.n < 6) return error(tok_.t[4].column, "`start` needs a time in nanoseconds");
      if (!number(tok_.t[5], "a time in nanoseconds", start)) return false;
      if (!no_extra(6)) return false;
    } else if (!no_extra(4)) {
      return false;
    }
    WorkerPlan plan;
    plan.initial_context = static_cast<std::uint32_t>(ctx);
    plan.start_ns = start;
    trace_.workers.push_back(std::move(plan));
    states_.push_back(WorkerState{{}, ctx});
    if (++next_worker_ == declared_workers_) stage_ = Stage::ops;
    return true;
  }

  [[nodiscard]] std::string initial_range() const {
    if (trace_.initial_contexts == 0) return "the header declares no contexts";
    return fmt::format("initial contexts are 0..{}", trace_.initial_contexts - 1);
  }

  // -- ops ------------------------------------------------------------------

  bool on_op() {
    const Token& wtok = tok_.t[0];
    uint64_t w = 0;
    const char* begin = wtok.text.data();
    const char* end = begin + wtok.text.size();
    const auto [ptr, ec] = std::from_chars(begin, end, w);
    if (ptr != end || ec == std::errc::invalid_argument) {
      if (wtok.text.size() > 1 && wtok.text[0] == '-') {
        return error(wtok.column, fmt::format("unknown worker {} (worker ids are not negative)", shown(wtok.text)));
      }
      return error(wtok.column, fmt::format("expected a worker id or `end`, got {}", shown(wtok.text)));
    }
    if (ec != std::errc{} || w >= trace_.workers.size()) {
      if (trace_.workers.empty()) {
        return error(wtok.column, fmt::format("unknown worker {} (the header declares no workers)", shown(wtok.text)));
      }
      return error(wtok.column, fmt::format("unknown worker {} (workers are 0..{})", shown(wtok.text),
                                            trace_.workers.size() - 1));
    }
    const std::string_view ops = v2() ? kOpList2 : kOpList;
    if (tok_.n < 2) return error(wtok.column, fmt::format("worker {} needs an op ({})", w, ops));
    const Token& otok = tok_.t[1];
    const std::optional<OpKind> kind = op_kind(otok.text, v2());
    if (!kind) return error(otok.column, fmt::format("unknown op {} (ops are {})", shown(otok.text), ops));

    Op op{*kind, 0};
    if (v2() && is_lock_op(*kind)) {
      if (!lock_operands(otok, op)) return false;
    } else {
      const std::string_view what = value_name(*kind);
      if (what.empty()) {
        if (tok_.n > 2) {
          return error(tok_.t[2].column,
                       fmt::format("unexpected {}: `{}` takes no value", shown(tok_.t[2].text), otok.text));
        }
      } else {
        if (tok_.n < 3) return error(otok.column, fmt::format("`{}` needs {}", otok.text, what));
        if (!number(tok_.t[2], what, op.value)) return false;
        if (!no_extra(3)) return false;
      }
    }

    const auto wi = static_cast<size_t>(w);
    if (!check_op(wi, op, otok)) return false;
    trace_.workers[wi].ops.push_back(op);
    ++op_total_;
    return true;
  }

  // Version 2: `<op> <lock> [waited <ns>]`.
  bool lock_operands(const Token& otok, Op& op) {
    if (tok_.n < 3) return error(otok.column, fmt::format("`{}` needs a lock id", otok.text));
    const Token& ltok = tok_.t[2];
    uint64_t lock = 0;
    if (!number(ltok, "a lock id", lock)) return false;
    if (lock >= lock_count()) {
      if (trace_.locks.empty()) {
        return error(ltok.column, fmt::format("unknown lock {} (the trace declares no locks: its one rwlock is lock 0)",
                                              lock));
      }
      return error(ltok.column, fmt::format("unknown lock {} (locks are 0..{})", lock, lock_count() - 1));
    }
    op.lock = static_cast<std::uint32_t>(lock);
    if (tok_.n == 3) return true;
    const Token& wtok = tok_.t[3];
    if (!may_wait(op.kind)) {
      return error(wtok.column, fmt::format("unexpected {}: `{}` takes only a lock id", shown(wtok.text), otok.text));
    }
    if (wtok.text != "waited") {
      return error(wtok.column, fmt::format("expected `waited <ns>` or the end of the line, got {}", shown(wtok.text)));
    }
    if (tok_.n < 5) return error(wtok.column, "`waited` needs a duration in nanoseconds");
    if (!number(tok_.t[4], "a duration in nanoseconds", op.value)) return false;
    if (op.kind == OpKind::read_acquire || op.kind == OpKind::write_acquire) op.flags = kOpObserved;
    return no_extra(5);
  }

  [[nodiscard]] uint64_t lock_count() const { return trace_.locks.empty() ? 1 : trace_.locks.size(); }

  bool check_op(size_t w, const Op& op, const Token& otok) {
    WorkerState& s = states_[w];
    switch (op.kind) {
      case OpKind::read_acquire:
      case OpKind::write_acquire:
      case OpKind::read_acquire_failed:
      case OpKind::write_acquire_failed: return v2() ? acquire_v2(w, s, op, otok) : acquire_v1(w, s, op, otok);
      case OpKind::read_release:
      case OpKind::write_release: return v2() ? release_v2(w, s, op, otok) : release_v1(w, s, op, otok);
      case OpKind::hold:
        if (s.held.empty()) {
          return error(otok.column, fmt::format("`hold` outside a critical section: worker {} holds no lock (busy "
                                                "time outside a lock is `think`)",
                                                w));
        }
        return true;
      case OpKind::think:
        if (!s.held.empty()) {
          return error(otok.column, fmt::format("`think` inside a critical section: worker {} holds {} (busy time "
                                                "under a lock is `hold`)",
                                                w, holding_phrase(s.held.back())));
        }
        return true;
      case OpKind::move:
      case OpKind::create_context:
      case OpKind::destroy_context: return check_context_op(w, s, op);
    }
    return true;
  }

  bool acquire_v1(size_t w, WorkerState& s, const Op& op, const Token& otok) {
    if (!s.held.empty()) {
      return error(otok.column, fmt::format("worker {} already holds the {} taken at line {}; a worker holds at "
                                            "most one lock at a time",
                                            w, held_name(s.held.back().mode), s.held.back().acquired.line));
    }
    s.held.push_back(Holding{0, op.kind == OpKind::read_acquire ? Held::read : Held::write, {line_no_, otok.column}});
    return true;
  }

  bool release_v1(size_t w, WorkerState& s, const Op& op, const Token& otok) {
    const Held want = op.kind == OpKind::read_release ? Held::read : Held::write;
    if (s.held.empty()) {
      return error(otok.column,
                   fmt::format("`{}` without the {}: worker {} holds no lock", otok.text, held_name(want), w));
    }
    if (s.held.back().mode != want) {
      return error(otok.column, fmt::format("`{}` while worker {} holds the {} taken at line {}", otok.text, w,
                                            held_name(s.held.back().mode), s.held.back().acquired.line));
    }
    s.held.pop_back();
    return true;
  }

  // The worker's holding of `lock`, or null.
  static const Holding* find(const WorkerState& s, std::uint32_t lock) {
    for (auto it = s.held.rbegin(); it != s.held.rend(); ++it) {
      if (it->lock == lock) return &*it;
    }
    return nullptr;
  }

  bool acquire_v2(size_t w, WorkerState& s, const Op& op, const Token& otok) {
    if (is_read(op.kind) && trace_.lock_kind(op.lock) == LockKind::mutex) return mutex_read(op, otok);
    if (const Holding* h = find(s, op.lock)) {
      return error(otok.column, fmt::format("`{}` of {}, which worker {} already holds for {} (taken at line {}); a "
                                            "worker never re-acquires a lock it holds, not even by a try (a "
                                            "recording collapses recursive acquisitions)",
                                            otok.text, lock_name(op.lock), w, mode_name(h->mode), h->acquired.line));
    }
    if (op.kind == OpKind::read_acquire_failed || op.kind == OpKind::write_acquire_failed) return true;
    if (s.held.size() == kMaxWorkloadHeldLocks) {
      return error(otok.column, fmt::format("worker {} would hold more than {} locks at once", w,
                                            kMaxWorkloadHeldLocks));
    }
    s.held.push_back(
        Holding{op.lock, op.kind == OpKind::read_acquire ? Held::read : Held::write, {line_no_, otok.column}});
    return true;
  }

  bool release_v2(size_t w, WorkerState& s, const Op& op, const Token& otok) {
    const Held want = op.kind == OpKind::read_release ? Held::read : Held::write;
    if (want == Held::read && trace_.lock_kind(op.lock) == LockKind::mutex) return mutex_read(op, otok);
    const Holding* h = find(s, op.lock);
    if (h == nullptr) {
      return error(otok.column, fmt::format("`{}` of {}, which worker {} does not hold", otok.text,
                                            lock_name(op.lock), w));
    }
    if (h->mode != want) {
      return error(otok.column, fmt::format("`{}` of {}, which worker {} holds for {} (taken at line {})", otok.text,
                                            lock_name(op.lock), w, mode_name(h->mode), h->acquired.line));
    }
    s.held.erase(s.held.begin() + (h - s.held.data()));
    return true;
  }

  bool mutex_read(const Op& op, const Token& otok) {
    return error(otok.column, fmt::format("`{}` of {}, a mutex: a mutex is taken with `wrlock` (or `wrfail`) and "
                                          "released with `wrunlock`",
                                          otok.text, lock_name(op.lock)));
  }

  bool check_context_op(size_t w, WorkerState& s, const Op& op) {
    const Token& vtok = tok_.t[2];
    if (op.value >= kMaxWorkloadContexts) {
      return error(vtok.column, fmt::format("context id {} is above the limit {}", op.value, kMaxWorkloadContexts - 1));
    }
    ContextUse& c = contexts_[static_cast<std::uint32_t>(op.value)];
    const Where at{line_no_, vtok.column};
    if (op.kind == OpKind::move) {
      if (c.first_move.line == 0) c.first_move = at;
      s.current_context = op.value;
    } else if (op.kind == OpKind::create_context) {
      ++c.creates;
      c.last_create = at;
    } else {
      if (op.value == s.current_context) {
        return error(vtok.column, fmt::format("worker {} destroys context {}, which it runs in (move "
                                              "elsewhere first)",
                                              w, op.value));
      }
      ++c.destroys;
      c.last_destroy = at;
    }
    return true;
  }

  static std::string_view held_name(Held h) {
    return h == Held::read ? "read lock" : h == Held::write ? "write lock" : "no lock";
  }
  static std::string_view mode_name(Held h) { return h == Held::read ? "read" : "write"; }

  // "lock 1 (`stats`)", or "lock 1" when the lock has no name.
  [[nodiscard]] std::string lock_name(std::uint32_t lock) const {
    if (lock < trace_.locks.size() && !trace_.locks[lock].name.empty()) {
      return fmt::format("lock {} ({})", lock, shown(trace_.locks[lock].name));
    }
    return fmt::format("lock {}", lock);
  }

  // Version 1: "the read lock taken at line 7"; version 2: "lock 1
  // (`stats`) for read, taken at line 7".
  [[nodiscard]] std::string holding_phrase(const Holding& h) const {
    if (!v2()) return fmt::format("the {} taken at line {}", held_name(h.mode), h.acquired.line);
    return fmt::format("{} for {}, taken at line {}", lock_name(h.lock), mode_name(h.mode), h.acquired.line);
  }

  // -- trailer and end of file ----------------------------------------------

  bool on_end(const Line& line) {
    const Token& first = tok_.t[0];
    if (!line.terminated) {
      return error(first.column, "truncated: the `end` line has no newline, so the file may be cut short");
    }
    if (tok_.n < 2) return error(first.column, "`end` needs the op count: `end <op count>`");
    uint64_t count = 0;
    if (!number(tok_.t[1], "an op count", count)) return false;
    if (count > op_total_) {
      return error(tok_.t[1].column,
                   fmt::format("truncated: `end` announces {} ops but the file holds {}", count, op_total_));
    }
    if (count < op_total_) {
      return error(tok_.t[1].column,
                   fmt::format("op count mismatch: `end` announces {} ops but the file holds {}", count, op_total_));
    }
    if (!no_extra(2)) return false;
    stage_ = Stage::after_end;
    return true;
  }

  bool at_end() {
    if (stage_ != Stage::after_end) {
      if (line_no_ == 0) {
        return error(Where{}, fmt::format("empty file: expected `{} {}`", kMagic, WorkloadTrace::kFormatVersion));
      }
      return error(0, fmt::format("truncated: the file ends before {}", expected_next()));
    }
    for (size_t w = 0; w < states_.size(); ++w) {
      const WorkerState& s = states_[w];
      if (!s.held.empty()) {
        // The outermost lock: the one held longest.
        const Holding& h = s.held.front();
        return error(h.acquired,
                     fmt::format("truncated or unbalanced: worker {} still holds {}", w, holding_phrase(h)));
      }
    }
    // In id order, so that the error reported does not depend on hashing.
    std::vector<std::uint32_t> ids;
    ids.reserve(contexts_.size());
    for (const auto& entry : contexts_) ids.push_back(entry.first);
    std::sort(ids.begin(), ids.end());
    for (const std::uint32_t id : ids) {
      if (!check_lifetime(id, contexts_.at(id))) return false;
    }
    return true;
  }

  // In any replay order, the creations and destructions of one context
  // alternate: an initial context starts alive (destroy, create, destroy,
  // ...), any other starts absent (create, destroy, create, ...).
  bool check_lifetime(std::uint32_t id, const ContextUse& c) {
    if (id < trace_.initial_contexts) {
      if (c.creates > c.destroys) {
        if (c.destroys == 0) {
          return error(c.last_create, fmt::format("create of context {}, which exists from the start ({}) and "
                                                  "no worker destroys",
                                                  id, initial_range()));
        }
        return error(c.last_create, fmt::format("context {} exists from the start and is {}; it must be "
                                                "destroyed before each re-creation",
                                                id, counts("created", c.creates, "destroyed", c.destroys)));
      }
      if (c.destroys > c.creates + 1) {
        return error(c.last_destroy, fmt::format("context {} exists from the start and is {}; it must be "
                                                 "re-created before each further destruction",
                                                 id, counts("destroyed", c.destroys, "created", c.creates)));
      }
      return true;
    }
    if (c.destroys > c.creates) {
      if (c.creates == 0) {
        return error(c.last_destroy, fmt::format("destroy of context {}, which is not an initial context ({}) and "
                                                 "no worker creates",
                                                 id, initial_range()));
      }
      return error(c.last_destroy, fmt::format("context {} is {}; it must be created before each destruction", id,
                                               counts("destroyed", c.destroys, "created", c.creates)));
    }
    if (c.creates > c.destroys + 1) {
      return error(c.last_create, fmt::format("context {} is {}; it must be destroyed before each re-creation", id,
                                              counts("created", c.creates, "destroyed", c.destroys)));
    }
    if (c.creates == 0 && c.first_move.line != 0) {
      return error(c.first_move, fmt::format("move to context {}, which is not an initial context ({}) and no "
                                             "worker creates",
                                             id, initial_range()));
    }
    return true;
  }

  [[nodiscard]] std::string expected_next() const {
    switch (stage_) {
      case Stage::magic: return fmt::format("`{} {}`", kMagic, WorkloadTrace::kFormatVersion);
      case Stage::contexts: return "`contexts <count>`";
      case Stage::locks: return "`locks <count>` or `workers <count>`";
      case Stage::lock_lines: return fmt::format("`lock {} rwlock|mutex <name>`", next_lock_);
      case Stage::workers: return "`workers <count>`";
      case Stage::worker_lines: return fmt::format("`worker {} context <id>`", next_worker_);
      case Stage::ops:
      case Stage::after_end: break;
    }
    return "the `end <op count>` trailer";
  }

  // -- numbers --------------------------------------------------------------

  bool number(const Token& tok, std::string_view what, uint64_t& value) {
    const char* begin = tok.text.data();
    const char* end = begin + tok.text.size();
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc::result_out_of_range && ptr == end) {
      return error(tok.column, fmt::format("{} is out of range for {} (at most {})", shown(tok.text), what,
                                           std::numeric_limits<uint64_t>::max()));
    }
    if (ec != std::errc{} || ptr != end) {
      if (tok.text.size() > 1 && tok.text[0] == '-' && tok.text[1] >= '0' && tok.text[1] <= '9') {
        return error(tok.column, fmt::format("{} is negative; expected {}", shown(tok.text), what));
      }
      return error(tok.column, fmt::format("expected {} (a decimal number), got {}", what, shown(tok.text)));
    }
    return true;
  }

  // No token after the first `used` ones.
  bool no_extra(size_t used) {
    if (tok_.n <= used) return true;
    return error(tok_.t[used].column, fmt::format("unexpected {} at the end of the line", shown(tok_.t[used].text)));
  }

  std::string_view file_;
  WorkloadTrace trace_;
  std::optional<ParseError> error_;
  Stage stage_ = Stage::magic;
  std::uint32_t version_ = 0;
  bool origin_line_pending_ = false;
  size_t line_no_ = 0;
  size_t declared_locks_ = 0;
  size_t next_lock_ = 0;
  size_t declared_workers_ = 0;
  size_t next_worker_ = 0;
  uint64_t op_total_ = 0;
  Tokens tok_;
  std::vector<WorkerState> states_;
  // Only the ids that ops name; few in practice, up to a million in theory.
  std::unordered_map<std::uint32_t, ContextUse> contexts_;
};

}  // namespace

std::expected<WorkloadTrace, ParseError> read_workload(std::istream& in, std::string_view file_name) {
  Parser parser(file_name);
  try {
    ByteSource bytes(in.rdbuf());
    LineSource src(bytes);
    return parser.run(src);
  } catch (const GzipError& e) {
    // At the line being read when the compressed data went wrong.
    return std::unexpected(ParseError{std::string(file_name), parser.line_no() + 1, 0, e.what()});
  } catch (const std::bad_alloc&) {
    return std::unexpected(ParseError{std::string(file_name), parser.line_no(), 0, "out of memory reading the trace"});
  } catch (const std::exception& e) {
    // A stream buffer may throw on a read error.
    return std::unexpected(
        ParseError{std::string(file_name), parser.line_no(), 0, fmt::format("read error: {}", e.what())});
  }
}

std::expected<WorkloadTrace, ParseError> read_workload_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return std::unexpected(ParseError{path, 0, 0, "cannot open: it is a directory"});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::unexpected(ParseError{path, 0, 0, fmt::format("cannot open: {}", std::strerror(errno))});
  }
  return read_workload(in, path);
}

}  // namespace lockscope::traces
