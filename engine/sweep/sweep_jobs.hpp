// A sweep split into independent jobs for the cluster engines people
// already use (GNU parallel, Slurm job arrays), and merged back.
//
// `lockscope sweep ... --emit-jobs DIR` plans the sweep exactly as a
// one-machine sweep would and, instead of running it, writes:
//
//   DIR/plan.toml      what was asked (locks, cores, swept keys, seed,
//                      machine, --memory-model if given): --merge expands
//                      it again, so job i is run i
//   DIR/scenario.toml  a copy of the scenario: the jobs do not depend on
//                      where the user's file was
//   DIR/machine.toml   the resolved machine, unless it is a preset (a
//                      calibrated this-machine is frozen as emitted)
//   DIR/jobs.txt       one self-contained shell command line per run, which
//                      writes DIR/runs/NNNNNN.csv (a one-row results.csv,
//                      written atomically) and nothing else
//   DIR/runs/          where those rows land
//   DIR/sweep.sbatch   with --emit-slurm: a Slurm job array over jobs.txt
//
// `lockscope sweep --merge DIR` reads whatever rows have landed, in plan
// order, into DIR/results.csv and the plots, exactly as the one-machine
// sweep writes them (equal apart from the two timing columns), lists the
// missing runs and writes their command lines to DIR/missing-jobs.txt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "engine/machine/machine.hpp"
#include "engine/sweep/job_array.hpp"
#include "engine/sweep/sweep_plan.hpp"
#include "traces/sweep_results.hpp"

namespace lockscope::engine::sweep {

struct JobsSpec {
  SweepPlanInput plan;          // plan.scenario: the user's scenario file
  std::string machine_spec;     // what the user passed to --machine
  machine::Machine machine;     // and what it resolved to
  std::string memory_model;     // --memory-model as given ("": the machine's own)
  std::uint64_t seed = 1;
  std::string lockscope;        // the binary the job lines run (absolute)
  bool slurm = false;           // also write sweep.sbatch
};

// Writes the job directory (created if missing; refused if it already
// holds a plan). Returns the number of jobs. The error is one line.
[[nodiscard]] std::expected<std::size_t, std::string> emit_jobs(const JobsSpec& spec, const std::string& dir);

// Where job `index` (0-based, plan order) writes its row: runs/000001.csv
// for the first.
[[nodiscard]] std::string run_file_name(std::size_t index);

struct MergedSweep {
  traces::SweepTable table;           // the rows that landed, in plan order
  std::size_t planned = 0;
  std::vector<std::size_t> missing;   // 0-based indices of the runs with no row yet
  std::vector<std::string> missing_jobs;  // their lines from jobs.txt
};

// Reads DIR's plan and every row that has landed. A run file that is not
// one row of that very run (another plan's, a hand-edited one) is an error,
// not a missing run: the error is one line, `file:line:column: ...` when
// the file does not read.
[[nodiscard]] std::expected<MergedSweep, std::string> merge_jobs(const std::string& dir);

}  // namespace lockscope::engine::sweep
