// The raw recording file (`lockscope record`'s intermediate): the layout the
// interposer (record/interposer/) writes and read_raw_recording() decodes.
// It is shared by both sides, so it holds only constants and the varint
// codec, and compiles without exceptions or the heap (the interposer's
// writer thread uses it; see record/interposer/writer.cpp).
//
//   magic (8 bytes) | u32 version (little-endian) | record* | end record
//
// A record is a type byte, a LEB128 payload length and the payload. Integers
// in payloads are LEB128 varints (signed ones zigzag-encoded); strings are a
// varint length and the bytes. Records, in the order the writer emits them:
//
//   process  pid, parent pid, clock kind, argc, argc strings (argv)
//   chunk    thread serial, tid, event count, events (below)        repeated
//   thread   thread serial, tid, start tick, end tick, name         one per thread
//   lock     address, kind, callsite address, first tick            one per lock
//   maps     the text of /proc/self/maps at the end
//   end      end tick, calibration (ticks, ns elapsed), recursive
//            skips, dropped events, reason string
//
// Times are clock ticks since the interposer started (the process's first
// recorded instant). With the TSC (clock kind 0) the reader converts ticks
// to nanoseconds with the end record's calibration (TSC ticks and
// CLOCK_MONOTONIC nanoseconds elapsed between start and end); with
// clock_gettime (kind 1) a tick is a nanosecond.
//
// An event in a chunk is a flags byte, then:
//   [lock id]        when kEventNewLock is set; otherwise the thread's previous lock
//   begin delta      zigzag varint: begin - the end of the thread's previous event
//                    (0 for the first one), so a busy loop's events cost 1-2 bytes
//   [duration]       when kEventHasDuration is set: end - begin (an acquisition
//                    that waited); otherwise end = begin
// so an uncontended lock or unlock costs 2 to 4 bytes. Lock ids are dense,
// numbered by the writer in the order it first saw each address, and
// declared by the lock records at the end.
//
// A thread's chunks appear in its program order. A thread is named by its
// serial (one per thread incarnation: Linux reuses tids), and carries its
// tid. A file whose last record is not `end` was cut short: the process
// died (SIGKILL, a crash) before the interposer finished it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lockscope::record::raw_format {

// "\x89LSRAW\r\n": a high first byte and CR LF catch text-mode copies (PNG's trick).
inline constexpr unsigned char kMagic[8] = {0x89, 'L', 'S', 'R', 'A', 'W', '\r', '\n'};
inline constexpr std::uint32_t kVersion = 1;
inline constexpr std::size_t kHeaderBytes = 12;  // magic + version

enum class RecordType : std::uint8_t {
  process = 1,
  chunk = 2,
  thread = 3,
  lock = 4,
  maps = 5,
  end = 6,
};

enum class ClockKind : std::uint8_t {
  tsc = 0,        // rdtsc ticks, calibrated against CLOCK_MONOTONIC
  monotonic = 1,  // clock_gettime(CLOCK_MONOTONIC) nanoseconds
};

// Op codes on disk; the same numbering as RawOp (raw_recording.hpp).
inline constexpr std::uint8_t kOpCount = 7;
inline constexpr std::uint8_t kAttemptCount = 3;

// Event flags byte: op in bits 0-2, attempt in bits 3-4, then the flags.
inline constexpr std::uint8_t kEventOpMask = 0x07;
inline constexpr std::uint8_t kEventAttemptShift = 3;
inline constexpr std::uint8_t kEventAttemptMask = 0x18;
inline constexpr std::uint8_t kEventOk = 0x20;
inline constexpr std::uint8_t kEventNewLock = 0x40;
inline constexpr std::uint8_t kEventHasDuration = 0x80;

// Lock kinds on disk; the same numbering as RawLockKind.
inline constexpr std::uint8_t kLockRwlock = 0;
inline constexpr std::uint8_t kLockMutex = 1;

// The longest LEB128 encoding of a 64-bit value.
inline constexpr std::size_t kMaxVarintBytes = 10;

// Writes `v` as LEB128 at `out`; returns the byte after it. `out` must have
// kMaxVarintBytes free.
inline unsigned char* put_varint(unsigned char* out, std::uint64_t v) {
  while (v >= 0x80) {
    *out++ = static_cast<unsigned char>(v | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<unsigned char>(v);
  return out;
}

inline std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

inline std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

// Reads a LEB128 value from [*p, end); advances *p. False when the bytes run
// out or the value does not fit 64 bits (a corrupt file, never a crash).
inline bool get_varint(const unsigned char** p, const unsigned char* end, std::uint64_t* v) {
  std::uint64_t result = 0;
  unsigned shift = 0;
  const unsigned char* q = *p;
  while (q < end) {
    const unsigned char byte = *q++;
    if (shift == 63 && (byte & 0x7e) != 0) return false;
    result |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *p = q;
      *v = result;
      return true;
    }
    shift += 7;
    if (shift > 63) return false;
  }
  return false;
}

}  // namespace lockscope::record::raw_format
