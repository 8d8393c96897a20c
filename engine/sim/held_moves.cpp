#include "engine/sim/held_moves.hpp"

#include <algorithm>
#include <utility>

#include "engine/sim/sim_world.hpp"

namespace lockscope::engine::sim {

void HeldMoves::landed(coherence::LineId line, SimWorker* worker) {
  if (holders_.size() <= line) holders_.resize(std::size_t{line} + 1);
  holders_[line] = Holder{worker};
}

void HeldMoves::granted(coherence::LineId line, SimWorker& next, Picos asked,
                        const coherence::Directory& directory) {
  if (line >= holders_.size() || holders_[line].worker == nullptr) return;
  Holder& h = holders_[line];
  // Only a move that this holder's hold delays can start sooner (a move
  // from sharers is never held, whatever the owner before did).
  if (!directory.held(line) || !directory.keeps(h.worker->core, line, asked)) return;
  h.next = &next;
  h.asked = asked;
  h.done = next.granted_done;
  std::vector<coherence::LineId>& keeping = h.worker->keeping;
  if (std::find(keeping.begin(), keeping.end(), line) == keeping.end()) keeping.push_back(line);
}

void HeldMoves::let_go(SimWorker& w, Picos now, coherence::Directory& directory, WakeQueue& wakes) {
  for (const coherence::LineId line : w.keeping) {
    Holder& h = holders_[line];
    if (h.worker != &w || h.next == nullptr) continue;
    SimWorker& n = *std::exchange(h.next, nullptr);
    // Only the move granted for this hold, while it has not started and
    // nothing else moved the line since.
    if (directory.last_moved(line) != h.done || !directory.held(line) || now >= directory.left_at(line)) continue;
    const Picos start = std::max(now, h.asked);
    const Picos done = h.done - (directory.left_at(line) - start);
    // The requester's wake-up is still queued (it is due at h.done, after
    // the move leaves, which is after now); should it not be, the move
    // stays as it was rather than land after its requester went on.
    if (wakes.move_earlier(n.actor, h.done, done)) {
      directory.move_earlier(line, start);
      n.granted_done = done;
    }
  }
  w.keeping.clear();
}

}  // namespace lockscope::engine::sim
