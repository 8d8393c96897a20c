#include "engine/litmus/verdict.hpp"

#include <fmt/format.h>

namespace lockscope::engine::litmus {
namespace {

struct World {
  const char* name;
  const OutcomeCounts* counts;
  bool sc;  // held to SC (else to x86-TSO)
};

bool allowed(const Outcome& o, bool sc) { return sc ? o.sc_allows : o.tso_allows; }

}  // namespace

Verdict judge(const LitmusTest& test, const OutcomeCounts* real, const OutcomeCounts* sim_tso,
              const OutcomeCounts* sim_sc) {
  Verdict v;
  const World worlds[] = {{"real threads", real, false}, {"sim tso", sim_tso, false}, {"sim sc", sim_sc, true}};
  for (const World& w : worlds) {
    if (w.counts == nullptr) continue;
    for (std::size_t i = 0; i < test.outcomes.size(); ++i) {
      if (w.counts->counts[i] > 0 && !allowed(test.outcomes[i], w.sc)) {
        v.fail = true;
        v.notes.push_back(fmt::format("FAIL: {} showed {} ({} of {}), which {} forbids", w.name,
                                      outcome_label(test, test.outcomes[i]), w.counts->counts[i], w.counts->runs,
                                      w.sc ? "sequential consistency" : "x86-TSO"));
      }
    }
    if (w.counts->impossible() > 0) {
      v.fail = true;
      v.notes.push_back(fmt::format("FAIL: {} showed an outcome the program cannot produce ({} of {})", w.name,
                                    w.counts->impossible(), w.counts->runs));
    }
  }
  // Agreement: sim tso against the hardware (or against x86-TSO's rule
  // when the hardware did not run); sim sc against SC's rule.
  bool same = true;
  for (std::size_t i = 0; i < test.outcomes.size(); ++i) {
    const Outcome& o = test.outcomes[i];
    const std::string label = outcome_label(test, o);
    if (sim_tso != nullptr) {
      const bool want = real != nullptr ? real->counts[i] > 0 : o.tso_allows;
      const bool seen = sim_tso->counts[i] > 0;
      if (want && !seen) {
        same = false;
        v.notes.push_back(real != nullptr ? fmt::format("not seen: {} in sim tso (0 of {} seeds; real threads {} of {})",
                                                        label, sim_tso->runs, real->counts[i], real->runs)
                                          : fmt::format("not seen: {} in sim tso (0 of {} seeds; x86-TSO allows it)",
                                                        label, sim_tso->runs));
      } else if (seen && !want && real != nullptr && o.tso_allows) {
        same = false;
        v.notes.push_back(fmt::format("not seen: {} on real threads (0 of {} runs; sim tso {} of {} seeds)", label,
                                      real->runs, sim_tso->counts[i], sim_tso->runs));
      }
    } else if (real != nullptr && o.tso_allows && real->counts[i] == 0) {
      same = false;
      v.notes.push_back(fmt::format("not seen: {} on real threads (0 of {} runs; x86-TSO allows it)", label, real->runs));
    }
    // Noted, but sc is not held to the hardware: it is not x86's model.
    if (sim_sc != nullptr && o.sc_allows && sim_sc->counts[i] == 0) {
      v.notes.push_back(
          fmt::format("not seen: {} in sim sc (0 of {} seeds; sequential consistency allows it)", label, sim_sc->runs));
    }
  }
  v.agrees = !v.fail && same;
  if (v.fail) {
    v.line = "FAIL: a forbidden outcome was seen";
  } else if (v.agrees) {
    v.line = sim_tso != nullptr && real != nullptr ? "agrees: sim tso shows exactly the outcomes real threads show"
                                                   : "agrees: every allowed outcome seen, no forbidden one";
  } else {
    v.line = "agrees on what is forbidden; some allowed outcomes not seen (below)";
  }
  return v;
}

}  // namespace lockscope::engine::litmus
