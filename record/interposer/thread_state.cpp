#include "record/interposer/thread_state.hpp"

#include <pthread.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "record/interposer/clock.hpp"
#include "record/interposer/process_life.hpp"
#include "record/interposer/sys.hpp"

namespace lockscope::record::interposer {

std::atomic<Mode> g_mode{Mode::off};
constinit __attribute__((tls_model("initial-exec"))) thread_local ThreadState t_state{};

namespace {

// 2^20 slots of 64 bytes, reserved once; pages are touched only as threads come.
constexpr std::uint32_t kMaxSlots = 1u << 20;
ThreadSlot* g_slots = nullptr;
std::atomic<std::uint32_t> g_slot_count{0};
// Free stack of slot indexes + 1, with a 32-bit tag in the high half (ABA, as in chunks.cpp).
std::atomic<std::uint64_t> g_free_slots{0};
std::atomic<std::uint64_t> g_next_serial{0};
std::atomic<std::uint64_t> g_dropped_without_slot{0};
pthread_key_t g_exit_key;

void on_thread_exit(void*) { thread_exit(t_state); }

ThreadSlot* pop_slot() {
  std::uint64_t head = g_free_slots.load(std::memory_order_acquire);
  for (;;) {
    const auto index1 = static_cast<std::uint32_t>(head);
    if (index1 == 0) break;
    const std::uint32_t next = g_slots[index1 - 1].next_free;
    const std::uint64_t desired = ((head >> 32) + 1) << 32 | next;
    if (g_free_slots.compare_exchange_weak(head, desired, std::memory_order_acquire, std::memory_order_acquire)) {
      return &g_slots[index1 - 1];
    }
  }
  const std::uint32_t index = g_slot_count.fetch_add(1, std::memory_order_relaxed);
  if (index >= kMaxSlots) return nullptr;
  return &g_slots[index];
}

void push_slot(ThreadSlot* slot) {
  const auto index1 = static_cast<std::uint32_t>(slot - g_slots) + 1;
  std::uint64_t head = g_free_slots.load(std::memory_order_relaxed);
  do {
    slot->next_free = static_cast<std::uint32_t>(head);
  } while (!g_free_slots.compare_exchange_weak(head, ((head >> 32) + 1) << 32 | index1, std::memory_order_release,
                                               std::memory_order_relaxed));
}

void begin_chunk(ThreadState& t, Chunk* c) {
  c->header.serial = t.serial;
  c->header.tid = t.tid;
  c->header.seq = t.next_seq++;
  t.chunk = c;
  t.n = 0;
  // release: the writer's final sweep reads the header through this pointer.
  t.slot->current.store(c, std::memory_order_release);
}

}  // namespace

bool init_thread_state() {
  void* memory = ::mmap(nullptr, std::size_t{kMaxSlots} * sizeof(ThreadSlot), PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (memory == MAP_FAILED) return false;
  g_slots = static_cast<ThreadSlot*>(memory);
  return pthread_key_create(&g_exit_key, on_thread_exit) == 0;
}

std::uint32_t slot_count() {
  const std::uint32_t n = g_slot_count.load(std::memory_order_acquire);
  return n < kMaxSlots ? n : kMaxSlots;
}

ThreadSlot& slot_at(std::uint32_t index) { return g_slots[index]; }

void dropped_reentrant(ThreadState& t) {
  if (t.slot != nullptr) {
    t.slot->dropped.store(t.slot->dropped.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  } else {
    g_dropped_without_slot.fetch_add(1, std::memory_order_relaxed);
  }
}

bool any_thread_recorded() { return g_next_serial.load(std::memory_order_relaxed) > 0; }

std::uint64_t dropped_without_slot() { return g_dropped_without_slot.load(std::memory_order_relaxed); }

namespace {

bool start_thread_now(ThreadState& t) {
  if (g_mode.load(std::memory_order_acquire) != Mode::recording) {
    if (!t.announced) {
      t.announced = true;
      announce_not_recorded_child();
    }
    return false;
  }
  if (t.slot == nullptr) {
    ThreadSlot* slot = pop_slot();
    if (slot == nullptr) {
      g_dropped_without_slot.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    if (t.serial == 0) {
      // relaxed: the serial only has to be unique.
      t.serial = g_next_serial.fetch_add(1, std::memory_order_relaxed) + 1;
      t.tid = current_tid();
    }
    slot->serial = t.serial;
    slot->tid = t.tid;
    slot->recursive_skipped.store(0, std::memory_order_relaxed);
    slot->dropped.store(0, std::memory_order_relaxed);
    slot->current.store(nullptr, std::memory_order_relaxed);
    slot->live.store(1, std::memory_order_release);
    t.slot = slot;
    // A key destructor at thread exit flushes the last chunk. Slots below
    // PTHREAD_KEY_2NDLEVEL_SIZE (32) live in the thread descriptor: no malloc.
    pthread_setspecific(g_exit_key, &t_state);
  }
  Chunk* c = acquire_chunk();
  if (c == nullptr) {
    t.slot->dropped.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  begin_chunk(t, c);
  return true;
}

}  // namespace

bool start_thread(ThreadState& t, bool from_append) {
  if (t.internal) return false;
  if (t.starting || (t.appending && !from_append)) {
    dropped_reentrant(t);
    return false;
  }
  t.starting = true;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  const bool started = start_thread_now(t);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t.starting = false;
  return started;
}

void chunk_full(ThreadState& t) {
  Chunk* full = t.chunk;
  t.chunk = nullptr;
  if (g_mode.load(std::memory_order_acquire) != Mode::recording) {
    // The end record is written: what follows is after the recording's end.
    // The full chunk stays where the writer's final sweep may have read it.
    return;
  }
  // Hand the old chunk over before publishing the new one: a final sweep that
  // sees the new chunk in the slot then finds the old one on the full list.
  hand_off(full);
  Chunk* next = acquire_chunk();
  if (next == nullptr) {
    t.slot->current.store(nullptr, std::memory_order_release);
    return;  // the next event retries in start_thread and counts itself dropped if it fails
  }
  begin_chunk(t, next);
}

void thread_exit(ThreadState& t) {
  if (t.slot == nullptr) return;
  ThreadSlot* slot = t.slot;
  Chunk* last = t.chunk;
  if (last == nullptr && g_mode.load(std::memory_order_acquire) == Mode::recording) {
    last = acquire_chunk();  // an empty chunk still carries the exit time and name
    if (last != nullptr) begin_chunk(t, last);
  }
  if (last != nullptr && g_mode.load(std::memory_order_acquire) == Mode::recording) {
    ChunkHeader& h = last->header;
    h.end_tick = now_ticks();
    prctl(PR_GET_NAME, h.name, 0, 0, 0);
    h.name[sizeof h.name - 1] = '\0';
    h.recursive_skipped = slot->recursive_skipped.load(std::memory_order_relaxed);
    h.dropped = slot->dropped.load(std::memory_order_relaxed);
    h.thread_exited = 1;
    hand_off(last);
  }
  t.chunk = nullptr;
  t.n = 0;
  slot->current.store(nullptr, std::memory_order_release);
  slot->live.store(0, std::memory_order_release);
  t.slot = nullptr;
  push_slot(slot);
  // t.serial is kept: a lock taken by a later key destructor of this thread
  // reopens the same thread (same serial, next chunk seq) in a fresh slot.
}

}  // namespace lockscope::record::interposer
