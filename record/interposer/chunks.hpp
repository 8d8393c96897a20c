// Chunks: where a thread's events wait between its hot path and the writer
// thread. A chunk is 64 KiB of mmap'd memory: a header and 2046 fixed-size
// raw records (32 bytes: two per cacheline, one plain store sequence per
// event, no encoding on the program's thread).
//
// Life of a chunk: popped from the free pool by a program thread, filled,
// pushed on the full list, encoded and written by the writer thread,
// pushed back on the free pool. Both lists are lock-free (a program thread
// may be interrupted by a signal, or the program may hold any of its own
// locks, so nothing here can block). The free pool grows by mmap when the
// writer falls behind, so a program thread never waits for I/O and never
// drops an event unless mmap itself fails (then the event is counted as
// dropped and the end record says how many). The writer keeps a batch of
// prefaulted chunks free ahead of need, so that growing is normally its work. Chunk memory is never unmapped,
// so a stale pointer read by a racing pop is always readable.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace lockscope::record::interposer {

// One event as the hot path stores it. `word` packs the caller's return
// address (user-space addresses fit 48 bits) with the event's flags byte
// (raw_format's op, attempt and ok bits) in bits 56-63.
struct RawRecord {
  std::uint64_t lock;
  std::uint64_t begin;
  std::uint64_t end;
  std::uint64_t word;
};
static_assert(sizeof(RawRecord) == 32);

inline constexpr std::uint64_t kCallerMask = (std::uint64_t{1} << 56) - 1;

struct ChunkHeader {
  std::atomic<struct Chunk*> next;  // link in the free pool or the full list
  std::uint64_t serial;             // the thread incarnation that filled it
  std::uint32_t tid;
  std::uint32_t seq;                // its place among that thread's chunks
  // Records written so far; stored (release) after each record, so the
  // writer can take a live thread's partial chunk at the end of recording.
  std::atomic<std::uint32_t> count;
  std::uint32_t thread_exited;      // the thread's last chunk: end_tick and name are set
  std::uint64_t end_tick;
  std::uint64_t recursive_skipped;  // the thread's totals, in its last chunk
  std::uint64_t dropped;
  char name[16];                    // comm at thread exit
};

inline constexpr std::size_t kChunkBytes = 64 * 1024;
inline constexpr std::size_t kChunkHeaderBytes = 96;
inline constexpr std::uint32_t kChunkRecords =
    static_cast<std::uint32_t>((kChunkBytes - kChunkHeaderBytes) / sizeof(RawRecord));

struct Chunk {
  ChunkHeader header;
  alignas(32) RawRecord records[kChunkRecords];
};
static_assert(sizeof(ChunkHeader) <= kChunkHeaderBytes);
static_assert(sizeof(Chunk) <= kChunkBytes);

// Maps the first batch of chunks; false if that fails.
bool init_chunk_pool();

// A chunk from the free pool (growing it by mmap when empty), its header
// zeroed; nullptr only if mmap fails.
Chunk* acquire_chunk();

// The writer's refill: maps another batch when fewer than one batch is
// free, so program threads seldom have to (and never fault pages in).
void refill_chunk_pool();

// Gives a chunk back to the free pool (the writer, after encoding it).
void release_chunk(Chunk* chunk);

// Hands a chunk to the writer thread and wakes it.
void hand_off(Chunk* chunk);

// Every chunk handed off so far, oldest first (so each thread's chunks come
// in their order), or nullptr. The writer's side.
Chunk* take_full_chunks();

// The word the writer sleeps on; hand_off bumps and wakes it.
extern std::atomic<std::uint32_t> g_writer_wake;

}  // namespace lockscope::record::interposer
