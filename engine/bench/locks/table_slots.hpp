// A lockimpl lock built for real threads with the size of its table, for
// the designs that have one: BRAVO's visible-readers table, which
// `--lock bravo:slots=N` sizes in bench and stress as it does in replay
// (engine/replay/lock_spec.hpp). Designs without a table take no size.
#pragma once

#include <cstdint>
#include <type_traits>

namespace lockscope::engine::bench {

template <class L>
inline constexpr bool kHasTable = requires { L::kDefaultTableSlots; };

// `table_slots` 0: the design's default.
template <class L>
L make_sized_lock(std::uint32_t max_contexts, std::uint32_t table_slots) {
  if constexpr (kHasTable<L>) {
    return L(max_contexts, table_slots != 0 ? table_slots : L::kDefaultTableSlots);
  } else {
    return L(max_contexts);
  }
}

// A bench or stress wrapper for one run: given the table's size where it
// takes one (LockimplLock, LockimplStressLock), the count alone otherwise
// (pthread_rwlock, TBB, ...).
template <class W>
W make_run_lock(unsigned count, std::uint32_t table_slots) {
  if constexpr (std::is_constructible_v<W, unsigned, std::uint32_t>) {
    return W(count, table_slots);
  } else {
    return W(count);
  }
}

}  // namespace lockscope::engine::bench
