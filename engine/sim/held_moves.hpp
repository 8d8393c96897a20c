// HeldMoves: the moves of lines that wait for a holder's hold (the cost
// model's line_hold), so that the holder can let them go sooner
// (docs/simulator.md, "Handing over": SimCosts::hold_while_used). A line
// that lands at a worker stays there for its hold against the requests that
// queued for it in flight; the first of them is granted at the landing, its
// move timed for the hold's end. When the holder turns to something else
// first (SimWorld::let_go), that move starts then: the directory retimes it
// and the wake-up queue wakes its requester that much sooner.
#pragma once

#include <vector>

#include "engine/coherence/directory.hpp"
#include "engine/sim/wake_queue.hpp"

namespace lockscope::engine::sim {

struct SimWorker;

class HeldMoves {
 public:
  // `line` landed at `worker` (null: a store buffer's drain, which never
  // lets go: its line is held for the hold's full length).
  void landed(coherence::LineId line, SimWorker* worker);
  // `next` was granted `line` at its landing, asked for at `asked`, to land
  // at next.granted_done: kept if the holder's hold delays that move.
  void granted(coherence::LineId line, SimWorker& next, Picos asked, const coherence::Directory& directory);
  // `w` turns away at `now`: each move its hold delays starts now, if that
  // is sooner; none is kept for it afterwards.
  void let_go(SimWorker& w, Picos now, coherence::Directory& directory, WakeQueue& wakes);

 private:
  struct Holder {
    SimWorker* worker = nullptr;  // where the line last landed, or null
    SimWorker* next = nullptr;    // the request granted, waiting for the hold...
    Picos asked = 0;              // ...which it could have started at but for it...
    Picos done = 0;               // ...and lands as granted
  };
  std::vector<Holder> holders_;  // by line
};

}  // namespace lockscope::engine::sim
