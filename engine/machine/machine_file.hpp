// Machine files (TOML) and imported core-to-core latency matrices (CSV).
// docs/machines.md is the user's reference for both formats.
//
// A machine file has these keys and no others (an unknown key is an error,
// with a did-you-mean, so a typo never silently falls back to a default):
//
//   name = "epyc-64"                 # required, non-empty string
//   description = "..."              # optional string
//   clock_ghz = 3.5                  # required numbers (integers accepted):
//   l1_hit_ns = 1.15                 #   clock, L1 and memory > 0;
//   memory_ns = 120                  #   fence and heavy barrier >= 0
//   fence_ns = 7
//   heavy_barrier_ns = 4000
//   core_group = ["ccx0", ...]       # optional, one string per core
//   # and exactly one of:
//   topology = { groups = 8, cores_per_group = 8, near_ns = 22, far_ns = 95 }
//                                    # (optional group_prefix = "ccx")
//   latency_ns = [[...], ...]        # N x N, row = owner, column = requester
//   latency_csv = "matrix.csv"       # relative to the TOML file's folder
//
// and the optional keys docs/machines.md lists: arbitration,
// arbitration_patience, line_hold_ns, clock_read_ns, ooo_window_ns, memory_model ("sc" or "tso"),
// store_buffer_depth (1..4096), retire_delay_max_ns (tso stress, >= 0),
// [access] and [scheduler]. The writer puts
// down only those that differ from their defaults.
//
// The matrix's diagonal is ignored (a core's own line costs l1_hit_ns) and
// may hold anything finite and not negative; off-diagonal entries must be
// positive. An asymmetric matrix is accepted as is (measured matrices are
// never exactly symmetric). Without core_group, groups are inferred
// (infer_core_groups). Every error is one line, `file:line:column: message`,
// at the offending key or value, or at the table that lacks a required key
// (1:1 for the top level), in the words of every TOML reader: the schema in
// machine_file.cpp is checked by traces/toml_schema.hpp.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "engine/machine/machine.hpp"
#include "traces/parse_error.hpp"

namespace lockscope::engine::machine {

std::expected<Machine, traces::ParseError> read_machine_file(const std::string& path);

// The same, from text; `source` names it in errors and is the base for a
// relative latency_csv.
std::expected<Machine, traces::ParseError> parse_machine_toml(std::string_view text,
                                                              const std::string& source);

// A machine file that read_machine_file turns back into the same machine
// (numbers are written in their shortest exact form), with an explicit
// latency_ns matrix, one row per line.
std::string write_machine_toml(const Machine& m);

// A core-to-core latency matrix in the CSV layout of nviennot's
// core-to-core-latency (`core-to-core-latency --csv`): N lines of N cells,
// cell (i, j) the mean one-way latency in ns between the i-th and j-th CPU
// it measured. That tool fills only the lower triangle (i > j) and leaves the
// diagonal and upper triangle empty. Here:
//   - an empty cell, or NaN, is "not measured"; (i, j) missing takes (j, i);
//     a pair missing both ways is an error;
//   - the diagonal is ignored (it becomes l1_hit_ns);
//   - a header row and/or column (CPU ids, or any text label) is skipped;
//   - CRLF line ends and spaces around cells are fine; trailing empty lines
//     are ignored.
// Name, clock and the single costs come from `base`; groups are inferred.
std::expected<Machine, traces::ParseError> read_latency_csv(const std::string& path,
                                                            const MachineParameters& base = {});
std::expected<Machine, traces::ParseError> parse_latency_csv(std::string_view text,
                                                             const std::string& source,
                                                             const MachineParameters& base = {});

}  // namespace lockscope::engine::machine
