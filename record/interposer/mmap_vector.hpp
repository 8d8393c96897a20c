// A growable array for the writer thread that never calls malloc: the
// writer may finish the recording while a program thread, stopped by a
// signal, holds malloc's lock. Memory comes from mmap and grows by mremap;
// elements must be trivially copyable (they move with their pages) and start
// zeroed.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstring>
#include <type_traits>

namespace lockscope::record::interposer {

template <typename T>
class MmapVector {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  MmapVector() = default;
  MmapVector(const MmapVector&) = delete;
  MmapVector& operator=(const MmapVector&) = delete;

  // Makes index `i` valid (zero-filled if new). False if memory ran out.
  bool ensure(std::size_t i) {
    if (i < capacity_) {
      if (i >= size_) size_ = i + 1;
      return true;
    }
    std::size_t capacity = capacity_ == 0 ? 4096 / sizeof(T) + 1 : capacity_;
    while (capacity <= i) capacity *= 2;
    const std::size_t old_bytes = round_up(capacity_ * sizeof(T));
    const std::size_t new_bytes = round_up(capacity * sizeof(T));
    void* p = data_ == nullptr
                  ? ::mmap(nullptr, new_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                  : ::mremap(data_, old_bytes, new_bytes, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) return false;
    data_ = static_cast<T*>(p);
    capacity_ = new_bytes / sizeof(T);
    size_ = i + 1;
    return true;
  }

  bool push_back(const T& v) {
    if (!ensure(size_)) return false;
    std::memcpy(static_cast<void*>(&data_[size_ - 1]), &v, sizeof(T));
    return true;
  }

  void clear() { size_ = 0; }

  // Unmaps the memory (the vector is empty and reusable afterwards).
  void release() {
    if (data_ != nullptr) ::munmap(data_, round_up(capacity_ * sizeof(T)));
    data_ = nullptr;
    size_ = capacity_ = 0;
  }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  std::size_t size() const { return size_; }
  T* data() { return data_; }

 private:
  static std::size_t round_up(std::size_t bytes) { return (bytes + 4095) & ~std::size_t{4095}; }

  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace lockscope::record::interposer
