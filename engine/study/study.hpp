// Published synchronization studies that lockscope replays (`lockscope
// study`): for each, the machine preset rebuilt from it, the figures it
// published with where each comes from, and the runs that set the
// simulator's figures beside them. docs/fidelity.md ("Published measurements")
// tells the story and gives the table of a run.
//
// A figure is either fitted (the preset was built from it, so matching it
// checks only that the simulator charges what the machine says) or held out
// (the preset was not built from it: matching it is evidence).
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/machine/machine.hpp"
#include "engine/study/microbenchmark.hpp"

namespace lockscope::engine::study {

// One published latency: `op` by a core on a line Modified in a core
// `distance` away (0 same die, 1 one hop, 2 two hops), in cycles.
struct PublishedLatency {
  Op op = Op::load;
  unsigned distance = 0;
  double cycles = 0;
  bool fitted = false;
  std::string_view source;
};

struct Study {
  std::string_view name;      // `lockscope study NAME`
  std::string_view title;     // one line
  std::string_view citation;  // the paper
  std::string_view machine;   // preset name
  double clock_ghz = 0;       // converts the published cycles
  std::span<const std::string_view> distance_names;
  std::span<const unsigned> partner_of_core0;  // by distance: a core that far from core 0
  std::span<const PublishedLatency> latencies;
  Op contended_op = Op::fai;
  std::span<const unsigned> threads;  // the contended run's thread counts
  std::string_view throughput_note;   // why no published throughput is given
};

std::span<const Study> studies();
// nullptr when there is no such study.
const Study* find_study(std::string_view name);

struct LatencyRow {
  PublishedLatency published;
  double simulated_cycles = 0;
  std::string error;  // the run failed: no figure
};

struct ThroughputRow {
  unsigned threads = 0;
  double simulated_mops = 0;  // million operations per simulated second
  double bound_mops = 0;      // one transfer per operation (below)
  std::string error;
};

struct StudyOptions {
  std::vector<unsigned> threads;  // empty: the study's
  BounceOptions bounce;
  ContendedOptions contended;
};

struct StudyResult {
  std::vector<LatencyRow> latencies;
  std::vector<ThroughputRow> throughput;
};

// Runs every microbenchmark of `study` on `m` (one forked simulation each);
// `progress`, if set, hears one line per run.
StudyResult run_study(const Study& study, const machine::Machine& m, const StudyOptions& options,
                      const std::function<void(const std::string&)>& progress = {});

// The rate one line allows when each operation is one transfer between two
// of cores 0..threads-1 chosen at random: 1 / (mean RMW cost over ordered
// pairs), in Mops/s; with one thread, 1 / (an L1 hit and a fence).
double one_transfer_bound_mops(const machine::Machine& m, unsigned threads);

// The terminal table and the CSV (section,op,distance,threads,published,
// simulated,ratio,use).
std::string format_table(const Study& study, const StudyResult& result);
std::string format_csv(const Study& study, const StudyResult& result);

}  // namespace lockscope::engine::study
