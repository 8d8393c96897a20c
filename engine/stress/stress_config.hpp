// What one `lockscope stress` run does (StressConfig) and what it found
// (StressResult): operations done by kind, violations seen by kind.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace lockscope::engine::stress {

// One loop iteration of a worker is one operation of one of these kinds.
enum class OpKind : std::uint8_t {
  read,               // lock_shared, check, unlock_shared
  write,              // lock, rewrite the checked structure, unlock
  try_read_ok,        // try_lock_shared that got the lock (then as read)
  try_read_failed,    // try_lock_shared that returned false
  try_write_ok,       // try_lock that got the lock (then as write)
  try_write_failed,   // try_lock that returned false
  migrating_read,     // locked in one context, unlocked in another
  orphaned_read,      // its context was unregistered while it was inside
  context_churn,      // a context registered and another unregistered, no reader inside
};
inline constexpr std::size_t kOpKinds = 9;

// What a check inside a critical section can see. Under a correct lock none
// is ever seen.
enum class ViolationKind : std::uint8_t {
  reader_saw_writer,  // a reader inside while a writer is inside
  writer_saw_reader,  // a writer inside while a reader is inside
  writer_saw_writer,  // two writers inside at once
  torn_read,          // a reader found the structure half-written
  torn_write,         // a writer found it half-written, or changed under it
};
inline constexpr std::size_t kViolationKinds = 5;

std::string_view op_name(OpKind k);
std::string_view violation_name(ViolationKind k);

// How a worker picks each operation, per thousand. What is left is plain
// reads. The context kinds apply only to locks that count readers per
// context; elsewhere they are plain reads too.
struct OpMix {
  unsigned write = 40;
  unsigned try_write = 10;
  unsigned try_read = 50;
  unsigned migrating_read = 30;
  unsigned orphaned_read = 10;
  unsigned context_churn = 5;
};

struct StressConfig {
  std::string lock = "graph";
  unsigned threads = 4;
  std::uint64_t ops = 2'000'000;  // in all, over every worker
  std::uint64_t seed = 1;
  OpMix mix;
  // The size of the lock's table, for designs that have one (BRAVO's
  // visible readers: `--lock bravo:slots=N`); 0: the design's default.
  std::uint32_t table_slots = 0;
  // Each critical section holds for up to this many P::cpu_relax() rounds
  // (uniform), between its two checks: wide enough for a broken lock's
  // overlap to be seen, short enough for a soak to do many operations.
  unsigned max_hold_spins = 32;
  // No operation finished for this long: print one line and exit with
  // status 4 (a deadlock or a lost wake-up). 0: wait forever.
  unsigned stall_seconds = 120;
};

struct StressResult {
  StressConfig config;
  bool contexts = false;          // churn, orphaned and migrating readers ran
  bool try_locks = false;         // the lock has try_lock / try_lock_shared
  bool readers_checked = true;    // false for RCU: readers may overlap writers
  std::array<std::uint64_t, kOpKinds> ops{};
  std::array<std::uint64_t, kViolationKinds> violations{};
  double elapsed_sec = 0;
  std::string note;               // e.g. a fallback when membarrier is missing

  [[nodiscard]] std::uint64_t total_ops() const;
  [[nodiscard]] std::uint64_t total_violations() const;
  [[nodiscard]] double ops_per_sec() const;
  [[nodiscard]] std::uint64_t op(OpKind k) const { return ops[static_cast<std::size_t>(k)]; }
  [[nodiscard]] std::uint64_t violation(ViolationKind k) const {
    return violations[static_cast<std::size_t>(k)];
  }
};

// A count as users type it: "2000000", "2e7", "1.5e8", "10^9", "1_000_000".
// Must be a whole number from 1 to 2^64 - 1.
std::expected<std::uint64_t, std::string> parse_count(std::string_view text);

}  // namespace lockscope::engine::stress
