// A fixed-size array whose elements are constructed from their index, so
// that each can name its line (`graph.ctx[3].readers`). Per-context and
// per-CPU lock state lives in one of these. Declare T alignas(kCachelineBytes)
// and no two elements share a line (the whole point of per-context
// counters); leave it packed to reproduce a layout where they do.
#pragma once

#include <cstddef>
#include <new>

#include "lockimpl/platform.hpp"

namespace lockscope::lockimpl {

template <class T>
class IndexedArray {
  // The array starts a line even when T is packed, so which elements share
  // a line never depends on where the heap put the array (determinism).
  static constexpr std::size_t kAlignment = alignof(T) > kCachelineBytes ? alignof(T) : kCachelineBytes;

 public:
  // T must be constructible from its index (an int32, the LineName index),
  // followed by `args` (the same for every element: a line name, say).
  template <class... Args>
  explicit IndexedArray(std::size_t size, const Args&... args)
      : size_(size),
        data_(static_cast<T*>(::operator new(size * sizeof(T), std::align_val_t{kAlignment}))) {
    for (std::size_t i = 0; i < size_; ++i) new (&data_[i]) T(static_cast<std::int32_t>(i), args...);
  }
  ~IndexedArray() {
    for (std::size_t i = size_; i-- > 0;) data_[i].~T();
    ::operator delete(data_, std::align_val_t{kAlignment});
  }
  IndexedArray(const IndexedArray&) = delete;
  IndexedArray& operator=(const IndexedArray&) = delete;

  [[nodiscard]] std::size_t size() const { return size_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }

 private:
  std::size_t size_;
  T* data_;
};

}  // namespace lockscope::lockimpl
