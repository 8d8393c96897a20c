// What every split of lockscope's work into cluster jobs shares (a sweep's
// runs, an exploration's seed ranges): a directory with one shell command
// per job in jobs.txt, each job writing one result file under runs/, and a
// Slurm job array over jobs.txt. GNU parallel needs nothing more than
// jobs.txt (`parallel < DIR/jobs.txt`).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lockscope::engine::sweep {

// Most array tasks a job array asks for: Slurm's default MaxArraySize is
// 1001, so larger splits give each task every Tth job line.
inline constexpr std::size_t kMaxSlurmTasks = 1000;

// Where job `index` (0-based) writes its result: runs/000001.<ext> for the first.
[[nodiscard]] std::string run_file_name(std::size_t index, std::string_view ext);

// A Slurm batch script running jobs.txt in `dir` (absolute, no blanks) as
// an array of at most kMaxSlurmTasks tasks; task T runs lines T+1, T+1+tasks,
// ... and skips a job whose result file exists, so submitting the script
// again runs only what is missing. `what` names the job ("sweep").
[[nodiscard]] std::string slurm_array_script(std::string_view dir, std::size_t jobs, std::string_view what,
                                             std::string_view ext);

// `word` quoted for a POSIX shell ('it'\''s'), unless it needs no quotes.
[[nodiscard]] std::string shell_quote(const std::string& word);

// The lines of a text file's contents (a last line without '\n' counts).
[[nodiscard]] std::vector<std::string> lines_of(const std::string& text);

// The path of the running lockscope binary, for the job lines.
[[nodiscard]] std::string this_executable();

}  // namespace lockscope::engine::sweep
