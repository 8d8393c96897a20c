#include "engine/cli/record_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <expected>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string_view>
#include <thread>
#include <utility>

#include "traces/atomic_output.hpp"
#include "engine/cli/progress.hpp"
#include "engine/record/convert.hpp"
#include "engine/record/launch.hpp"
#include "engine/record/record_summary.hpp"
#include "record/raw_recording.hpp"
#include "traces/timeline_file.hpp"
#include "traces/workload_writer.hpp"

namespace lockscope::engine::cli {

struct RecordCommand {
  CLI::App* sub = nullptr;
  std::vector<std::string> command;
  std::string output;
  std::string timeline;
  std::string json;
  std::string name_by = "symbol";
  std::string keep_raw;
  bool quiet = false;
};

namespace {

namespace fs = std::filesystem;

// The program and its arguments, when given after `--`.
std::vector<std::string>& program_after_dashes() {
  static std::vector<std::string> words;
  return words;
}

std::string default_output(const std::string& program) {
  return fs::path(program).filename().string() + ".workload.gz";
}

// An output that cannot be written is found before the program runs, not
// after a long recording.
std::expected<void, std::string> check_writable(const std::string& path, const char* flag) {
  if (path.empty() || path == "-") return {};
  const fs::path parent = fs::absolute(fs::path(path)).parent_path();
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) {
    return std::unexpected(fmt::format("{}: {}: no such directory", flag, parent.string()));
  }
  if (::access(parent.c_str(), W_OK) != 0) {
    return std::unexpected(fmt::format("{}: {}: directory not writable", flag, parent.string()));
  }
  return {};
}

}  // namespace

void split_record_argv(int& argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) != "record") return;
  for (int i = 2; i < argc; ++i) {
    if (std::string_view(argv[i]) != "--") continue;
    for (int j = i + 1; j < argc; ++j) program_after_dashes().emplace_back(argv[j]);
    argc = i;
    return;
  }
}

RecordCommand& add_record_command(CLI::App& app) {
  static RecordCommand cmd;
  CLI::App* sub = app.add_subcommand(
      "record", "Run a program and record its pthread locks: a workload trace and a timeline of the real run");
  cmd.sub = sub;
  sub->footer(
      "The program runs unmodified with an interposer preloaded (LD_PRELOAD) that sees its pthread_rwlock_*,\n"
      "pthread_mutex_* and pthread_cond_*wait calls (std::shared_mutex and std::mutex included). Its stdin,\n"
      "stdout and stderr pass through; lockscope's summary goes to stderr; its exit status is record's.\n"
      "Not seen: locks glibc takes inside itself (stdio, malloc, the loader, gettext, strerror), raw futexes,\n"
      "spinlocks and atomics; statically linked programs are refused. See docs/record.md.\n\n"
      "Examples:\n"
      "  lockscope record -o cache.workload --timeline cache.lstl -- build/examples/rwlock_cache 4 100000 10\n"
      "  lockscope replay cache.workload --lock graph,percpu,glibc-rwlock --machine epyc-64 --timeline sim.lstl\n"
      "  lockscope-gui --compare cache.lstl sim.graph.lstl");

  sub->add_option("-o,--output", cmd.output,
                  "Write the workload trace to FILE (default: PROGRAM.workload.gz; .gz compresses)");
  sub->add_option("--timeline", cmd.timeline, "Write the real run's timeline (for lockscope-gui) to FILE");
  sub->add_option("--json", cmd.json, "Write the recording's summary as JSON to FILE ('-' for stdout)");
  sub->add_option("--name-locks-by", cmd.name_by,
                  "Name each lock by the symbol that holds it (heap locks: their address) or by the function "
                  "that first took it")
      ->check(CLI::IsMember({"symbol", "callsite"}))
      ->capture_default_str();
  sub->add_option("--keep-raw", cmd.keep_raw, "Keep the interposer's raw recording in FILE");
  sub->add_flag("-q,--quiet", cmd.quiet, "Print no summary");
  sub->add_option("PROGRAM", cmd.command, "After --: the program to run and its arguments, passed untouched");
  sub->prefix_command();
  return cmd;
}

bool record_selected(const RecordCommand& cmd) { return cmd.sub != nullptr && cmd.sub->parsed(); }

int run_record_command(const RecordCommand& cmd) {
  // After `--`, the words are the program's as typed; without it, the first
  // word that is not one of record's options starts the program.
  std::vector<std::string> command = program_after_dashes();
  if (command.empty()) {
    command = cmd.command;
    for (const std::string& rest : cmd.sub->remaining()) command.push_back(rest);
  } else if (!cmd.command.empty()) {
    fmt::print(stderr, "lockscope: record: '{}' before --: the program goes after --\n", cmd.command.front());
    return 2;
  }
  if (command.empty()) {
    fmt::print(stderr, "lockscope: record: name the program to run, after --\n");
    return 2;
  }
  const auto interposer = record::find_interposer(record::self_exe());
  if (!interposer) {
    fmt::print(stderr, "lockscope: record: {}\n", interposer.error());
    return 2;
  }
  const std::string output = cmd.output.empty() ? default_output(command.front()) : cmd.output;
  for (const auto& [path, flag] : {std::pair{output, "-o"}, std::pair{cmd.timeline, "--timeline"},
                                   std::pair{cmd.json, "--json"}, std::pair{cmd.keep_raw, "--keep-raw"}}) {
    if (auto ok = check_writable(path, flag); !ok) {
      fmt::print(stderr, "lockscope: record: {}\n", ok.error());
      return 2;
    }
  }
  const std::string raw_path =
      !cmd.keep_raw.empty() ? cmd.keep_raw
                            : (fs::temp_directory_path() / fmt::format("lockscope-record-{}.raw", getpid())).string();

  const std::vector<std::string> args(command.begin() + 1, command.end());
  auto launched = record::run_recorded(command.front(), args, raw_path, *interposer);
  if (!launched) {
    fmt::print(stderr, "lockscope: record: {}\n", launched.error());
    return 2;
  }
  const int status = launched->exit_status;
  // A long recording takes seconds to decode and convert: say what is going on.
  std::error_code size_error;
  const std::uintmax_t raw_bytes = fs::file_size(raw_path, size_error);
  std::optional<Progress> progress;
  if (!cmd.quiet && !size_error && raw_bytes > (std::uintmax_t{8} << 20)) progress.emplace();
  auto stage = [&](const std::string& what) {
    if (progress) progress->update("lockscope record: " + what);
  };
  stage(fmt::format("decoding the recording ({} MB)", raw_bytes >> 20));
  auto raw = lockscope::record::read_raw_recording(raw_path);
  if (cmd.keep_raw.empty()) {
    std::error_code ignored;
    fs::remove(raw_path, ignored);
  }
  if (!raw) {
    fmt::print(stderr, "lockscope: record: {}\n", raw.error().to_string());
    fmt::print(stderr, "lockscope: record: the program {}; nothing was written\n", launched->how);
    return status != 0 ? status : 1;
  }

  record::ConvertOptions options;
  options.name_by = cmd.name_by == "callsite" ? record::NameLocksBy::callsite : record::NameLocksBy::symbol;
  options.cpus = std::max(1U, std::thread::hardware_concurrency());
  options.machine = fmt::format("this machine ({} CPUs)", options.cpus);
  std::string origin = "recorded by lockscope record from";
  for (const std::string& word : command) origin += " " + word;
  options.origin = origin;
  stage("converting it into a workload trace and a timeline");
  record::Conversion conversion = record::convert_recording(std::move(*raw), options);
  stage("writing " + output);

  if (auto w = traces::write_workload_file(output, conversion.trace); !w) {
    fmt::print(stderr, "lockscope: record: {}\n", w.error());
    return status != 0 ? status : 1;
  }
  if (!cmd.timeline.empty()) {
    stage("writing " + cmd.timeline);
    if (auto w = traces::write_timeline_file(cmd.timeline, conversion.timeline); !w) {
      fmt::print(stderr, "lockscope: record: {}\n", w.error());
      return status != 0 ? status : 1;
    }
  }
  if (!cmd.json.empty()) {
    if (auto w = traces::write_file_atomically(cmd.json, record::summary_json(conversion.summary, *raw)); !w) {
      fmt::print(stderr, "lockscope: record: {}\n", w.error());
      return status != 0 ? status : 1;
    }
  }
  progress.reset();
  if (!cmd.quiet) {
    record::print_record_summary(stderr, conversion.summary, *raw);
    fmt::print(stderr, "  trace     {}\n", output);
    if (!cmd.timeline.empty()) fmt::print(stderr, "  timeline  {}\n", cmd.timeline);
  }
  return status;
}

}  // namespace lockscope::engine::cli
