#include "engine/record/overhead.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "record/raw_recording.hpp"

extern char** environ;

namespace lockscope::engine::record {

namespace {

struct Figures {
  double thread_ns = 0;
  double wall_ns = 0;
  double process_ns = 0;
  std::uint64_t pairs = 0;
};

// Runs the benchmark with `extra_env` added (and its pid put in
// LOCKSCOPE_RECORD_PID when recording), its stdout captured.
std::expected<Figures, std::string> run_benchmark(const std::string& benchmark, std::uint64_t pairs,
                                                  const std::vector<std::string>& extra_env, bool recorded) {
  std::vector<std::string> env_strings = extra_env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (std::strncmp(*e, "LD_PRELOAD=", 11) != 0 && std::strncmp(*e, "LOCKSCOPE_RECORD_", 17) != 0) {
      env_strings.emplace_back(*e);
    }
  }
  std::string pid_entry = "LOCKSCOPE_RECORD_PID=" + std::string(20, '\0');
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  if (recorded) envp.push_back(pid_entry.data());
  envp.push_back(nullptr);
  char* const pid_digits = pid_entry.data() + 21;
  std::string count = std::to_string(pairs);
  std::string bench = benchmark;
  char* argv[] = {bench.data(), count.data(), nullptr};

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return std::unexpected(fmt::format("pipe: {}", std::strerror(errno)));
  const pid_t child = ::fork();
  if (child < 0) return std::unexpected(fmt::format("fork: {}", std::strerror(errno)));
  if (child == 0) {
    ::dup2(out[1], 1);
    char digits[20];
    int n = 0;
    for (auto v = static_cast<unsigned long>(::getpid()); n == 0 || v != 0; v /= 10) digits[n++] = static_cast<char>('0' + v % 10);
    for (int i = 0; i < n; ++i) pid_digits[i] = digits[n - 1 - i];
    pid_digits[n] = '\0';
    ::execve(argv[0], argv, envp.data());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return std::unexpected(fmt::format("{} failed (status {:#x})", benchmark, status));
  }
  Figures f;
  unsigned long long got_pairs = 0;
  if (std::sscanf(text.c_str(), "pairs %llu ns_per_pair %lf wall_ns_per_pair %lf process_cpu_ns_per_pair %lf",
                  &got_pairs, &f.thread_ns, &f.wall_ns, &f.process_ns) != 4) {
    return std::unexpected(fmt::format("{} printed something unexpected: {}", benchmark, text));
  }
  f.pairs = got_pairs;
  return f;
}

}  // namespace

std::expected<RecordOverhead, std::string> measure_record_overhead(const RecordOverheadOptions& options) {
  const auto plain = run_benchmark(options.benchmark, options.pairs, {}, false);
  if (!plain) return std::unexpected(plain.error());
  std::error_code ec;
  const std::string raw = std::filesystem::absolute(options.raw_path, ec).string();
  std::filesystem::remove(raw, ec);
  const auto recorded = run_benchmark(options.benchmark, options.pairs,
                                      {"LD_PRELOAD=" + options.interposer, "LOCKSCOPE_RECORD_FILE=" + raw}, true);
  if (!recorded) return std::unexpected(recorded.error());

  RecordOverhead result;
  result.pairs = recorded->pairs;
  result.plain_ns = plain->thread_ns;
  result.recorded_ns = recorded->thread_ns;
  result.plain_wall_ns = plain->wall_ns;
  result.recorded_wall_ns = recorded->wall_ns;
  result.plain_process_ns = plain->process_ns;
  result.recorded_process_ns = recorded->process_ns;
  result.raw_bytes = std::filesystem::file_size(raw, ec);
  const auto recording = lockscope::record::read_raw_recording(raw);
  if (!recording) return std::unexpected(recording.error().to_string());
  for (const auto& thread : recording->threads) result.recorded_events += thread.events.size();
  if (!options.keep_raw) std::filesystem::remove(raw, ec);
  return result;
}

std::expected<std::string, std::string> find_overhead_benchmark(const std::string& self_exe) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::weakly_canonical(self_exe, ec).parent_path();
  std::vector<fs::path> candidates = {dir / "../lib/lockscope/record_overhead", dir / "../../examples/record_overhead",
                                      dir / "record_overhead"};
#ifdef LOCKSCOPE_RECORD_OVERHEAD_PATH
  candidates.emplace_back(LOCKSCOPE_RECORD_OVERHEAD_PATH);
#endif
  for (const fs::path& p : candidates) {
    if (fs::is_regular_file(p, ec)) return fs::weakly_canonical(p, ec).string();
  }
  return std::unexpected(std::string("cannot find the record_overhead benchmark (build the record_overhead target)"));
}

}  // namespace lockscope::engine::record
