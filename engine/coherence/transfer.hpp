// Transfer: one cacheline movement the directory performed, as the timeline
// records it.
#pragma once

#include <cstdint>

#include "engine/coherence/cost_model.hpp"

namespace lockscope::engine::coherence {

using LineId = std::uint32_t;

enum class TransferKind : std::uint8_t {
  read_share,    // a load miss served by the core that owned the line (or a sharer)
  ownership,     // a store or RMW miss: the data moves and the old owner loses it
  invalidation,  // a sharer loses its copy to another core's store (no data moves)
  fill,          // served by memory: no core had the line
};

inline constexpr int kMemory = -1;  // `from` of a fill

struct Transfer {
  Picos start = 0;  // when the line started moving (after waiting for earlier transfers)
  Picos end = 0;    // when it arrived
  LineId line = 0;
  std::int32_t from = kMemory;
  std::uint32_t to = 0;
  TransferKind kind = TransferKind::fill;
};

// A core's copy becoming Modified without a transfer saying so (a store on
// an Exclusive copy, by the last sharer, or at the end of a store that
// filled from memory or invalidated the other sharers): with the transfers,
// what makes every core's MESI state of a line exact at any time.
struct Upgrade {
  Picos time = 0;
  LineId line = 0;
  std::uint32_t core = 0;
};

const char* to_string(TransferKind kind);

}  // namespace lockscope::engine::coherence
