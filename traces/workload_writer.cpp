#include "traces/workload_writer.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <string_view>

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
  }
  // Only a value cast from outside the enumerators gets here.
  std::fputs("lockscope: write_workload: invalid OpKind\n", stderr);
  std::abort();
}

bool takes_value(OpKind kind) {
  return kind == OpKind::hold || kind == OpKind::think || kind == OpKind::move ||
         kind == OpKind::create_context || kind == OpKind::destroy_context;
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
void emit(Emitter<Sink>& e, const WorkloadTrace& trace) {
  e.put("lockscope-workload ");
  e.put(std::uint64_t{WorkloadTrace::kFormatVersion});
  e.put('\n');
  if (!trace.origin.empty()) {
    e.put("# origin: ");
    e.put_escaped(trace.origin);
    e.put('\n');
  }
  e.put("contexts ");
  e.put(std::uint64_t{trace.initial_contexts});
  e.put("\nworkers ");
  e.put(std::uint64_t{trace.workers.size()});
  e.put('\n');
  for (std::size_t w = 0; w < trace.workers.size(); ++w) {
    e.put("worker ");
    e.put(std::uint64_t{w});
    e.put(" context ");
    e.put(std::uint64_t{trace.workers[w].initial_context});
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
      }
      e.put('\n');
    }
  }
  e.put("\nend ");
  e.put(trace.op_count());
  e.put('\n');
}

}  // namespace

void write_workload(std::ostream& out, const WorkloadTrace& trace) {
  auto sink = [&out](const char* data, std::size_t size) {
    out.write(data, static_cast<std::streamsize>(size));
  };
  Emitter<decltype(sink)> e(sink);
  emit(e, trace);
}

void write_workload(std::FILE* out, const WorkloadTrace& trace) {
  auto sink = [out](const char* data, std::size_t size) { (void)std::fwrite(data, 1, size, out); };
  Emitter<decltype(sink)> e(sink);
  emit(e, trace);
}

}  // namespace lockscope::traces
