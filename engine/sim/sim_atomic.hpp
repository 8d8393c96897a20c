// SimAtomic<T>: the platform atomic on the simulated machine. The value
// lives in ordinary memory (every simulated worker runs on SimGrid's one OS
// thread, one at a time, so execution is sequentially consistent, unless
// the tso model keeps a store in its core's store buffer for a while:
// engine/sim/store_buffer.hpp); each operation is first a coherence access on the line the object sits in,
// which is where simulated time goes. The line is found from the object's
// address, so the padding a lock chose is the padding the model sees.
#pragma once

#include "engine/sim/sim_world.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::engine::sim {

template <class T>
class SimAtomic {
  using Access = coherence::Access;
  using MemoryOrder = lockimpl::MemoryOrder;

 public:
  SimAtomic(T initial, lockimpl::LineName name)
      : value_(initial), line_(SimWorld::current().line_for(this, name)) {}
  SimAtomic(const SimAtomic&) = delete;
  SimAtomic& operator=(const SimAtomic&) = delete;

  // In tso a load sees the calling core's own buffered store first.
  T load(MemoryOrder o) const {
    SimWorld& world = SimWorld::current();
    if (const auto bits = world.forwarded(this)) return from_bits<T>(*bits);
    if (!world.tso()) {
      world.access(line_, Access::load, o);
      return value_;
    }
    LoadSample sample{this, &read};
    world.access(line_, Access::load, o, &sample);
    return sample.taken ? from_bits<T>(sample.value) : value_;
  }
  // In tso a store may wait in the core's store buffer (SimWorld::
  // buffer_store), and other cores see the old value until it drains.
  void store(T v, MemoryOrder o) {
    if (!SimWorld::current().buffer_store(line_, o, this, to_bits(v), &apply)) value_ = v;
  }
  // A plain load and store by the only writer: one ownership access (the
  // load hits once the line is here), never a locked instruction.
  void owner_add(T delta, MemoryOrder o) {
    const auto bits = SimWorld::current().forwarded(this);
    store(static_cast<T>((bits ? from_bits<T>(*bits) : value_) + delta), o);
  }
  T fetch_add(T v, MemoryOrder o) { return rmw(o, [v](T x) { return static_cast<T>(x + v); }); }
  T fetch_sub(T v, MemoryOrder o) { return rmw(o, [v](T x) { return static_cast<T>(x - v); }); }
  T fetch_or(T v, MemoryOrder o) { return rmw(o, [v](T x) { return static_cast<T>(x | v); }); }
  T fetch_and(T v, MemoryOrder o) { return rmw(o, [v](T x) { return static_cast<T>(x & v); }); }
  T exchange(T v, MemoryOrder o) { return rmw(o, [v](T) { return v; }); }
  bool compare_exchange_strong(T& expected, T desired, MemoryOrder o) {
    touch(Access::rmw, o);
    if (value_ == expected) {
      value_ = desired;
      return true;
    }
    expected = value_;
    return false;
  }

  // The value with no simulated access, for introspection by the engine.
  [[nodiscard]] T peek() const { return value_; }

 private:
  void touch(Access a, MemoryOrder o) const { SimWorld::current().access(line_, a, o); }
  template <class F>
  T rmw(MemoryOrder o, F f) {
    touch(Access::rmw, o);
    const T old = value_;
    value_ = f(old);
    return old;
  }

  static void apply(void* self, std::uint64_t bits) { static_cast<SimAtomic*>(self)->value_ = from_bits<T>(bits); }
  static std::uint64_t read(const void* self) { return to_bits(static_cast<const SimAtomic*>(self)->value_); }

  T value_;
  coherence::LineId line_;
};

}  // namespace lockscope::engine::sim
