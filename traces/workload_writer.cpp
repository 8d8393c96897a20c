#include "traces/workload_writer.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <string_view>

#include "traces/atomic_output.hpp"

namespace lockscope::traces {
namespace {

std::string_view op_name(OpKind kind) {
  switch (kind) {
    case OpKind::read_acquire: return "rdlock";
    case OpKind::read_release: return "rdunlock";
    case OpKind::write_acquire: return "wrlock";
    case OpKind::write_release: return "wrunlock";
    case OpKind::hold: return "hold";
    case OpKind::think: return "think";
    case OpKind::move: return "move";
    case OpKind::create_context: return "create";
    case OpKind::destroy_context: return "destroy";
    case OpKind::read_acquire_failed: return "rdfail";
    case OpKind::write_acquire_failed: return "wrfail";
  }
  // Only a value cast from outside the enumerators gets here.
  std::fputs("lockscope: write_workload: invalid OpKind\n", stderr);
  std::abort();
}

bool takes_value(OpKind kind) {
  return kind == OpKind::hold || kind == OpKind::think || kind == OpKind::move ||
         kind == OpKind::create_context || kind == OpKind::destroy_context;
}

bool is_lock_op(OpKind kind) {
  return kind == OpKind::read_acquire || kind == OpKind::read_release || kind == OpKind::write_acquire ||
         kind == OpKind::write_release || kind == OpKind::read_acquire_failed ||
         kind == OpKind::write_acquire_failed;
}

// Formats into a fixed buffer and hands full buffers to `Sink`, so writing
// ten million ops costs no allocation.
template <class Sink>
class Emitter {
 public:
  explicit Emitter(Sink sink) : sink_(sink) {}
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;
  ~Emitter() { flush(); }

  void put(std::string_view s) {
    while (!s.empty()) {
      if (used_ == buf_.size()) flush();
      const std::size_t n = std::min(s.size(), buf_.size() - used_);
      std::memcpy(buf_.data() + used_, s.data(), n);
      used_ += n;
      s.remove_prefix(n);
    }
  }

  void put(char c) {
    if (used_ == buf_.size()) flush();
    buf_[used_++] = c;
  }

  void put(std::uint64_t v) {
    if (buf_.size() - used_ < 20) flush();  // 20 digits hold any uint64
    const auto [end, ec] = std::to_chars(buf_.data() + used_, buf_.data() + buf_.size(), v);
    (void)ec;
    used_ = static_cast<std::size_t>(end - buf_.data());
  }

  // The origin is free text on one comment line: backslash and control
  // bytes are escaped so that a newline in it cannot end the comment.
  void put_escaped(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : s) {
      const auto u = static_cast<unsigned char>(c);
      switch (c) {
        case '\\': put("\\\\"); break;
        case '\n': put("\\n"); break;
        case '\r': put("\\r"); break;
        case '\t': put("\\t"); break;
        default:
          if (u < 0x20 || u == 0x7f) {
            put("\\x");
            put(kHex[u >> 4]);
            put(kHex[u & 0xf]);
          } else {
            put(c);
          }
      }
    }
  }

  // A lock name is one token: backslash as `\\`; blanks, `#` (a comment),
  // control bytes and DEL as `\xHH`; everything else (UTF-8 included)
  // verbatim.
  void put_token_escaped(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '\\') {
        put("\\\\");
      } else if (u <= 0x20 || u == 0x7f || c == '#') {
        put("\\x");
        put(kHex[u >> 4]);
        put(kHex[u & 0xf]);
      } else {
        put(c);
      }
    }
  }

  void flush() {
    if (used_ != 0) sink_(buf_.data(), used_);
    used_ = 0;
  }

 private:
  Sink sink_;
  std::array<char, std::size_t{1} << 16> buf_{};
  std::size_t used_ = 0;
};

template <class Sink>
void emit(Emitter<Sink>& e, const WorkloadTrace& trace, const WorkloadWriteOptions& options) {
  const bool v2 = options.force_version2 || trace.needs_version2();
  e.put("lockscope-workload ");
  e.put(std::uint64_t{v2 ? 2U : 1U});
  e.put('\n');
  if (!trace.origin.empty()) {
    e.put("# origin: ");
    e.put_escaped(trace.origin);
    e.put('\n');
  }
  e.put("contexts ");
  e.put(std::uint64_t{trace.initial_contexts});
  e.put('\n');
  if (v2 && !trace.locks.empty()) {
    e.put("locks ");
    e.put(std::uint64_t{trace.locks.size()});
    e.put('\n');
    for (std::size_t l = 0; l < trace.locks.size(); ++l) {
      e.put("lock ");
      e.put(std::uint64_t{l});
      e.put(' ');
      e.put(std::string_view(to_string(trace.locks[l].kind)));
      if (!trace.locks[l].name.empty()) {
        e.put(' ');
        e.put_token_escaped(trace.locks[l].name);
      }
      e.put('\n');
    }
  }
  e.put("workers ");
  e.put(std::uint64_t{trace.workers.size()});
  e.put('\n');
  for (std::size_t w = 0; w < trace.workers.size(); ++w) {
    e.put("worker ");
    e.put(std::uint64_t{w});
    e.put(" context ");
    e.put(std::uint64_t{trace.workers[w].initial_context});
    if (v2 && trace.workers[w].start_ns != 0) {
      e.put(" start ");
      e.put(trace.workers[w].start_ns);
    }
    e.put('\n');
  }
  for (std::size_t w = 0; w < trace.workers.size(); ++w) {
    const std::vector<Op>& ops = trace.workers[w].ops;
    if (ops.empty()) continue;
    e.put('\n');  // one block per worker, for the human reader
    for (const Op& op : ops) {
      e.put(std::uint64_t{w});
      e.put(' ');
      e.put(op_name(op.kind));
      if (takes_value(op.kind)) {
        e.put(' ');
        e.put(op.value);
      } else if (v2 && is_lock_op(op.kind)) {
        e.put(' ');
        e.put(std::uint64_t{op.lock});
        // An acquisition's wait is written when it was observed (even a
        // zero one); a failed try's when it is not zero.
        const bool failed = op.kind == OpKind::read_acquire_failed || op.kind == OpKind::write_acquire_failed;
        const bool acquire = op.kind == OpKind::read_acquire || op.kind == OpKind::write_acquire;
        if ((acquire && (op.flags & kOpObserved) != 0) || (failed && op.value != 0)) {
          e.put(" waited ");
          e.put(op.value);
        }
      }
      e.put('\n');
    }
  }
  e.put("\nend ");
  e.put(trace.op_count());
  e.put('\n');
}

// Deflates into an AtomicOutput as one gzip member (header with no name and
// mtime 0, so the bytes depend on the trace alone).
class GzipSink {
 public:
  explicit GzipSink(AtomicOutput& out) : out_(out) {
    ok_ = deflateInit2(&z_, kLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  GzipSink(const GzipSink&) = delete;
  GzipSink& operator=(const GzipSink&) = delete;
  ~GzipSink() {
    if (ok_) deflateEnd(&z_);
  }

  void write(const char* data, std::size_t size) {
    z_.next_in = reinterpret_cast<unsigned char*>(const_cast<char*>(data));
    z_.avail_in = static_cast<uInt>(size);
    run(Z_NO_FLUSH);
  }
  // Ends the member (the trailer holds the CRC-32 and length). False when
  // zlib failed.
  bool finish() {
    z_.next_in = nullptr;
    z_.avail_in = 0;
    return run(Z_FINISH) == Z_STREAM_END;
  }

 private:
  // Speed over the last bytes: on a recorded-looking trace level 1 deflates
  // 2.9 M ops/s into 3.3 bytes per op, level 6 (zlib's default) 1.1 M ops/s
  // into 2.2 (docs/trace-format.md, "Compression"); either is far below the
  // 20 bytes per op a recording may take, and a recording is written when
  // the program ends, where its user waits.
  static constexpr int kLevel = 1;

  int run(int flush) {
    if (!ok_) return Z_STREAM_ERROR;
    int rc = Z_OK;
    do {
      z_.next_out = out_buf_.data();
      z_.avail_out = static_cast<uInt>(out_buf_.size());
      rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) {
        ok_ = false;
        return rc;
      }
      out_.write({reinterpret_cast<const char*>(out_buf_.data()), out_buf_.size() - z_.avail_out});
    } while (z_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    return rc;
  }

  AtomicOutput& out_;
  z_stream z_{};
  bool ok_ = false;
  std::array<unsigned char, std::size_t{1} << 16> out_buf_{};
};

}  // namespace

void write_workload(std::ostream& out, const WorkloadTrace& trace, const WorkloadWriteOptions& options) {
  auto sink = [&out](const char* data, std::size_t size) {
    out.write(data, static_cast<std::streamsize>(size));
  };
  Emitter<decltype(sink)> e(sink);
  emit(e, trace, options);
}

void write_workload(std::FILE* out, const WorkloadTrace& trace, const WorkloadWriteOptions& options) {
  auto sink = [out](const char* data, std::size_t size) { (void)std::fwrite(data, 1, size, out); };
  Emitter<decltype(sink)> e(sink);
  emit(e, trace, options);
}

std::expected<void, std::string> write_workload_file(const std::string& path, const WorkloadTrace& trace,
                                                     const WorkloadWriteOptions& options) {
  const bool gzip = path.size() > 3 && path.ends_with(".gz");
  auto out = AtomicOutput::create(path);
  if (!out) return std::unexpected(out.error());
  if (gzip) {
    GzipSink gz(*out);
    {
      auto sink = [&gz](const char* data, std::size_t size) { gz.write(data, size); };
      Emitter<decltype(sink)> e(sink);
      emit(e, trace, options);
    }
    if (!gz.finish() && out->error() == 0) return std::unexpected(cannot_write(path, EIO));
  } else {
    auto sink = [&out](const char* data, std::size_t size) { out->write({data, size}); };
    Emitter<decltype(sink)> e(sink);
    emit(e, trace, options);
  }
  return out->commit();
}

}  // namespace lockscope::traces
