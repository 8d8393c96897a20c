// A fixed-size array whose elements each start a cacheline, constructed from
// their index. Per-context and per-CPU lock state lives in one of these so
// that no two contexts share a line (the whole point of per-context counters)
// and so that each element can name its line (`graph.ctx[3].readers`).
#pragma once

#include <cstddef>
#include <new>

#include "lockimpl/platform.hpp"

namespace lockscope::lockimpl {

template <class T>
class PaddedArray {
  static_assert(alignof(T) >= kCachelineBytes, "declare T alignas(kCachelineBytes)");

 public:
  // T must be constructible from its index (an int32, the LineName index).
  explicit PaddedArray(std::size_t size)
      : size_(size),
        data_(static_cast<T*>(::operator new(size * sizeof(T), std::align_val_t{alignof(T)}))) {
    for (std::size_t i = 0; i < size_; ++i) new (&data_[i]) T(static_cast<std::int32_t>(i));
  }
  ~PaddedArray() {
    for (std::size_t i = size_; i-- > 0;) data_[i].~T();
    ::operator delete(data_, std::align_val_t{alignof(T)});
  }
  PaddedArray(const PaddedArray&) = delete;
  PaddedArray& operator=(const PaddedArray&) = delete;

  [[nodiscard]] std::size_t size() const { return size_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }

 private:
  std::size_t size_;
  T* data_;
};

}  // namespace lockscope::lockimpl
