#include "engine/replay/lock_spec.hpp"

#include <array>
#include <charconv>

#include <fmt/format.h>

namespace lockscope::engine::replay {
namespace {

// The designs that take parameters, and so whose name may go on with ':'.
constexpr std::array<std::string_view, 2> kWithTable = {"bravo", "bravo-nofence"};

std::expected<std::uint32_t, std::string> parse_slots(std::string_view name, std::string_view value) {
  std::uint32_t slots = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), slots);
  if (ec != std::errc{} || end != value.data() + value.size() || slots == 0 || slots > kMaxTableSlots) {
    return std::unexpected(fmt::format("'{}': slots must be a whole number from 1 to {}, not '{}'", name,
                                       kMaxTableSlots, value));
  }
  return slots;
}

}  // namespace

std::expected<LockSpec, std::string> parse_lock_spec(std::string_view name) {
  const std::size_t colon = name.find(':');
  const std::string_view design = name.substr(0, colon);
  bool with_table = false;
  for (const std::string_view d : kWithTable) with_table = with_table || d == design;
  if (colon == std::string_view::npos || !with_table) return LockSpec{std::string(name), {}};

  LockSpec spec{std::string(design), {}};
  std::string_view rest = name.substr(colon + 1);
  while (true) {
    const std::size_t next = rest.find(':');
    const std::string_view item = rest.substr(0, next);
    const std::size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    if (eq == std::string_view::npos || key != "slots") {
      return std::unexpected(fmt::format("'{}': {} takes one parameter, slots=N (the visible-readers table's "
                                         "size), not '{}'",
                                         name, design, item));
    }
    if (spec.params.table_slots != 0) {
      return std::unexpected(fmt::format("'{}': slots is given twice", name));
    }
    auto slots = parse_slots(name, item.substr(eq + 1));
    if (!slots) return std::unexpected(slots.error());
    spec.params.table_slots = *slots;
    if (next == std::string_view::npos) break;
    rest = rest.substr(next + 1);
  }
  return spec;
}

}  // namespace lockscope::engine::replay
