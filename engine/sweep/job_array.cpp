#include "engine/sweep/job_array.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace lockscope::engine::sweep {

std::string run_file_name(std::size_t index, std::string_view ext) {
  return fmt::format("runs/{:06d}.{}", index + 1, ext);
}

std::string slurm_array_script(std::string_view dir, std::size_t jobs, std::string_view what, std::string_view ext) {
  const std::size_t tasks = std::clamp<std::size_t>(jobs, 1, kMaxSlurmTasks);
  return fmt::format(
      "#!/bin/bash\n"
      "# A lockscope {what} as a Slurm job array (lockscope {what} --emit-slurm).\n"
      "#   submit:  sbatch {dir}/{what}.sbatch\n"
      "#   merge:   lockscope {what} --merge {dir}\n"
      "# Submitting it again runs only the jobs whose result is missing.\n"
      "#SBATCH --job-name=lockscope-{what}\n"
      "#SBATCH --array=0-{last}\n"
      "#SBATCH --ntasks=1\n"
      "#SBATCH --cpus-per-task=1\n"
      "#SBATCH --output={dir}/slurm/%A_%a.out\n"
      "tasks={tasks}\n"
      "status=0\n"
      "n=0\n"
      "while IFS= read -r line; do\n"
      "  n=$((n + 1))\n"
      "  [ $(((n - 1) % tasks)) -eq \"$SLURM_ARRAY_TASK_ID\" ] || continue\n"
      "  [ -e \"{dir}/runs/$(printf %06d \"$n\").{ext}\" ] && continue\n"
      "  bash -c \"$line\" </dev/null || status=1\n"
      "done < {dir}/jobs.txt\n"
      "exit $status\n",
      fmt::arg("what", what), fmt::arg("dir", dir), fmt::arg("last", tasks - 1), fmt::arg("tasks", tasks),
      fmt::arg("ext", ext));
}

std::string shell_quote(const std::string& word) {
  const bool plain = !word.empty() && std::ranges::all_of(word, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-_./=:,+@%").find(c) != std::string_view::npos;
  });
  if (plain) return word;
  std::string out = "'";
  for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::string this_executable() {
  std::error_code ec;
  std::string exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  return ec ? std::string("lockscope") : exe;
}

}  // namespace lockscope::engine::sweep
