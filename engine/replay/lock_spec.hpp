// LockSpec: a --lock name as replay, explore and sweep take it, split into
// the design and its parameters. Most designs take none; BRAVO's take the
// size of its visible-readers table ("bravo:slots=64"), which decides how
// soon a writer's revocation scan reaches a reader's slot, and so how wide
// the window of `bravo-nofence` is under tso (docs/memory-ordering.md).
// The graph lock's knob names ("graph:full:if_writer:held") are designs of
// their own, not parameters: their colons are part of the name.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace lockscope::engine::replay {

struct LockParams {
  std::uint32_t table_slots = 0;  // BRAVO's table; 0: the design's default
  friend bool operator==(const LockParams&, const LockParams&) = default;
};

struct LockSpec {
  std::string design;  // a name find_factory knows, parameters stripped
  LockParams params;
};

// BRAVO's table when the name gives no size (BravoLock::kDefaultTableSlots;
// replay.cpp checks that they agree).
inline constexpr std::uint32_t kDefaultBravoSlots = 1024;
// The most slots a table may have (a megabyte of padded slots per 16 K).
inline constexpr std::uint32_t kMaxTableSlots = 1U << 16;

// Splits `name`. A name without parameters is its own design (whether any
// design has that name is the caller's question). The error says what is
// wrong with a parameter, in one line, naming it.
[[nodiscard]] std::expected<LockSpec, std::string> parse_lock_spec(std::string_view name);

}  // namespace lockscope::engine::replay
