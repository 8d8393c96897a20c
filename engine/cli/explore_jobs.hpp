// An exploration split into seed ranges for the cluster engines people
// already use, and merged into one findings report.
//
// `lockscope explore ... --seeds N --emit-jobs DIR [--seeds-per-job K]`
// checks the exploration as a run would and, instead of running it, writes:
//
//   DIR/plan.toml     what was asked: --merge reads it back
//   DIR/input/NAME    a copy of the trace or scenario file
//   DIR/machine.toml  the resolved machine, unless it is a preset
//   DIR/jobs.txt      one command per range of K seeds, each writing
//                     DIR/runs/NNNNNN.toml (its range and its findings,
//                     written atomically) and nothing else
//   DIR/explore.sbatch  with --emit-slurm: a Slurm job array over jobs.txt
//
// `lockscope explore --merge DIR` reads the ranges that have finished into
// one report (the same lines and JSON, DIR/findings.json, as one `explore`
// over all the seeds) and lists the ranges still missing.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "engine/cli/workload_input.hpp"
#include "engine/machine/machine.hpp"

namespace lockscope::engine::cli {

struct ExploreFinding {
  std::uint64_t seed = 0;
  std::string what;
};

// What an exploration is: every run of it is a function of these.
struct ExplorePlan {
  WorkloadInput input;
  std::string lock;
  std::string machine;  // what was (or the jobs) pass to --machine
  unsigned cores = 0;   // 0: all the machine's cores
  std::string memory_model;  // --memory-model as given ("": the machine's own)
  std::uint64_t first_seed = 1;
  std::uint64_t seeds = 0;
  double jitter = 0.5;
};

// One seed range's result: what `explore --results FILE` writes.
struct ExploreRange {
  std::string lock;
  std::string machine;  // the machine's name
  unsigned cores = 0;   // the cores the runs had
  std::string memory_model = "sc";  // the model the runs had ("sc" or "tso")
  std::uint64_t first_seed = 0;
  std::uint64_t seeds = 0;
  double jitter = 0;
  std::vector<ExploreFinding> findings;
};

[[nodiscard]] std::string write_explore_range(const ExploreRange& range);
// The error is one line, `file:line:column: message`.
[[nodiscard]] std::expected<ExploreRange, std::string> read_explore_range(const std::string& file);

struct ExploreJobsSpec {
  ExplorePlan plan;            // with the user's files
  machine::Machine machine;    // what plan.machine resolved to (all its cores)
  std::uint64_t seeds_per_job = 1000;
  std::string lockscope;       // the binary the job lines run
  bool slurm = false;
};

// Writes DIR; refused if it already holds a plan. Returns the number of jobs.
[[nodiscard]] std::expected<std::size_t, std::string> emit_explore_jobs(const ExploreJobsSpec& spec,
                                                                        const std::string& dir);

struct MergedExploration {
  ExplorePlan plan;                 // as the jobs ran it (files inside DIR)
  std::string machine_name;
  unsigned machine_cores = 0;
  machine::MemoryModel memory_model = machine::MemoryModel::sc;  // what the runs simulate
  std::size_t jobs = 0;
  std::uint64_t seeds_done = 0;     // in the ranges that finished
  std::vector<ExploreFinding> findings;  // by seed
  std::vector<std::size_t> missing;      // 0-based jobs with no result yet
  std::vector<std::string> missing_jobs;  // their lines of jobs.txt
};

// A range file that is not that job's range is an error, not a missing job.
[[nodiscard]] std::expected<MergedExploration, std::string> merge_explore_jobs(const std::string& dir);

}  // namespace lockscope::engine::cli
