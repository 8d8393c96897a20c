#include "record/interposer/chunks.hpp"

#include <cstring>

#include <sys/mman.h>

#include "record/interposer/sys.hpp"

namespace lockscope::record::interposer {

std::atomic<std::uint32_t> g_writer_wake{0};

namespace {

// 32 chunks (2 MiB) per mmap: few syscalls, little memory for small programs.
constexpr std::size_t kBatchChunks = 32;

// The free pool is a Treiber stack whose head packs the chunk's address
// (page-aligned, below 2^47: 35 significant bits once shifted by 12) with a
// 29-bit tag bumped by every pop and push, so a pop that read a stale
// `next` (ABA: the chunk was popped, reused and pushed back meanwhile)
// fails its CAS instead of corrupting the stack.
constexpr unsigned kTagShift = 35;
std::atomic<std::uint64_t> g_free_head{0};
std::atomic<Chunk*> g_full_head{nullptr};
// About how many chunks are free (relaxed: a hint for the writer's refill).
std::atomic<std::int64_t> g_free_count{0};

Chunk* unpack(std::uint64_t head) {
  return reinterpret_cast<Chunk*>((head & ((std::uint64_t{1} << kTagShift) - 1)) << 12);
}

std::uint64_t pack(Chunk* chunk, std::uint64_t old_head) {
  const std::uint64_t tag = (old_head >> kTagShift) + 1;
  return (reinterpret_cast<std::uint64_t>(chunk) >> 12) | (tag << kTagShift);
}

void push_free(Chunk* chunk) {
  // relaxed load: the CAS below re-validates it.
  std::uint64_t head = g_free_head.load(std::memory_order_relaxed);
  do {
    chunk->header.next.store(unpack(head), std::memory_order_relaxed);
  } while (!g_free_head.compare_exchange_weak(head, pack(chunk, head), std::memory_order_release,
                                              std::memory_order_relaxed));
  g_free_count.fetch_add(1, std::memory_order_relaxed);
}

Chunk* pop_free() {
  std::uint64_t head = g_free_head.load(std::memory_order_acquire);
  for (;;) {
    Chunk* chunk = unpack(head);
    if (chunk == nullptr) return nullptr;
    // May read a chunk another thread popped meanwhile: still mapped, and
    // the tag makes the CAS fail.
    Chunk* next = chunk->header.next.load(std::memory_order_relaxed);
    if (g_free_head.compare_exchange_weak(head, pack(next, head), std::memory_order_acquire,
                                          std::memory_order_acquire)) {
      g_free_count.fetch_sub(1, std::memory_order_relaxed);
      return chunk;
    }
  }
}

bool grow_pool() {
  // MAP_POPULATE: the pages are faulted in here, in one go (about 0.1 us a
  // page), not one fault per 128 events on the program's thread (1-2 us
  // each on a VM: 20-30 ns per lock/unlock pair while the pool grows).
  void* memory = ::mmap(nullptr, kBatchChunks * kChunkBytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (memory == MAP_FAILED) return false;
  auto* base = static_cast<unsigned char*>(memory);
  for (std::size_t i = 0; i < kBatchChunks; ++i) push_free(reinterpret_cast<Chunk*>(base + i * kChunkBytes));
  return true;
}

}  // namespace

bool init_chunk_pool() { return grow_pool() && grow_pool(); }

void refill_chunk_pool() {
  if (g_free_count.load(std::memory_order_relaxed) < static_cast<std::int64_t>(kBatchChunks)) grow_pool();
}

Chunk* acquire_chunk() {
  Chunk* chunk = pop_free();
  while (chunk == nullptr) {
    if (!grow_pool()) return nullptr;
    chunk = pop_free();
  }
  ChunkHeader& h = chunk->header;
  h.serial = 0;
  h.tid = 0;
  h.seq = 0;
  h.count.store(0, std::memory_order_relaxed);  // published with the chunk by the caller's release store
  h.thread_exited = 0;
  h.end_tick = 0;
  h.recursive_skipped = 0;
  h.dropped = 0;
  std::memset(h.name, 0, sizeof h.name);
  return chunk;
}

void release_chunk(Chunk* chunk) { push_free(chunk); }

void hand_off(Chunk* chunk) {
  Chunk* head = g_full_head.load(std::memory_order_relaxed);
  do {
    chunk->header.next.store(head, std::memory_order_relaxed);
    // release: the writer's acquire exchange sees every record of the chunk.
  } while (!g_full_head.compare_exchange_weak(head, chunk, std::memory_order_release, std::memory_order_relaxed));
  g_writer_wake.fetch_add(1, std::memory_order_release);
  // One syscall per 2046 events: well under a nanosecond per event.
  futex_wake_all(&g_writer_wake);
}

Chunk* take_full_chunks() {
  // acquire pairs with hand_off's release CAS.
  Chunk* list = g_full_head.exchange(nullptr, std::memory_order_acquire);
  Chunk* reversed = nullptr;  // the stack is newest first; the writer wants oldest first
  while (list != nullptr) {
    Chunk* next = list->header.next.load(std::memory_order_relaxed);
    list->header.next.store(reversed, std::memory_order_relaxed);
    reversed = list;
    list = next;
  }
  return reversed;
}

}  // namespace lockscope::record::interposer
