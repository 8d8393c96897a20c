#include "engine/study/study.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "engine/machine/published_presets.hpp"

namespace lockscope::engine::study {
namespace {

using X = machine::Sosp13Xeon;

// Where the figures were read. The paper's pages past the first were not
// reachable; two public notes quote its Xeon column (docs/fidelity.md,
// "Published measurements").
constexpr std::string_view kNotes =
    "Table 2 (Xeon, line Modified), as quoted in the lecture notes \"[OS Notes] Synchronization "
    "(Part I)\", Real World Coherence Costs";
constexpr std::string_view kSurvey =
    "Table 2 (Xeon, line Modified), as quoted in a research note's measured-numbers table "
    "(\"109 cycles same die, 289/400 across hops\")";

constexpr std::array kXeonLatencies = {
    PublishedLatency{Op::load, 0, X::kLoadModified[0], true, kNotes},
    PublishedLatency{Op::load, 1, X::kLoadModified[1], true, kNotes},
    PublishedLatency{Op::load, 2, X::kLoadModified[2], true, kSurvey},
    PublishedLatency{Op::store, 0, X::kStoreModified[0], true, kNotes},
    PublishedLatency{Op::store, 1, X::kStoreModified[1], false, kNotes},
    PublishedLatency{Op::cas, 0, X::kCasModified[0], true, kNotes},
    PublishedLatency{Op::cas, 1, X::kCasModified[1], false, kNotes},
};
constexpr std::array<std::string_view, 3> kXeonDistances = {"same die", "one hop", "two hops"};
// Core 0 is on socket 0; socket 1 is one hop away, socket 2 two hops.
constexpr std::array<unsigned, 3> kXeonPartners = {1, X::kCoresPerSocket, 2 * X::kCoresPerSocket};
// One socket, then whole sockets: the study's thread placement fills
// sockets in order (libslock's the_cores).
constexpr std::array<unsigned, 7> kXeonThreads = {1, 2, 5, 10, 20, 40, 80};

constexpr std::array kStudies = {
    Study{
        "sosp13-xeon",
        "SOSP 2013 synchronization study, 80-core Xeon (Westmere-EX): ccbench latencies and one contended line",
        "T. David, R. Guerraoui, V. Trigonakis, \"Everything You Always Wanted to Know About "
        "Synchronization but Were Afraid to Ask\", SOSP 2013",
        "xeon-80-sosp13",
        X::kClockGhz,
        kXeonDistances,
        kXeonPartners,
        kXeonLatencies,
        Op::fai,
        kXeonThreads,
        "the study plots atomic-operation throughput on one line against threads (Figure 4) but no "
        "number from it could be read, so no published throughput is given",
    },
};

double ratio(double simulated, double published) { return published > 0 ? simulated / published : 0; }

}  // namespace

std::span<const Study> studies() { return kStudies; }

const Study* find_study(std::string_view name) {
  for (const Study& s : kStudies) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

double one_transfer_bound_mops(const machine::Machine& m, unsigned threads) {
  const double rmw_factor = m.access.given() && m.access.rmw.modified_ns > 0
                                ? m.access.rmw.modified_ns / m.access.reference_ns
                                : 1.0;
  if (threads <= 1) return 1e3 / (m.l1_hit_ns + m.fence_ns);
  double sum = 0;
  unsigned pairs = 0;
  for (unsigned i = 0; i < threads; ++i) {
    for (unsigned j = 0; j < threads; ++j) {
      if (i == j) continue;
      sum += m.latency(i, j);
      ++pairs;
    }
  }
  return 1e3 / (sum / pairs * rmw_factor + m.fence_ns);
}

StudyResult run_study(const Study& study, const machine::Machine& m, const StudyOptions& options,
                      const std::function<void(const std::string&)>& progress) {
  StudyResult result;
  for (const PublishedLatency& p : study.latencies) {
    LatencyRow row;
    row.published = p;
    const unsigned to = study.partner_of_core0[p.distance];
    if (progress) progress(fmt::format("ccbench {} at {}", to_string(p.op), study.distance_names[p.distance]));
    if (auto ns = bounce_latency_ns(m, 0, to, p.op, options.bounce)) {
      row.simulated_cycles = *ns * study.clock_ghz;
    } else {
      row.error = ns.error();
    }
    result.latencies.push_back(std::move(row));
  }
  std::vector<unsigned> threads = options.threads;
  if (threads.empty()) threads.assign(study.threads.begin(), study.threads.end());
  for (const unsigned t : threads) {
    ThroughputRow row;
    row.threads = t;
    row.bound_mops = one_transfer_bound_mops(m, t);
    if (progress) progress(fmt::format("contended {} with {} threads", to_string(study.contended_op), t));
    if (auto r = contended_throughput(m, t, study.contended_op, options.contended)) {
      row.simulated_mops = r->ops_per_sec / 1e6;
    } else {
      row.error = r.error();
    }
    result.throughput.push_back(std::move(row));
  }
  return result;
}

std::string format_table(const Study& study, const StudyResult& result) {
  std::string out = fmt::format("{}\n{}\nmachine: {} (lockscope machines --show {})\n\n", study.title, study.citation,
                                study.machine, study.machine);
  out += "ccbench: one operation on a line Modified in another core (cycles)\n";
  out += fmt::format("{:<6} {:<9} {:>9} {:>9} {:>6}  {}\n", "OP", "DISTANCE", "PUBLISHED", "SIMULATED", "RATIO",
                     "USE");
  for (const LatencyRow& r : result.latencies) {
    const std::string_view use = r.published.fitted ? "fitted (the preset is built from it)" : "held out";
    if (!r.error.empty()) {
      out += fmt::format("{:<6} {:<9} {:>9.0f} {:>9} {:>6}  {}: {}\n", to_string(r.published.op),
                         study.distance_names[r.published.distance], r.published.cycles, "-", "-", use, r.error);
      continue;
    }
    out += fmt::format("{:<6} {:<9} {:>9.0f} {:>9.1f} {:>6.3f}  {}\n", to_string(r.published.op),
                       study.distance_names[r.published.distance], r.published.cycles, r.simulated_cycles,
                       ratio(r.simulated_cycles, r.published.cycles), use);
  }
  out += fmt::format("\ncontended {} on one line, threads on cores 0..n-1 (Mops per simulated second)\n",
                     to_string(study.contended_op));
  out += fmt::format("{:>7} {:>9} {:>9} {:>9} {:>6}\n", "THREADS", "PUBLISHED", "SIMULATED", "1/L", "RATIO");
  for (const ThroughputRow& r : result.throughput) {
    if (!r.error.empty()) {
      out += fmt::format("{:>7} {:>9} {:>9} {:>9.2f} {:>6}  {}\n", r.threads, "-", "-", r.bound_mops, "-", r.error);
      continue;
    }
    out += fmt::format("{:>7} {:>9} {:>9.2f} {:>9.2f} {:>6.3f}\n", r.threads, "-", r.simulated_mops, r.bound_mops,
                       ratio(r.simulated_mops, r.bound_mops));
  }
  out += fmt::format(
      "\nPUBLISHED: -: {}.\n1/L: one transfer per operation between two of the running cores at random "
      "(the model's own bound); RATIO here is SIMULATED / (1/L).\n",
      study.throughput_note);
  return out;
}

std::string format_csv(const Study& study, const StudyResult& result) {
  std::string out = "section,op,distance,threads,published,simulated,ratio,use\n";
  for (const LatencyRow& r : result.latencies) {
    out += fmt::format("ccbench_cycles,{},{},2,{},{},{},{}\n", to_string(r.published.op),
                       study.distance_names[r.published.distance], r.published.cycles,
                       r.error.empty() ? fmt::format("{:.3f}", r.simulated_cycles) : std::string(),
                       r.error.empty() ? fmt::format("{:.4f}", ratio(r.simulated_cycles, r.published.cycles))
                                       : std::string(),
                       r.published.fitted ? "fitted" : "held_out");
  }
  for (const ThroughputRow& r : result.throughput) {
    out += fmt::format("contended_mops,{},,{},,{},{},bound={:.3f}\n", to_string(study.contended_op), r.threads,
                       r.error.empty() ? fmt::format("{:.3f}", r.simulated_mops) : std::string(),
                       r.error.empty() ? fmt::format("{:.4f}", ratio(r.simulated_mops, r.bound_mops)) : std::string(),
                       r.bound_mops);
  }
  return out;
}

}  // namespace lockscope::engine::study
