#include "engine/coherence/directory.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>

namespace lockscope::engine::coherence {

const char* to_string(TransferKind kind) {
  switch (kind) {
    case TransferKind::read_share: return "read_share";
    case TransferKind::ownership: return "ownership";
    case TransferKind::invalidation: return "invalidation";
    case TransferKind::fill: return "fill";
  }
  return "?";
}

Directory::Directory(CostModel costs) : costs_(std::move(costs)) {
  if (costs_.cores == 0 || costs_.transfer.size() != std::size_t{costs_.cores} * costs_.cores) {
    std::fprintf(stderr, "lockscope: coherence cost model is not cores x cores\n");
    std::abort();
  }
}

namespace {

// Whether `name` is already one of the variables a line's name lists
// ("a + b + c"). The first may carry the prefix of the lock that named the
// line first ("table_lock: glibc-mutex.lock"); a later variable of that lock
// comes without it (SimWorld::prefixed) and is the same variable.
bool names_variable(std::string_view line_name, std::string_view name) {
  std::size_t start = 0;
  for (bool first = true;; first = false) {
    const std::size_t end = line_name.find(" + ", start);
    const std::string_view part = line_name.substr(start, end == std::string_view::npos ? end : end - start);
    if (part == name) return true;
    if (first) {
      const std::size_t colon = part.find(": ");
      if (colon != std::string_view::npos && part.substr(colon + 2) == name) return true;
    }
    if (end == std::string_view::npos) return false;
    start = end + 3;
  }
}

}  // namespace

LineId Directory::line_at(std::uintptr_t address, std::string_view name) {
  const std::uintptr_t key = address / 64;
  auto [it, inserted] = by_address_.try_emplace(key, static_cast<LineId>(lines_.size()));
  if (inserted) {
    Line line;
    line.sharers.assign((costs_.cores + 63) / 64, 0);
    line.stats.name = std::string(name);
    line.stats.touched_by.assign(costs_.cores, false);
    lines_.push_back(std::move(line));
  } else {
    std::string& existing = lines_[it->second].stats.name;
    // A second variable in the same line: false sharing, made visible.
    if (!name.empty() && !names_variable(existing, name)) existing += " + " + std::string(name);
  }
  return it->second;
}

std::optional<LineId> Directory::find_line(std::uintptr_t address) const {
  const auto it = by_address_.find(address / 64);
  if (it == by_address_.end()) return std::nullopt;
  return it->second;
}

bool Directory::hits(unsigned core, LineId id, Access access) const {
  const Line& l = lines_[id];
  if (l.owner == static_cast<std::int32_t>(core)) return true;
  return access == Access::load && is_sharer(l, core);
}

namespace {
constexpr std::int32_t kUnknown = -2;
}  // namespace

void Directory::add_sharer(Line& l, unsigned core) {
  std::uint64_t& word = l.sharers[core / 64];
  const std::uint64_t bit = std::uint64_t{1} << (core % 64);
  if ((word & bit) == 0) {
    word |= bit;
    ++l.sharer_count;
    // Each known answer changes only if the new sharer is nearer, or as
    // near and lower numbered (nearest_sharer's rule).
    for (unsigned c = 0; c < l.nearest.size(); ++c) {
      std::int32_t& best = l.nearest[c];
      if (best == kUnknown) continue;
      const Picos cost = costs_.between(core, c);
      const Picos best_cost = costs_.between(static_cast<unsigned>(best), c);
      if (cost < best_cost || (cost == best_cost && static_cast<std::int32_t>(core) < best)) {
        best = static_cast<std::int32_t>(core);
      }
    }
  }
}

void Directory::clear_sharers(Line& l) {
  std::fill(l.sharers.begin(), l.sharers.end(), 0);
  l.sharer_count = 0;
  std::fill(l.nearest.begin(), l.nearest.end(), kUnknown);
}

// The sharer whose copy costs `core` least; of equal costs, the lowest
// numbered. Kept per core while the sharers stay (add_sharer updates it):
// arbitration asks for each waiting request at each landing, and at the
// start of a run on a thousand cores a thousand requests wait for a line
// that gains one sharer per landing; costing every sharer for each was a
// third of a short mesh-1024 run's instructions.
int Directory::nearest_sharer(const Line& l, unsigned core) const {
  if (l.sharer_count == 0) return kMemory;
  if (!l.nearest.empty() && l.nearest[core] != kUnknown) return l.nearest[core];
  int best = kMemory;
  Picos best_cost = 0;
  for (std::size_t w = 0; w < l.sharers.size(); ++w) {
    for (std::uint64_t bits = l.sharers[w]; bits != 0; bits &= bits - 1) {
      const auto c = static_cast<unsigned>(w * 64 + static_cast<unsigned>(std::countr_zero(bits)));
      const Picos cost = costs_.between(c, core);
      if (best == kMemory || cost < best_cost) {
        best = static_cast<int>(c);
        best_cost = cost;
      }
    }
  }
  if (l.nearest.empty()) l.nearest.assign(costs_.cores, kUnknown);
  l.nearest[core] = best;
  return best;
}

void Directory::log(Line& l, LineId id, Picos start, Picos end, int from, unsigned to,
                    TransferKind kind) {
  if (kind == TransferKind::invalidation) {
    ++l.stats.invalidations;
  } else {
    ++l.stats.transfers;
    ++total_transfers_;
  }
  if (log_ != nullptr) log_->push_back(Transfer{start, end, id, from, to, kind});
}

// Invalidates every sharer but `core`, in parallel; returns when the last
// acknowledgement is back. Each acknowledgement takes the pair's transfer
// latency times `factor` (the per-state cost of writing a shared line).
Picos Directory::invalidate_others(Line& l, LineId id, unsigned core, Picos start, double factor) {
  Picos done = start;
  for (std::size_t w = 0; w < l.sharers.size(); ++w) {
    for (std::uint64_t bits = l.sharers[w]; bits != 0; bits &= bits - 1) {
      const auto c = static_cast<unsigned>(w * 64 + static_cast<unsigned>(std::countr_zero(bits)));
      if (c == core) continue;
      const Picos end = start + scaled(costs_.between(core, c), factor);
      log(l, id, start, end, static_cast<int>(core), c, TransferKind::invalidation);
      done = std::max(done, end);
    }
  }
  clear_sharers(l);
  return done;
}

Picos Directory::access(unsigned core, LineId id, Access access, Picos now, bool wait_for_hold) {
  Line& l = lines_[id];
  if (hits(core, id, access)) {
    if (access != Access::load && !l.dirty) {  // E -> M, silently
      l.dirty = true;
      upgrade(id, core, now);
    }
    return now + costs_.l1_hit;
  }
  l.stats.touched_by[core] = true;
  // What this kind of access costs by the line's state; the defaults charge
  // the plain transfer latency (docs/simulator.md, the access-cost table).
  const StateCosts& state = access == Access::load    ? costs_.load
                            : access == Access::store ? costs_.store
                                                      : costs_.rmw;
  const Picos from_memory = state.memory != 0 ? state.memory : costs_.memory;
  // One transfer of a line at a time: wait for the previous one to land.
  Picos start = std::max(now, l.busy_until);
  l.held = false;
  if (l.owner != kMemory) {
    // Taking the line from its owner, which answers a request that waits
    // for its hold no earlier than line_hold after the line landed there
    // and keeps working on its copy until then (keeps()).
    if (wait_for_hold && l.busy_until + costs_.line_hold > start) {
      start = l.busy_until + costs_.line_hold;
      l.held = true;
    }
    l.leaving = l.owner;
    l.leaves_at = start;
  }
  Picos end = start;
  if (access == Access::load) {
    if (l.owner != kMemory) {
      const auto owner = static_cast<unsigned>(l.owner);
      end = start + scaled(costs_.between(owner, core), l.dirty ? state.modified : state.exclusive);
      log(l, id, start, end, l.owner, core, TransferKind::read_share);
      add_sharer(l, owner);
      add_sharer(l, core);
      l.owner = kMemory;
      l.dirty = false;
    } else if (l.sharer_count != 0) {
      const int from = nearest_sharer(l, core);
      end = start + scaled(costs_.between(static_cast<unsigned>(from), core), state.shared);
      log(l, id, start, end, from, core, TransferKind::read_share);
      add_sharer(l, core);
    } else {
      end = start + from_memory;
      log(l, id, start, end, kMemory, core, TransferKind::fill);
      l.owner = static_cast<std::int32_t>(core);
      l.dirty = false;  // E
    }
  } else {
    if (l.owner != kMemory) {
      end = start + scaled(costs_.between(static_cast<unsigned>(l.owner), core),
                           l.dirty ? state.modified : state.exclusive);
      log(l, id, start, end, l.owner, core, TransferKind::ownership);
    } else if (l.sharer_count != 0) {
      const bool upgrading = is_sharer(l, core);
      // ccbench's STORE_ON_SHARED measures k other copies invalidated; the
      // same factor scales the data and every acknowledgement.
      const double factor = state.shared_by_factor(l.sharer_count - (upgrading ? 1U : 0U));
      if (!upgrading) {
        // The data comes from the nearest sharer (a forwarding state, as
        // MESIF's F or MOESI's O), while the others are invalidated.
        const int from = nearest_sharer(l, core);
        end = start + scaled(costs_.between(static_cast<unsigned>(from), core), factor);
        log(l, id, start, end, from, core, TransferKind::ownership);
      }
      end = std::max(end, invalidate_others(l, id, core, start, factor));
      if (upgrading) upgrade(id, core, end);  // S -> M once the last acknowledgement is back
    } else {
      end = start + from_memory;
      log(l, id, start, end, kMemory, core, TransferKind::fill);
      upgrade(id, core, end);  // the fill says E; the store makes it M
    }
    l.owner = static_cast<std::int32_t>(core);
    l.dirty = true;
  }
  l.busy_until = end;
  return end;
}

Picos Directory::move_earlier(LineId id, Picos start) {
  Line& l = lines_[id];
  if (!l.held || start >= l.leaves_at) return l.busy_until;
  const Picos by = l.leaves_at - start;
  l.leaves_at = start;
  l.busy_until -= by;
  if (log_ != nullptr) {
    // The move's own entry: the line's latest, near the end of the log
    // (other lines may have moved since).
    for (auto it = log_->rbegin(); it != log_->rend(); ++it) {
      if (it->line != id) continue;
      it->start -= by;
      it->end -= by;
      break;
    }
  }
  return l.busy_until;
}

// The access itself on a saved copy of everything it may change.
Picos Directory::would_complete(unsigned core, LineId line, Access access, Picos now, bool wait_for_hold) {
  const Line saved = lines_[line];
  const std::uint64_t total = total_transfers_;
  std::vector<Transfer>* const log = log_;
  std::vector<Upgrade>* const upgrade_log = upgrade_log_;
  log_ = nullptr;
  upgrade_log_ = nullptr;
  const Picos end = this->access(core, line, access, now, wait_for_hold);
  lines_[line] = saved;
  total_transfers_ = total;
  log_ = log;
  upgrade_log_ = upgrade_log;
  return end;
}

}  // namespace lockscope::engine::coherence
