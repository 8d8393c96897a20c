#include "engine/replay/forked_replay.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <sstream>

#include "engine/replay/replay.hpp"
#include "traces/timeline_file.hpp"

namespace lockscope::engine::replay {
namespace {

void put(std::ostringstream& out, const char* key, const stats::LatencySummary& s) {
  out << key << '\t' << s.samples << '\t' << s.p50 << '\t' << s.p99 << '\t' << s.max << '\n';
}

void get(std::istringstream& in, stats::LatencySummary& s) { in >> s.samples >> s.p50 >> s.p99 >> s.max; }

// Names travel as the last fields of a tab-separated line.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

// The summary's last line: a summary without it was cut off, and a cut-off
// summary must not pass for a clean run (missing lines would read as zero).
constexpr const char* kEnd = "end\tsummary";

bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::string read_all(int fd) {
  std::string text;
  char buf[8192];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace

std::string encode_summary(const ReplayResult& r) {
  std::ostringstream out;
  out.precision(17);
  out << "lock\t" << r.lock << "\nmachine\t" << r.machine << "\ncores\t" << r.cores << "\nseed\t" << r.seed
      << "\nmemory_model\t" << r.memory_model << "\nsim_time_ps\t" << r.sim_time_ps << "\nread_ops\t"
      << r.read_ops << "\nwrite_ops\t" << r.write_ops << '\n';
  put(out, "read_wait", r.read_wait_ns);
  put(out, "write_wait", r.write_wait_ns);
  out << "line_transfers\t" << r.line_transfers << "\nsleeps\t" << r.sleeps << "\nviolations\t" << r.violations << "\nfirst_violation\t"
      << r.first_violation_ps << ' ' << r.violation_entering << ' ' << r.violation_inside << "\nresidual\t"
      << r.residual_readers << "\ndeadlock\t" << r.deadlock << "\nmissed_wakeup\t" << r.missed_wakeup
      << "\nwall_sec\t" << r.wall_sec << '\n';
  for (const traces::CachelineRow& l : r.lines) {
    out << "line\t" << l.line << '\t' << l.transfers << '\t' << l.invalidations << '\t' << l.cores.size();
    for (const std::uint32_t core : l.cores) out << ' ' << core;
    out << '\t' << l.name << '\n';
  }
  for (const traces::WorkerAcquisitions& w : r.workers) {
    out << "worker\t" << w.id << '\t' << w.reads << '\t' << w.writes << '\t' << w.attempted << '\n';
  }
  for (const traces::WorkerAcquisitions& w : r.workers_while_all_ran) {
    out << "contended\t" << w.id << '\t' << w.reads << '\t' << w.writes << '\t' << w.attempted << '\n';
  }
  for (const BlockedWorker& b : r.blocked) out << "blocked\t" << b.worker << '\t' << one_line(b.waiting_in) << '\n';
  for (const LockSummary& l : r.locks) {
    out << "lockstat\t" << l.reads << '\t' << l.writes << '\t' << l.failed << '\t' << l.transfers << '\t'
        << l.wait_total_ns << '\t' << l.observed_wait_total_ns;
    for (const stats::LatencySummary* s : {&l.read_wait_ns, &l.write_wait_ns, &l.observed_read_wait_ns,
                                           &l.observed_write_wait_ns}) {
      out << '\t' << s->samples << '\t' << s->p50 << '\t' << s->p99 << '\t' << s->max;
    }
    out << '\t' << one_line(l.kind) << '\t' << one_line(l.design) << '\t' << one_line(l.name) << '\n';
  }
  if (!r.error.empty()) out << "error\t" << r.error << '\n';
  out << kEnd << '\n';
  return out.str();
}

ReplayResult decode_summary(const std::string& text) {
  ReplayResult r;
  if (text.find(std::string(kEnd) + "\n") == std::string::npos) {
    r.error = "the replay's summary was cut off";
    return r;
  }
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    const std::string key = line.substr(0, tab);
    const std::string rest = line.substr(tab + 1);
    std::istringstream in(rest);
    if (key == "lock") r.lock = rest;
    else if (key == "machine") r.machine = rest;
    else if (key == "cores") in >> r.cores;
    else if (key == "seed") in >> r.seed;
    else if (key == "memory_model") r.memory_model = rest;
    else if (key == "sim_time_ps") in >> r.sim_time_ps;
    else if (key == "read_ops") in >> r.read_ops;
    else if (key == "write_ops") in >> r.write_ops;
    else if (key == "read_wait") get(in, r.read_wait_ns);
    else if (key == "write_wait") get(in, r.write_wait_ns);
    else if (key == "line_transfers") in >> r.line_transfers;
    else if (key == "sleeps") in >> r.sleeps;
    else if (key == "violations") in >> r.violations;
    else if (key == "first_violation") in >> r.first_violation_ps >> r.violation_entering >> r.violation_inside;
    else if (key == "residual") in >> r.residual_readers;
    else if (key == "deadlock") in >> r.deadlock;
    else if (key == "missed_wakeup") in >> r.missed_wakeup;
    else if (key == "wall_sec") in >> r.wall_sec;
    else if (key == "error") r.error = rest;
    else if (key == "line") {
      traces::CachelineRow l;
      std::size_t cores = 0;
      in >> l.line >> l.transfers >> l.invalidations >> cores;
      for (std::uint32_t core = 0; cores != 0 && in >> core; --cores) l.cores.push_back(core);
      in.get();
      std::getline(in, l.name);
      r.lines.push_back(std::move(l));
    } else if (key == "lockstat") {
      LockSummary l;
      in >> l.reads >> l.writes >> l.failed >> l.transfers >> l.wait_total_ns >> l.observed_wait_total_ns;
      for (stats::LatencySummary* s : {&l.read_wait_ns, &l.write_wait_ns, &l.observed_read_wait_ns,
                                       &l.observed_write_wait_ns}) {
        get(in, *s);
      }
      in.get();
      std::getline(in, l.kind, '\t');
      std::getline(in, l.design, '\t');
      std::getline(in, l.name);
      r.locks.push_back(std::move(l));
    } else if (key == "worker") {
      traces::WorkerAcquisitions w;
      in >> w.id >> w.reads >> w.writes >> w.attempted;
      r.workers.push_back(w);
    } else if (key == "contended") {
      traces::WorkerAcquisitions w;
      in >> w.id >> w.reads >> w.writes >> w.attempted;
      r.workers_while_all_ran.push_back(w);
    } else if (key == "blocked") {
      BlockedWorker b;
      in >> b.worker;
      in.get();
      std::getline(in, b.waiting_in);
      r.blocked.push_back(std::move(b));
    }
  }
  return r;
}

ReplayChild start_replay_child(const std::function<ReplayResult()>& run, const ReplayResult& identity) {
  ReplayChild child;
  child.failed = identity;
  child.failed.error.clear();
  int fds[2];
  if (pipe(fds) != 0) {
    child.failed.error = "cannot create a pipe for the replay";
    return child;
  }
  std::fflush(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    child.failed.error = "cannot fork a replay process";
    return child;
  }
  if (pid == 0) {
    close(fds[0]);
    // A replay outlives no parent: if the parent is killed (even by
    // SIGKILL), the child gets SIGTERM, which removes its partial output
    // files (traces/atomic_output.hpp) and ends it. The getppid() check
    // covers a parent that died before prctl.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);
    const ReplayResult r = run();
    const bool sent = write_all(fds[1], encode_summary(r));
    close(fds[1]);
    std::fflush(nullptr);
    _exit(sent ? 0 : 1);
  }
  close(fds[1]);
  child.pid = pid;
  child.fd = fds[0];
  return child;
}

ReplayResult finish_replay_child(ReplayChild& child, const std::string& text) {
  if (child.fd >= 0) close(child.fd);
  child.fd = -1;
  int status = 0;
  pid_t waited = 0;
  do {
    waited = waitpid(child.pid, &status, 0);
  } while (waited < 0 && errno == EINTR);
  child.pid = -1;
  if (waited < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || text.empty()) {
    ReplayResult failed = child.failed;
    failed.error = WIFSIGNALED(status)
                       ? "the replay process died (signal " + std::to_string(WTERMSIG(status)) + ")"
                       : "the replay process failed";
    return failed;
  }
  return decode_summary(text);
}

ReplayResult replay_in_child(const traces::WorkloadTrace& trace, const ReplayOptions& options,
                             const std::string& timeline_path) {
  ReplayResult identity;
  identity.lock = options.lock;
  identity.machine = options.machine;
  identity.cores = options.costs.cores;
  identity.seed = options.seed;
  identity.memory_model = options.sim_costs.memory_model == sim::MemoryModel::tso ? "tso" : "sc";
  ReplayChild child = start_replay_child(
      [&] {
        ReplayOptions child_options = options;
        child_options.record_timeline = !timeline_path.empty();
        ReplayResult r = replay(trace, child_options);
        if (!timeline_path.empty()) {
          if (auto written = traces::write_timeline_file(timeline_path, r.timeline); !written && r.error.empty()) {
            r.error = written.error();
          }
        }
        return r;
      },
      identity);
  if (child.pid < 0) return child.failed;
  const std::string text = read_all(child.fd);
  return finish_replay_child(child, text);
}

}  // namespace lockscope::engine::replay
