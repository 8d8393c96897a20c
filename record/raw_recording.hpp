// RawRecording: what the interposer (record/interposer/) saw of one process,
// decoded from its raw file: per thread, every pthread lock call in program
// order with its timestamps, plus the locks' addresses and names and how
// the process ended. `lockscope record` turns it into a workload trace
// (version 2) and a measured timeline (engine/record/convert.hpp).
//
// Times are nanoseconds from the process's first recorded instant (the
// interposer's start), on one monotonic clock for all threads.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "traces/parse_error.hpp"

namespace lockscope::record {

enum class RawOp : std::uint8_t {
  rdlock,        // pthread_rwlock_rdlock / tryrdlock / timedrdlock / clockrdlock
  wrlock,        // pthread_rwlock_wrlock / trywrlock / timedwrlock / clockwrlock
  rw_unlock,     // pthread_rwlock_unlock (read or write: the converter knows which)
  mutex_lock,    // pthread_mutex_lock / trylock / timedlock / clocklock
  mutex_unlock,  // pthread_mutex_unlock
  // pthread_cond_wait / timedwait / clockwait on `lock` (the mutex): glibc
  // releases and re-takes the mutex inside, out of the interposer's sight,
  // so the interposer reports the release at entry (cond_release) and the
  // re-acquisition at return (cond_reacquire: begin_ns = when the wait was
  // signalled is unknown, so begin_ns = end_ns = return time).
  cond_release,
  cond_reacquire,
};

enum class RawAttempt : std::uint8_t {
  blocking,  // rdlock, wrlock, mutex_lock: waits as long as it takes
  try_,      // try*lock: never waits
  timed,     // timed*/clock*: waits up to a deadline
};

struct RawEvent {
  std::uint64_t lock = 0;      // the lock's address in the recorded process
  std::uint64_t begin_ns = 0;  // acquisitions: call entry; releases: the release
  std::uint64_t end_ns = 0;    // acquisitions: return (acquired or failed); releases: = begin_ns
  RawOp op = RawOp::rdlock;
  RawAttempt attempt = RawAttempt::blocking;
  bool ok = true;              // acquisitions: got the lock (false: busy, timed out, error)
  friend bool operator==(const RawEvent&, const RawEvent&) = default;
};

struct RawThread {
  std::uint32_t tid = 0;        // the kernel's thread id
  std::string name;             // comm (pthread_setname_np), may be empty
  std::uint64_t start_ns = 0;   // first seen (thread start, or its first event)
  std::uint64_t end_ns = 0;     // last seen (thread exit, or the end of the recording)
  std::vector<RawEvent> events;  // in program order
};

enum class RawLockKind : std::uint8_t { rwlock, mutex };

struct RawLock {
  std::uint64_t address = 0;
  RawLockKind kind = RawLockKind::rwlock;
  std::string symbol;    // "cache_lock", "stats+64" (from the program's symbols), or empty
  std::string callsite;  // the function that first took it, or empty when unknown
};

// The latest time a recording may hold: lockscope's traces and timelines
// count picoseconds in 64 bits, so a time past this (about 213 days) could
// not be converted. A reader refuses it as corrupt.
inline constexpr std::uint64_t kMaxRecordedNs = UINT64_MAX / 1000;

struct RawRecording {
  std::string program;             // argv[0] as run
  std::vector<std::string> args;   // argv[1..]
  std::uint32_t pid = 0;
  std::uint64_t end_ns = 0;        // the last instant recorded
  std::string end_reason;          // "exit 0", "return from main (status 3)", "signal SIGTERM"
  std::vector<RawThread> threads;  // in order of first appearance
  std::vector<RawLock> locks;      // every lock an event names, in order of first use
  std::uint64_t recursive_skipped = 0;  // nested re-acquisitions of a recursive mutex, not recorded as acquisitions
  // Events the interposer could not keep (it ran out of memory for its
  // buffers). 0 in any normal run; when not, the recording is incomplete and
  // a summary should say so.
  std::uint64_t dropped = 0;
};

// Reads the interposer's raw file. A file cut short (the process was killed
// before the interposer closed it) is an error saying so, never a shorter
// recording.
[[nodiscard]] std::expected<RawRecording, traces::ParseError> read_raw_recording(const std::string& path);

// The same, from the file's bytes already in memory; `file` names it in errors.
[[nodiscard]] std::expected<RawRecording, traces::ParseError> parse_raw_recording(std::string_view bytes,
                                                                                  const std::string& file);

}  // namespace lockscope::record
