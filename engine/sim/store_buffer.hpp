// StoreBuffer: one core's FIFO of stores that are not yet visible to other
// cores, in the simulator's tso memory model (docs/simulator.md, "Memory
// ordering"). A store that would miss is put here instead of stalling its
// core; the buffer's own actor (the drain) takes the entries in order, pays
// each one's line transfer through the coherence model, and only then writes
// the value where other cores' loads see it. Until then the store is visible
// to its own core only (store-to-load forwarding): exactly the window in
// which a reader's counter++ and a writer's has_writer = 1 can miss each
// other when the fence between store and load is left out.
#pragma once

#include <simgrid/s4u/Semaphore.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <optional>
#include <type_traits>
#include <vector>

#include "engine/coherence/directory.hpp"

namespace lockscope::engine::sim {

struct SimWorker;

// Writes `bits` into the object a store was for (a SimAtomic's value).
using ApplyStore = void (*)(void* object, std::uint64_t bits);

// A load that misses in tso takes the value its line holds when it arrives,
// before the line can move on: every access served before it has written
// by then, and a store still in another core's buffer, or draining behind
// this load, is not there yet. The caller reads `value` only if `taken`.
struct LoadSample {
  const void* object = nullptr;
  std::uint64_t (*read)(const void* object) = nullptr;
  std::uint64_t value = 0;
  bool taken = false;
};

// What a timeline shows of one buffered store (SimWorld::set_store_log):
// when it entered the buffer and when the other cores could see it.
struct StoreLogEntry {
  static constexpr coherence::Picos kNeverVisible = ~coherence::Picos{0};
  coherence::Picos stored = 0;
  coherence::Picos visible = kNeverVisible;  // still buffered when the run ended
  unsigned core = 0;
  coherence::LineId line = 0;
  std::uint64_t bits = 0;
};

struct BufferedStore {
  static constexpr std::size_t kNotLogged = ~std::size_t{0};
  void* object = nullptr;
  std::uint64_t bits = 0;
  ApplyStore apply = nullptr;
  coherence::LineId line = 0;
  coherence::Picos issue = 0;  // when it may start to drain: stored, then retired
  std::size_t log = kNotLogged;  // its StoreLogEntry, when stores are logged
};

struct StoreBuffer {
  std::deque<BufferedStore> entries;
  unsigned core = 0;
  // Workers attached (SimWorld::buffer_of): the workers of one context take
  // turns on one core, one thread, so they share its buffer and each sees
  // the others' buffered stores, as coroutines of one thread do.
  std::uint32_t users = 0;
  // Released once per entry pushed, and to stop the drain.
  simgrid::s4u::SemaphorePtr work;
  // Workers waiting for this buffer to shrink (a full buffer, a fence, a
  // heavy barrier): each is released after every drained entry and looks
  // again.
  std::vector<simgrid::s4u::SemaphorePtr> waiters;
  bool stopping = false;
  bool stopped = false;
  // The drain actor is between taking the oldest entry and popping it (it
  // owns the front), or waits for work with the buffer empty (a push must
  // wake it). Otherwise it sleeps until the front retires and looks again.
  bool busy = false;
  bool idle = false;
  // A store came into the idle buffer and the drain has not been woken:
  // the worker wakes it before it next sleeps (SimWorld::before_sleep), or
  // once it runs ahead past the store's retire time (SimWorker::drain_due),
  // unless a fence drained the store in the worker first.
  bool wake_pending = false;

  // The newest buffered value for `object`, if the buffer holds one.
  [[nodiscard]] std::optional<std::uint64_t> newest(const void* object) const {
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      if (it->object == object) return it->bits;
    }
    return std::nullopt;
  }
};

// A value as the bits a buffer holds and back: the platform's atomics are
// integers of at most 64 bits.
template <class T>
std::uint64_t to_bits(T v) {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= sizeof(std::uint64_t));
  std::uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof(T));
  return bits;
}

template <class T>
T from_bits(std::uint64_t bits) {
  T v;
  std::memcpy(&v, &bits, sizeof(T));
  return v;
}

}  // namespace lockscope::engine::sim
