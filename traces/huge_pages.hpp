// Large arrays that are filled once and then read (a timeline's spans, the
// bytes of a timeline file) ask the kernel for transparent huge pages before
// they are first touched. On a VM, faulting in 4 KiB pages was 30% of loading
// a 10-million-event timeline; a 2 MiB fault covers 512 of them. Where THP is
// off or unsupported the advice is a no-op.
#pragma once

#include <cstddef>
#include <vector>

namespace lockscope::traces {

// madvise(MADV_HUGEPAGE) on the 2 MiB-aligned interior of [p, p + bytes),
// when that is at least one huge page. Errors are ignored: it is advice.
void advise_huge_pages(void* p, std::size_t bytes);

// v.reserve(n), with huge pages advised for the new storage.
template <class T>
void reserve_huge(std::vector<T>& v, std::size_t n) {
  v.reserve(n);
  advise_huge_pages(v.data(), v.capacity() * sizeof(T));
}

}  // namespace lockscope::traces
