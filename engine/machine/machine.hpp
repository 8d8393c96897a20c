// Machine: what the coherence model needs to know about a multicore. Cores,
// one-way core-to-core transfer latencies, and the few costs that do not
// depend on a pair of cores. Presets, machine files (TOML), imported
// core-to-core-latency CSVs and `lockscope calibrate` all produce one.
//
// Latency direction: latency(from, to) is the time for a line that `from`
// holds to reach `to` (row = owner, column = requester). Measured matrices
// are never exactly symmetric, and some benchmarks are directional, so an
// asymmetric matrix is valid; presets are symmetric. The diagonal is always
// l1_hit_ns: a core's own line is a hit.
//
// A "core" is whatever the simulator schedules a worker on: a hardware thread
// for a calibrated or imported matrix (SMT siblings show up as a tight pair).
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <vector>

namespace lockscope::engine::machine {

// The largest machine any reader accepts: 4096 x 4096 latencies is 128 MiB.
inline constexpr unsigned kMaxCores = 4096;

struct Machine {
  std::string name;
  std::string description;
  double clock_ghz = 0;         // for converting cycles, display
  double l1_hit_ns = 0;         // a hit in the core's own cache
  double memory_ns = 0;         // a miss no other core can serve
  double fence_ns = 0;          // a full fence (store-buffer drain)
  double heavy_barrier_ns = 0;  // membarrier(2) private expedited: IPIs to all cores
  std::vector<std::string> core_group;  // per core, e.g. "ccx3" or "socket1", for display
  std::vector<double> latency_ns;       // N x N row-major, one way; diagonal = l1_hit_ns

  [[nodiscard]] unsigned cores() const { return static_cast<unsigned>(core_group.size()); }
  // Precondition: from, to < cores().
  [[nodiscard]] double latency(unsigned from, unsigned to) const {
    return latency_ns[static_cast<std::size_t>(from) * cores() + to];
  }

  friend bool operator==(const Machine&, const Machine&) = default;
};

// Everything but the matrix and the groups: what a CSV import or a topology
// needs on top of the latencies. The defaults are a generic current x86
// desktop (docs/machines.md gives their sources).
struct MachineParameters {
  std::string name = "imported";
  std::string description;
  double clock_ghz = 3.5;
  double l1_hit_ns = 1.2;
  double memory_ns = 90;
  double fence_ns = 8;
  double heavy_barrier_ns = 2000;
};

// Checks every invariant above: at least one core, sizes agree, every cost
// finite, clock, L1 and memory positive, fence and heavy barrier not
// negative, off-diagonal latencies positive, diagonal equal to l1_hit_ns.
// The error names the first violation.
std::expected<void, std::string> validate(const Machine& m);

// A machine from its parameters and an N x N matrix (row-major); the diagonal
// is overwritten with l1_hit_ns. Groups are inferred when `groups` is empty.
Machine make_machine(const MachineParameters& p, std::vector<std::string> groups,
                     std::vector<double> latency_ns);

// Groups for display when nobody named them: cores i and j share a group
// when the transfer between them is faster than the geometric mean of the
// fastest and slowest transfers. A matrix whose slowest transfer is under
// twice its fastest is one group. Groups are named group0, group1, ... in
// order of their first core. Deterministic.
std::vector<std::string> infer_core_groups(unsigned cores, const std::vector<double>& latency_ns);

// `--cores N`: the first N cores, with their latencies and groups. The name
// stays; the description says what was kept.
std::expected<Machine, std::string> first_cores(const Machine& m, unsigned n);

// The topology a NUMA-aware lock groups its readers by (NumaLock), per core
// as a dense index 0, 1, ... in order of first appearance. A machine names
// one level of groups, so the other is read from the names:
//   cache_of_cores:  the core groups themselves: the cores that share a
//                    last-level cache (a CCX on epyc-64, a socket on
//                    xeon-2s-56, whose L3 spans the mesh).
//   socket_of_cores: the `socketN` in a group's name (`socket1`,
//                    `socket1.ccx3`); groups named ccx*, ccd* or die* without
//                    one are parts of a single package (ryzen-16, epyc-64,
//                    laptop-8); any other group (inferred `groupN`, a name a
//                    machine file chose) is taken as a socket of its own,
//                    since it is a domain of cheap transfers.
std::vector<std::uint32_t> cache_of_cores(const Machine& m);
std::vector<std::uint32_t> socket_of_cores(const Machine& m);

// For tables: how many groups, and the range of off-diagonal latencies inside
// a group (near) and across groups (far). A range with no pair has count 0.
struct LatencyRange {
  double min = 0;
  double max = 0;
  std::size_t count = 0;
};
struct LatencySummary {
  unsigned groups = 0;
  LatencyRange near;
  LatencyRange far;
  bool symmetric = true;
};
LatencySummary summarize(const Machine& m);

}  // namespace lockscope::engine::machine
