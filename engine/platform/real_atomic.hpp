// RealAtomic<T>: the platform atomic on real hardware, a thin veneer over
// std::atomic that maps lockimpl's MemoryOrder to std::memory_order. Every
// call inlines to the same instruction std::atomic would emit.
#pragma once

#include <atomic>

#include "lockimpl/platform.hpp"

namespace lockscope::engine::platform {

using lockimpl::LineName;
using lockimpl::MemoryOrder;

constexpr std::memory_order to_std(MemoryOrder order) {
  switch (order) {
    case MemoryOrder::relaxed: return std::memory_order_relaxed;
    case MemoryOrder::acquire: return std::memory_order_acquire;
    case MemoryOrder::release: return std::memory_order_release;
    case MemoryOrder::acq_rel: return std::memory_order_acq_rel;
    case MemoryOrder::seq_cst: return std::memory_order_seq_cst;
  }
  return std::memory_order_seq_cst;
}

// The failure order of a compare-exchange: the strongest load order that
// the success order allows.
constexpr std::memory_order failure_order(MemoryOrder order) {
  switch (order) {
    case MemoryOrder::acq_rel:
    case MemoryOrder::acquire: return std::memory_order_acquire;
    case MemoryOrder::seq_cst: return std::memory_order_seq_cst;
    case MemoryOrder::relaxed:
    case MemoryOrder::release: return std::memory_order_relaxed;
  }
  return std::memory_order_seq_cst;
}

template <class T>
class RealAtomic {
 public:
  RealAtomic(T initial, LineName /*name: only the simulator uses it*/) : value_(initial) {}
  RealAtomic(const RealAtomic&) = delete;
  RealAtomic& operator=(const RealAtomic&) = delete;

  T load(MemoryOrder o) const { return value_.load(to_std(o)); }
  void store(T v, MemoryOrder o) { value_.store(v, to_std(o)); }
  // The single writer's update: a plain load and store, no locked
  // instruction. Only legal while no other thread writes this variable.
  void owner_add(T delta, MemoryOrder o) {
    value_.store(static_cast<T>(value_.load(std::memory_order_relaxed) + delta), to_std(o));
  }
  T fetch_add(T v, MemoryOrder o) { return value_.fetch_add(v, to_std(o)); }
  T fetch_sub(T v, MemoryOrder o) { return value_.fetch_sub(v, to_std(o)); }
  T fetch_or(T v, MemoryOrder o) { return value_.fetch_or(v, to_std(o)); }
  T fetch_and(T v, MemoryOrder o) { return value_.fetch_and(v, to_std(o)); }
  T exchange(T v, MemoryOrder o) { return value_.exchange(v, to_std(o)); }
  bool compare_exchange_strong(T& expected, T desired, MemoryOrder o) {
    return value_.compare_exchange_strong(expected, desired, to_std(o), failure_order(o));
  }

 private:
  std::atomic<T> value_;
};

}  // namespace lockscope::engine::platform
