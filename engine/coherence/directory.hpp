// Directory: the coherence model of the simulated machine. MESI per 64-byte
// line, tracked as an owner (a core in M or E) plus a set of sharers (S).
//
//   load,  owner or sharer is us      hit: l1_hit
//   load,  another core owns it       read_share from the owner; both become S
//   load,  only sharers               read_share from the nearest sharer
//   load,  nobody has it              fill from memory; we own it clean (E)
//   store/RMW, we own it              hit (E -> M silently)
//   store/RMW, another core owns it   ownership from the owner
//   store/RMW, others share it        ownership from the nearest sharer, the rest invalidated
//   store/RMW, we share it too        upgrade: invalidate the other sharers
//   store/RMW, nobody has it          fill from memory; we own it (M)
//
// The owner's copy is M or E; the model keeps the difference (`dirty`) to
// log the silent changes to M (Upgrade) that the timeline needs to show
// every core's MESI state exactly, and to charge per-state costs.
//
// Per-state costs (CostModel::load, store, rmw; from a calibrated machine):
// a miss above is charged its transfer latency times the factor of the
// line's state for that kind of access (M or E in the owner, S in the
// sharers, with the number of copies a write invalidates), and a fill its
// own memory cost. The defaults charge exactly the table above.
//
// A line is in one place at a time: its misses are served one after another
// (each waits until the line's previous transfer has arrived). That is what
// makes a central counter collapse: with k cores hammering one line the
// aggregate rate tends to one transfer per transfer latency, whatever k is.
// Invalidations of several sharers proceed in parallel; the writer waits for
// the slowest acknowledgement.
//
// The directory is a pure model: it advances no clock. The caller passes the
// time an access starts and gets the time it completes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/coherence/cost_model.hpp"
#include "engine/coherence/transfer.hpp"

namespace lockscope::engine::coherence {

enum class Access : std::uint8_t { load, store, rmw };

struct LineStats {
  std::string name;  // "graph.has_writer"; several names joined by " + " when they share a line
  std::uint64_t transfers = 0;      // read_share + ownership + fill
  std::uint64_t invalidations = 0;
  std::vector<bool> touched_by;     // per core: did it ever miss on this line
};

class Directory {
 public:
  explicit Directory(CostModel costs);

  // The line holding the byte at `address`, created on first use. `name`
  // names the variable; a second, different name in the same line is
  // appended, so false sharing shows in the line's name.
  LineId line_at(std::uintptr_t address, std::string_view name);
  // The line that holds `address`, if one was named already.
  [[nodiscard]] std::optional<LineId> find_line(std::uintptr_t address) const;

  // True if `core` can perform `access` on `line` without a miss.
  [[nodiscard]] bool hits(unsigned core, LineId line, Access access) const;

  // The core that holds the line in M or E, or the nearest sharer to `core`
  // when only sharers have it; kMemory when no core has it. Arbitration
  // measures a waiting request's distance to it.
  [[nodiscard]] int holder(LineId line, unsigned core) const {
    const Line& l = lines_[line];
    return l.owner != kMemory ? l.owner : nearest_sharer(l, core);
  }

  // The core that holds the line in M or E, or kMemory: then holder()
  // depends on who asks.
  [[nodiscard]] int owner(LineId line) const { return lines_[line].owner; }

  // True if `core` owned the line before its latest move and `at` is before
  // the line left it: until the request reaches it, the old owner keeps
  // working on its copy.
  [[nodiscard]] bool keeps(unsigned core, LineId line, Picos at) const {
    const Line& l = lines_[line];
    return l.leaving == static_cast<std::int32_t>(core) && at < l.leaves_at;
  }

  // When the line last finished moving between caches (0: never moved).
  [[nodiscard]] Picos last_moved(LineId line) const { return lines_[line].busy_until; }

  // When the line's latest move from an owner left it, and whether that
  // latest move waited for the owner's hold (line_hold) to start. A move
  // from sharers or memory is never held, and leaves left_at as it was.
  [[nodiscard]] Picos left_at(LineId line) const { return lines_[line].leaves_at; }
  [[nodiscard]] bool held(LineId line) const { return lines_[line].held; }

  // The line's latest move, if its owner's hold delayed it, leaves at
  // `start` instead, earlier: its old owner stopped using it before its
  // hold was over (SimWorld::let_go). The move costs what it did; returns
  // when the latest move lands. Nothing else may have moved the line since.
  Picos move_earlier(LineId line, Picos start);

  // Performs the access starting at `now`; returns when it completes. Every
  // miss appends to the transfer log (if one is set) and to the line's stats.
  // `held`: a move from an owner waits for its hold (CostModel::line_hold)
  // after the line landed there; false, it starts when asked.
  Picos access(unsigned core, LineId line, Access access, Picos now, bool wait_for_hold = true);

  // When the access would complete if performed at `now`, with nothing
  // changed: a store waiting in a store buffer (tso) takes its line only
  // when the transfer is over, and other cores keep their copies until then.
  [[nodiscard]] Picos would_complete(unsigned core, LineId line, Access access, Picos now,
                                     bool wait_for_hold = true);

  void set_transfer_log(std::vector<Transfer>* log) { log_ = log; }
  // Every silent change to Modified (see Upgrade) is appended here, in the
  // order accesses are performed (not necessarily by time).
  void set_upgrade_log(std::vector<Upgrade>* log) { upgrade_log_ = log; }
  [[nodiscard]] const CostModel& costs() const { return costs_; }
  [[nodiscard]] std::size_t line_count() const { return lines_.size(); }
  [[nodiscard]] const LineStats& stats(LineId line) const { return lines_[line].stats; }
  [[nodiscard]] std::uint64_t total_transfers() const { return total_transfers_; }

 private:
  struct Line {
    std::int32_t owner = kMemory;  // core in M or E, or none
    std::vector<std::uint64_t> sharers;  // bitset over cores
    std::uint32_t sharer_count = 0;
    // Per core, its nearest sharer (nearest_sharer's answer) while the
    // sharers stay as they are, or kUnknown; empty until first asked.
    mutable std::vector<std::int32_t> nearest;
    bool dirty = false;  // the owner's copy is M (else E); only for the upgrade log
    Picos busy_until = 0;
    std::int32_t leaving = kMemory;  // the owner before the latest move...
    Picos leaves_at = 0;             // ...kept the line until then...
    bool held = false;               // ...for its hold (line_hold): the latest move waited for it
    LineStats stats;
  };

  [[nodiscard]] bool is_sharer(const Line& l, unsigned core) const {
    return ((l.sharers[core / 64] >> (core % 64)) & 1U) != 0;
  }
  void add_sharer(Line& l, unsigned core);
  void clear_sharers(Line& l);
  int nearest_sharer(const Line& l, unsigned core) const;
  void log(Line& l, LineId id, Picos start, Picos end, int from, unsigned to, TransferKind kind);
  Picos invalidate_others(Line& l, LineId id, unsigned core, Picos start, double factor);
  void upgrade(LineId id, unsigned core, Picos at) {
    if (upgrade_log_ != nullptr) upgrade_log_->push_back(Upgrade{at, id, core});
  }

  CostModel costs_;
  std::vector<Line> lines_;
  std::unordered_map<std::uintptr_t, LineId> by_address_;
  std::vector<Transfer>* log_ = nullptr;
  std::vector<Upgrade>* upgrade_log_ = nullptr;
  std::uint64_t total_transfers_ = 0;
};

}  // namespace lockscope::engine::coherence
