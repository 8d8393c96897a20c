// Pajé export: a timeline as a Pajé trace, which ViTE displays and
// PajeNG's pj_dump reads. Times are microseconds, written exactly (up to six
// fractional digits, so a picosecond survives). Types and containers:
//
//   Machine "<machine>: <lock>"         (container type M)
//     Core "core c"                     (C) for each core with a worker or a transfer
//       Worker "<name>"                 (W) state type WS "Worker state": one
//                                       entity value per WorkerState
//     Memory "memory"                   (MEM) when a line is filled from memory
//     Line "<line name>"                (L) state type LS "Line transfer": the
//                                       kind while the line is moving
//   link types LT "Transfer" (C -> C) and LM "Fill" (MEM -> C), one link per
//   transfer whose value is its kind; variable types V0, V1, ... on M, one
//   per counter.
//
// A worker's span is a PajePushState at its start and a PajePopState at its
// end (zero-length spans are left out), so gaps between spans show as no
// state. Transfers of one line may overlap (a write invalidates several
// sharers at once); its row then shows one of them. Events are written in
// time order, as Pajé requires; at equal times pops come first, then link
// starts, link ends, variables and pushes. The output is deterministic.
#pragma once

#include <iosfwd>

#include "traces/timeline.hpp"

namespace lockscope::traces {

void write_paje(std::ostream& out, const Timeline& timeline);

}  // namespace lockscope::traces
