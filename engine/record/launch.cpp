#include "engine/record/launch.hpp"

#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

extern char** environ;

namespace lockscope::engine::record {

namespace {

// The child a SIGTERM sent to us is forwarded to; 0 when none runs.
std::atomic<pid_t> g_child{0};

void forward_sigterm(int) {
  const int saved = errno;
  if (const pid_t child = g_child.load(std::memory_order_relaxed); child > 0) kill(child, SIGTERM);
  errno = saved;
}

bool executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev != nullptr ? fmt::format("SIG{}", abbrev) : fmt::format("signal {}", sig);
}

bool is_ours(const char* entry) {
  for (const char* name : {"LD_PRELOAD=", "LOCKSCOPE_RECORD_FILE=", "LOCKSCOPE_RECORD_PID=", "LOCKSCOPE_RECORD_TOLD="}) {
    if (std::strncmp(entry, name, std::strlen(name)) == 0) return true;
  }
  return false;
}

}  // namespace

std::expected<std::string, std::string> resolve_program(const std::string& program) {
  if (program.empty()) return std::unexpected(std::string("no program given"));
  if (program.find('/') != std::string::npos) {
    struct stat st {};
    if (::stat(program.c_str(), &st) != 0) return std::unexpected(fmt::format("{}: no such file", program));
    if (!S_ISREG(st.st_mode)) return std::unexpected(fmt::format("{}: not a regular file", program));
    if (::access(program.c_str(), X_OK) != 0) return std::unexpected(fmt::format("{}: not executable", program));
    return program;
  }
  const char* path_env = std::getenv("PATH");
  const std::string path = path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t colon = std::min(path.find(':', start), path.size());
    std::string dir = path.substr(start, colon - start);
    if (dir.empty()) dir.push_back('.');  // an empty PATH entry is the current directory
    // Appended piecewise: `dir + "/" + program` trips GCC 12's false -Wrestrict (PR 105651).
    std::string candidate = std::move(dir);
    candidate += '/';
    candidate += program;
    if (executable_file(candidate)) return candidate;
    start = colon + 1;
  }
  return std::unexpected(fmt::format("{}: command not found in PATH", program));
}

std::expected<void, std::string> check_recordable(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(fmt::format("{}: cannot read it", path));
  char start[2] = {};
  in.read(start, 2);
  if (in.gcount() == 2 && start[0] == '#' && start[1] == '!') return {};
  in.seekg(0);
  Elf64_Ehdr eh{};
  in.read(reinterpret_cast<char*>(&eh), sizeof eh);
  if (in.gcount() < EI_NIDENT || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    return std::unexpected(fmt::format("{}: not an ELF executable or a script", path));
  }
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64) {
    return std::unexpected(fmt::format("{}: not an x86-64 program; the interposer is 64-bit x86", path));
  }
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph{};
    in.seekg(static_cast<std::streamoff>(eh.e_phoff + i * sizeof ph));
    in.read(reinterpret_cast<char*>(&ph), sizeof ph);
    if (in.gcount() != sizeof ph) break;
    if (ph.p_type == PT_INTERP) return {};
  }
  return std::unexpected(fmt::format(
      "{}: statically linked (no dynamic loader), so its locks cannot be interposed; rebuild it without -static",
      path));
}

std::expected<std::string, std::string> find_interposer(const std::string& self_exe) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::weakly_canonical(self_exe, ec);
  const fs::path dir = exe.parent_path();
  // The install first: a build tree's paths, tried from an installed
  // binary, land outside its prefix (../../lib from /usr/bin is /lib).
  std::vector<fs::path> candidates = {dir / "../lib/lockscope/liblockscope_record.so",
                                      dir / "../../lib/liblockscope_record.so", dir / "lib/liblockscope_record.so"};
#ifdef LOCKSCOPE_RECORD_INTERPOSER_PATH
  candidates.emplace_back(LOCKSCOPE_RECORD_INTERPOSER_PATH);
#endif
  std::string looked;
  for (const fs::path& p : candidates) {
    if (fs::is_regular_file(p, ec)) return fs::weakly_canonical(p, ec).string();
    looked += (looked.empty() ? "" : ", ") + p.lexically_normal().string();
  }
  return std::unexpected(fmt::format("cannot find liblockscope_record.so (looked in {})", looked));
}

std::expected<RecordedRun, std::string> run_recorded(const std::string& program, const std::vector<std::string>& args,
                                                     const std::string& raw_path,
                                                     const std::string& interposer_path) {
  const auto path = resolve_program(program);
  if (!path) return std::unexpected(path.error());
  if (auto ok = check_recordable(*path); !ok) return std::unexpected(ok.error());
  if (::access(interposer_path.c_str(), R_OK) != 0) {
    return std::unexpected(fmt::format("{}: the record interposer is missing", interposer_path));
  }
  std::error_code ec;
  const std::filesystem::path raw_abs_path = std::filesystem::absolute(raw_path, ec);
  const std::string raw_abs = raw_abs_path.string();
  // Checked here: the interposer could only say so on the program's stderr.
  if (::access(raw_abs_path.parent_path().c_str(), W_OK) != 0) {
    return std::unexpected(fmt::format("{}: cannot write the recording there ({})", raw_abs_path.parent_path().string(),
                                       std::strerror(errno)));
  }
  // A stale file must never pass for this run's recording (and the
  // interposer creates the file O_EXCL).
  ::unlink(raw_abs.c_str());

  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls (the parent may have threads).
  std::vector<std::string> env_strings;
  const char* user_preload = std::getenv("LD_PRELOAD");
  std::string preload = "LD_PRELOAD=" + interposer_path;
  if (user_preload != nullptr && *user_preload != '\0') preload += std::string(" ") + user_preload;
  env_strings.push_back(preload);
  env_strings.push_back("LOCKSCOPE_RECORD_FILE=" + raw_abs);
  std::string pid_entry = "LOCKSCOPE_RECORD_PID=" + std::string(20, '\0');
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (!is_ours(*e)) env_strings.emplace_back(*e);
  }
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(pid_entry.data());
  envp.push_back(nullptr);
  char* const pid_digits = pid_entry.data() + std::strlen("LOCKSCOPE_RECORD_PID=");

  std::vector<std::string> argv_strings;
  argv_strings.push_back(program);
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  int exec_error[2];
  if (::pipe2(exec_error, O_CLOEXEC) != 0) return std::unexpected(fmt::format("pipe: {}", std::strerror(errno)));

  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  struct sigaction forward {};
  forward.sa_handler = forward_sigterm;
  sigemptyset(&forward.sa_mask);
  forward.sa_flags = SA_RESTART;
  struct sigaction old_int {};
  struct sigaction old_term {};
  ::sigaction(SIGINT, &ignore, &old_int);
  ::sigaction(SIGTERM, &forward, &old_term);
  auto restore_signals = [&] {
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
  };

  const pid_t child = ::fork();
  if (child < 0) {
    const int err = errno;
    restore_signals();
    ::close(exec_error[0]);
    ::close(exec_error[1]);
    return std::unexpected(fmt::format("fork: {}", std::strerror(err)));
  }
  if (child == 0) {
    // The program gets the dispositions we were given (an ignored SIGINT
    // stays ignored, as a shell's background job expects); handlers reset at exec.
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
    char digits[20];
    int n = 0;
    for (auto v = static_cast<unsigned long>(::getpid()); n == 0 || v != 0; v /= 10) digits[n++] = static_cast<char>('0' + v % 10);
    for (int i = 0; i < n; ++i) pid_digits[i] = digits[n - 1 - i];
    pid_digits[n] = '\0';
    ::execve(path->c_str(), argv.data(), envp.data());
    const int err = errno;
    (void)!::write(exec_error[1], &err, sizeof err);
    ::_exit(127);
  }
  g_child.store(child, std::memory_order_relaxed);
  ::close(exec_error[1]);
  int exec_errno = 0;
  ssize_t got;
  do {
    got = ::read(exec_error[0], &exec_errno, sizeof exec_errno);
  } while (got < 0 && errno == EINTR);
  ::close(exec_error[0]);

  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  g_child.store(0, std::memory_order_relaxed);
  restore_signals();
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    return std::unexpected(fmt::format("cannot run {}: {}", *path, std::strerror(exec_errno)));
  }

  RecordedRun run;
  run.pid = static_cast<std::uint32_t>(child);
  if (WIFSIGNALED(status)) {
    run.signaled = true;
    run.signal = WTERMSIG(status);
    run.exit_status = 128 + run.signal;
    run.how = "signal " + signal_name(run.signal) + (WCOREDUMP(status) ? " (core dumped)" : "");
  } else {
    run.exit_status = WEXITSTATUS(status);
    run.how = fmt::format("exit {}", run.exit_status);
  }
  return run;
}

std::string self_exe() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : self.string();
}

}  // namespace lockscope::engine::record
