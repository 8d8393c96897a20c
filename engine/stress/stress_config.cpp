#include "engine/stress/stress_config.hpp"

#include <fmt/format.h>

#include <limits>
#include <numeric>

namespace lockscope::engine::stress {

std::string_view op_name(OpKind k) {
  switch (k) {
    case OpKind::read: return "read";
    case OpKind::write: return "write";
    case OpKind::try_read_ok: return "try_read_ok";
    case OpKind::try_read_failed: return "try_read_failed";
    case OpKind::try_write_ok: return "try_write_ok";
    case OpKind::try_write_failed: return "try_write_failed";
    case OpKind::migrating_read: return "migrating_read";
    case OpKind::orphaned_read: return "orphaned_read";
    case OpKind::context_churn: return "context_churn";
  }
  return "?";
}

std::string_view violation_name(ViolationKind k) {
  switch (k) {
    case ViolationKind::reader_saw_writer: return "reader_saw_writer";
    case ViolationKind::writer_saw_reader: return "writer_saw_reader";
    case ViolationKind::writer_saw_writer: return "writer_saw_writer";
    case ViolationKind::torn_read: return "torn_read";
    case ViolationKind::torn_write: return "torn_write";
  }
  return "?";
}

std::uint64_t StressResult::total_ops() const { return std::accumulate(ops.begin(), ops.end(), std::uint64_t{0}); }

std::uint64_t StressResult::total_violations() const {
  return std::accumulate(violations.begin(), violations.end(), std::uint64_t{0});
}

double StressResult::ops_per_sec() const {
  return elapsed_sec > 0 ? static_cast<double>(total_ops()) / elapsed_sec : 0;
}

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

// Digits only, at least one; nullopt-like false on overflow or junk.
bool parse_digits(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (kMax - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

bool multiply(std::uint64_t& v, std::uint64_t by) {
  if (by != 0 && v > kMax / by) return false;
  v *= by;
  return true;
}

bool power(std::uint64_t base, std::uint64_t exp, std::uint64_t& out) {
  std::uint64_t v = 1;
  for (std::uint64_t i = 0; i < exp; ++i) {
    if (!multiply(v, base)) return false;
    if (v == 0) break;
  }
  out = v;
  return true;
}

}  // namespace

std::expected<std::uint64_t, std::string> parse_count(std::string_view text) {
  std::string s;
  for (const char c : text) {
    if (c != '_') s += c;
  }
  auto bad = [&] {
    return std::unexpected(fmt::format("'{}' is not a whole number from 1 to {} (e.g. 2000000, 2e7, 10^9)",
                                       text, kMax));
  };
  std::uint64_t value = 0;
  if (const auto caret = s.find('^'); caret != std::string::npos) {
    std::uint64_t base = 0;
    std::uint64_t exp = 0;
    if (!parse_digits(std::string_view(s).substr(0, caret), base) ||
        !parse_digits(std::string_view(s).substr(caret + 1), exp) || !power(base, exp, value)) {
      return bad();
    }
  } else if (const auto e = s.find_first_of("eE"); e != std::string::npos) {
    std::string_view mantissa = std::string_view(s).substr(0, e);
    std::uint64_t exp = 0;
    if (!parse_digits(std::string_view(s).substr(e + 1), exp)) return bad();
    std::string digits;
    std::uint64_t fraction = 0;
    if (const auto dot = mantissa.find('.'); dot != std::string_view::npos) {
      digits = std::string(mantissa.substr(0, dot)) + std::string(mantissa.substr(dot + 1));
      fraction = mantissa.size() - dot - 1;
    } else {
      digits = std::string(mantissa);
    }
    if (!parse_digits(digits, value)) return bad();
    // 1.50e1: drop the fraction's trailing zeros before asking for a whole number.
    while (fraction > exp && value % 10 == 0 && value != 0) {
      value /= 10;
      --fraction;
    }
    std::uint64_t scale = 0;
    if (fraction > exp || !power(10, exp - fraction, scale) || !multiply(value, scale)) return bad();
  } else if (!parse_digits(s, value)) {
    return bad();
  }
  if (value == 0) return bad();
  return value;
}

}  // namespace lockscope::engine::stress
