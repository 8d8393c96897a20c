// Machine presets rebuilt from a published synchronization study, figure by
// figure, so that the study's own microbenchmark can be replayed on them and
// the simulated figures set beside the published ones (`lockscope study`,
// docs/fidelity.md, "Published measurements: the SOSP 2013 study").
//
// xeon-80-sosp13: the 80-core Intel Xeon of T. David, R. Guerraoui,
// V. Trigonakis, "Everything You Always Wanted to Know About Synchronization
// but Were Afraid to Ask", SOSP 2013: eight Westmere-EX sockets (Xeon
// E7-8867L, 2.13 GHz) of ten cores. What comes from where:
//   - 8 sockets x 10 cores: libslock's include/platform_defs.h (XEON:
//     NUMBER_OF_SOCKETS 8, CORES_PER_SOCKET 10), the study's own code;
//   - the latencies, in cycles, of the study's Table 2 (ccbench, a line
//     Modified in another core) as quoted by two secondary sources (the
//     paper's own pages past the first were not reachable): load 109 (same
//     die), 289 (one hop), 400 (two hops); store 115 / 320; CAS 120 / 324;
//   - L1 3 cycles and memory 355 cycles, quoted beside them.
// The core-to-core matrix is the load-from-Modified row: a line moving from
// its owner to a reader is the transfer the model charges. The store and RMW
// rows fill the machine's per-state costs (machine::AccessCosts) at the
// same-die pair. The study gives latencies by distance but not which sockets
// are one QPI hop apart; the preset assumes the 3-regular, diameter-2 link
// map of an 8-socket glueless board (socket s linked to s +- 1 and s + 4,
// mod 8): three sockets one hop away, four two hops away.
#pragma once

#include <array>

#include "engine/machine/machine.hpp"

namespace lockscope::engine::machine {

// The figures xeon-80-sosp13 is built from (cycles at kClockGhz).
struct Sosp13Xeon {
  static constexpr double kClockGhz = 2.13;  // Xeon E7-8867L
  static constexpr unsigned kSockets = 8;
  static constexpr unsigned kCoresPerSocket = 10;
  // Table 2, a line Modified in another core; by distance 0 (same die),
  // 1 (one hop), 2 (two hops). 0: not found in any source we could read.
  static constexpr std::array<double, 3> kLoadModified = {109, 289, 400};
  static constexpr std::array<double, 3> kStoreModified = {115, 320, 0};
  static constexpr std::array<double, 3> kCasModified = {120, 324, 0};
  static constexpr double kL1Cycles = 3;
  static constexpr double kMemoryCycles = 355;

  static constexpr double ns(double cycles) { return cycles / kClockGhz; }
};

// QPI hops between two sockets of xeon-80-sosp13's assumed link map: 0, 1, 2.
unsigned sosp13_xeon_hops(unsigned socket_a, unsigned socket_b);

// xeon-80-sosp13 (registered in presets.cpp).
Machine xeon_80_sosp13();

}  // namespace lockscope::engine::machine
