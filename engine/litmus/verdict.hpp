// The verdict on one litmus test: do the worlds that ran it (real threads,
// the simulator in tso, the simulator in sc) show what their memory model
// allows, and does the simulator in tso show the outcomes the hardware
// shows?
//
//   FAIL     a world showed an outcome its model forbids: real threads and
//            sim tso are held to x86-TSO, sim sc to sequential consistency.
//            An outcome the program cannot produce at all fails anywhere.
//   agrees   no FAIL, and sim tso showed exactly the outcomes real threads
//            showed (without real threads: exactly those x86-TSO allows).
//   else     no FAIL, but an allowed outcome was seen on one side and not
//            on the other: each is named with its counts ("not seen").
// An SC-allowed outcome that sim sc never showed is noted too, without
// touching the verdict: sc is not the hardware's model.
#pragma once

#include <string>
#include <vector>

#include "engine/litmus/catalogue.hpp"
#include "engine/litmus/outcome_counts.hpp"

namespace lockscope::engine::litmus {

struct Verdict {
  bool fail = false;   // a forbidden outcome was seen
  bool agrees = false; // no FAIL and the same outcomes
  std::string line;    // one line for the table's foot
  std::vector<std::string> notes;  // each FAIL and each outcome not seen
};

// Any of the three may be null (that world did not run).
Verdict judge(const LitmusTest& test, const OutcomeCounts* real, const OutcomeCounts* sim_tso,
              const OutcomeCounts* sim_sc);

}  // namespace lockscope::engine::litmus
