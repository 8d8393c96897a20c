#include "record/interposer/process_life.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "record/interposer/chunks.hpp"
#include "record/interposer/clock.hpp"
#include "record/interposer/real_functions.hpp"
#include "record/interposer/sys.hpp"
#include "record/interposer/thread_state.hpp"
#include "record/interposer/writer.hpp"

#define LOCKSCOPE_EXPORT extern "C" __attribute__((visibility("default")))

namespace lockscope::record::interposer {
namespace {

// How the process is ending, set by exit() or by main's return before the
// destructor finishes the file; empty: the destructor says "end of process".
char g_pending_reason[64];
std::atomic<bool> g_announce_pending{false};
int (*g_program_main)(int, char**, char**) = nullptr;
// The recorded process. A vfork() child shares our memory, mode included,
// and may call _exit(): only this pid may finish the recording.
pid_t g_recorded_pid = 0;
char g_file[4096];  // LOCKSCOPE_RECORD_FILE, for exec's hand-over

bool in_recorded_process() {
  return g_mode.load(std::memory_order_acquire) == Mode::recording && getpid() == g_recorded_pid;
}

// Where the recording goes, kept away from the low descriptors a program
// may expect to get from its own first open().
constexpr int kHighFd = 700;

void set_reason(const char* prefix, long status, const char* suffix) {
  char number[24];
  char* p = number;
  unsigned long magnitude = static_cast<unsigned long>(status);
  if (status < 0) {
    *p++ = '-';
    magnitude = static_cast<unsigned long>(-status);
  }
  format_u64(p, magnitude);
  g_pending_reason[0] = '\0';
  std::strncat(g_pending_reason, prefix, sizeof g_pending_reason - 1);
  std::strncat(g_pending_reason, number, sizeof g_pending_reason - 1 - std::strlen(g_pending_reason));
  std::strncat(g_pending_reason, suffix, sizeof g_pending_reason - 1 - std::strlen(g_pending_reason));
}

void say_not_recorded(const char* why_suffix) {
  char pid[24];
  char ppid[24];
  format_u64(pid, static_cast<std::uint64_t>(getpid()));
  format_u64(ppid, static_cast<std::uint64_t>(getppid()));
  say("lockscope record: not recording pid ", pid, " (a child of ", ppid, why_suffix);
}

void on_signal(int sig) {
  const int saved = errno;
  finish_recording(sig == SIGINT ? "signal SIGINT" : "signal SIGTERM");
  // Back to the default action and re-raised: the signal is blocked while
  // this handler runs, so it is delivered when the handler returns and the
  // process dies of it, with the exit status the parent expects.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  raise(sig);
  errno = saved;
}

void install_signal_handlers() {
  for (int sig : {SIGINT, SIGTERM}) {
    struct sigaction old {};
    if (sigaction(sig, nullptr, &old) != 0) continue;
    // An ignored signal stays ignored; a program that installs its own
    // handler later replaces ours and finishes through exit() instead.
    if ((old.sa_flags & SA_SIGINFO) != 0 || old.sa_handler != SIG_DFL) continue;
    struct sigaction ours {};
    ours.sa_handler = on_signal;
    sigemptyset(&ours.sa_mask);
    ours.sa_flags = SA_RESTART;
    sigaction(sig, &ours, nullptr);
  }
}

void on_fork_child() {
  // Only the program's own process is recorded: the child passes every call
  // through, and says so at its first lock call (a child that only execs
  // says nothing here; the new image's constructor speaks for it).
  g_mode.store(Mode::off, std::memory_order_relaxed);
  t_state.chunk = nullptr;
  t_state.slot = nullptr;
  g_announce_pending.store(true, std::memory_order_relaxed);
}

int main_wrapper(int argc, char** argv, char** envp) {
  const int status = g_program_main(argc, argv, envp);
  if (in_recorded_process()) set_reason("return from main (status ", status, ")");
  return status;
}

bool parse_pid(const char* text, long* pid) {
  if (text == nullptr || *text == '\0') return false;
  char* end = nullptr;
  *pid = std::strtol(text, &end, 10);
  return *end == '\0';
}

// The exec'd images of one non-recorded pid (a shell that execs its
// command) say "not recording" once between them.
bool told_already() {
  long told = 0;
  return parse_pid(std::getenv("LOCKSCOPE_RECORD_TOLD"), &told) && told == getpid();
}

void mark_told() {
  char pid[24];
  setenv("LOCKSCOPE_RECORD_TOLD", format_u64(pid, static_cast<std::uint64_t>(getpid())), 1);
}

__attribute__((constructor(101))) void start_recording(int argc, char** argv, char**) {
  resolve_real_functions();
  const char* file = std::getenv("LOCKSCOPE_RECORD_FILE");
  long wanted = 0;
  if (!parse_pid(std::getenv("LOCKSCOPE_RECORD_PID"), &wanted)) {
    if (!told_already()) {
      say_not_recorded("): LOCKSCOPE_RECORD_PID is not set; run it through `lockscope record`");
      mark_told();
    }
    return;
  }
  if (wanted != getpid()) {
    // Said at this process's first lock call, if it makes one: the helper
    // processes a shell or a wrapper script starts (most take no pthread
    // lock) would otherwise fill the terminal with lines about nothing.
    g_announce_pending.store(true, std::memory_order_relaxed);
    return;
  }
  if (file == nullptr || *file == '\0') {
    say("lockscope record: LOCKSCOPE_RECORD_FILE is not set; not recording");
    return;
  }
  // O_EXCL: the launcher removes the file first, so one that exists was
  // written by an earlier program of this same pid that exec()ed this one
  // (its recording ends at the exec and must not be overwritten), or is stale.
  const int fd = ::open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EEXIST) {
    say("lockscope record: not recording after exec: ", file,
        " already holds the recording of the program this one replaced (or is stale: remove it)");
    return;
  }
  if (fd < 0) {
    say("lockscope record: cannot write ", file, ": ", strerrorname_np(errno), "; not recording");
    return;
  }
  int high = ::fcntl(fd, F_DUPFD_CLOEXEC, kHighFd);
  if (high >= 0) {
    ::close(fd);
  } else {
    high = fd;
  }
  if (!init_thread_state() || !init_chunk_pool()) {
    say("lockscope record: out of memory at start; not recording");
    ::close(high);
    return;
  }
  g_use_tsc = tsc_is_usable();
  const ClockSample origin = sample_clocks();
  WriterStart start;
  start.fd = high;
  start.origin_ticks = origin.ticks;
  start.origin_ns = origin.ns;
  start.tsc = g_use_tsc;
  start.pid = static_cast<std::uint32_t>(getpid());
  start.ppid = static_cast<std::uint32_t>(getppid());
  start.argc = argc;
  start.argv = argv;
  if (!start_writer(start)) {
    say("lockscope record: cannot start the writer thread; not recording");
    ::close(high);
    return;
  }
  pthread_atfork(nullptr, nullptr, on_fork_child);
  install_signal_handlers();
  g_recorded_pid = getpid();
  std::strncpy(g_file, file, sizeof g_file - 1);
  g_mode.store(Mode::recording, std::memory_order_release);
}

// The last library destructor to run (the preload was initialized first),
// so locks taken in other libraries' destructors are still recorded.
__attribute__((destructor(101))) void end_recording() {
  if (getpid() != g_recorded_pid) return;
  finish_recording(g_pending_reason[0] != '\0' ? g_pending_reason : "end of process");
}

}  // namespace

void announce_not_recorded_child() {
  if (g_announce_pending.exchange(false, std::memory_order_relaxed)) {
    say_not_recorded("): only the program's own process is recorded");
  }
}

}  // namespace lockscope::record::interposer

using namespace lockscope::record::interposer;

LOCKSCOPE_EXPORT void exit(int status) {
  if (in_recorded_process() && g_pending_reason[0] == '\0') set_reason("exit ", status, "");
  LOCKSCOPE_REAL(exit)(status);
  __builtin_unreachable();
}

LOCKSCOPE_EXPORT void _exit(int status) {
  if (in_recorded_process()) {
    set_reason("_exit ", status, "");
    finish_recording(g_pending_reason);
  }
  LOCKSCOPE_REAL(exit_now)(status);
  __builtin_unreachable();
}

LOCKSCOPE_EXPORT void _Exit(int status) { _exit(status); }

// exec() replaces the image and with it the writer and every buffer. A
// process that has not taken a single lock yet is a wrapper (a shell
// script's `exec`, env, a launcher): its empty recording is dropped and the
// program it execs records in its place, same pid, same file. Otherwise the
// recording ends at the exec, complete ("exec PATH"), and the new program
// says it is not recorded. (execl, execlp and execle reach execve inside
// glibc, past the symbol table: a program that uses them leaves a file
// without an end record, which the reader rejects as truncated.)
namespace {
void end_before_exec(const char* path) {
  if (!in_recorded_process()) return;
  const bool wrapper = !any_thread_recorded();
  char reason[64] = "exec ";
  std::strncat(reason, path, sizeof reason - std::strlen(reason) - 1);
  finish_recording(reason);
  if (wrapper) ::unlink(g_file);
}
}  // namespace

LOCKSCOPE_EXPORT int execve(const char* path, char* const argv[], char* const envp[]) {
  end_before_exec(path);
  return LOCKSCOPE_REAL(execve)(path, argv, envp);
}

LOCKSCOPE_EXPORT int execv(const char* path, char* const argv[]) {
  end_before_exec(path);
  return LOCKSCOPE_REAL(execv)(path, argv);
}

LOCKSCOPE_EXPORT int execvp(const char* file, char* const argv[]) {
  end_before_exec(file);
  return LOCKSCOPE_REAL(execvp)(file, argv);
}

LOCKSCOPE_EXPORT int execvpe(const char* file, char* const argv[], char* const envp[]) {
  end_before_exec(file);
  return LOCKSCOPE_REAL(execvpe)(file, argv, envp);
}

LOCKSCOPE_EXPORT int __libc_start_main(int (*main)(int, char**, char**), int argc, char** argv, void (*init)(),
                                       void (*fini)(), void (*rtld_fini)(), void* stack_end) {
  // Wrapping main is the one way to see its return value: libc calls exit()
  // with it from inside, past the dynamic symbol table.
  g_program_main = main;
  return LOCKSCOPE_REAL(libc_start_main)(main_wrapper, argc, argv, init, fini, rtld_fini, stack_end);
}
