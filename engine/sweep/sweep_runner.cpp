#include "engine/sweep/sweep_runner.hpp"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <numeric>

#include "engine/replay/forked_replay.hpp"
#include "engine/replay/machine_costs.hpp"
#include "engine/replay/replay.hpp"
#include "engine/scenario/generator.hpp"
#include "engine/scenario/scenario_reader.hpp"

namespace lockscope::engine::sweep {
namespace {

// The children alive now, for the signal handler (async-signal-safe: it
// reads this array and calls kill only).
constexpr std::size_t kMaxChildren = 1024;
volatile sig_atomic_t g_children[kMaxChildren];

void kill_children_and_die(int sig) {
  for (std::size_t i = 0; i < kMaxChildren; ++i) {
    if (g_children[i] > 0) kill(static_cast<pid_t>(g_children[i]), SIGKILL);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

// Installs the handler for the sweep's lifetime and restores the old one.
class ChildGuard {
 public:
  ChildGuard() {
    for (auto& c : g_children) c = 0;
    struct sigaction sa {};
    sa.sa_handler = kill_children_and_die;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~ChildGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;
  static void set(std::size_t slot, pid_t pid) { g_children[slot] = pid; }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// In the child: scenario + overrides -> trace -> replay on the first cores.
replay::ReplayResult run_one(const SweepRun& run, const SweepRunOptions& options) {
  // The child must die on Ctrl-C like any process, not run the parent's handler.
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  replay::ReplayResult failed;
  failed.lock = run.lock;
  failed.machine = options.machine.name;
  failed.cores = run.cores;
  failed.seed = options.seed;
  auto s = scenario::read_scenario_file(options.scenario_file, run.overrides);
  if (!s) {
    failed.error = s.error().to_string();
    return failed;
  }
  auto m = machine::first_cores(options.machine, run.cores);
  if (!m) {
    failed.error = m.error();
    return failed;
  }
  const traces::WorkloadTrace trace = scenario::generate(*s);
  replay::ReplayOptions ro;
  ro.lock = run.lock;
  ro.machine = options.machine.name;
  ro.costs = replay::cost_model(*m);
  ro.sim_costs = replay::sim_costs(*m);
  ro.seed = options.seed;
  ro.record_timeline = false;
  return replay::replay(trace, ro);
}

struct Running {
  std::size_t run = 0;
  std::size_t slot = 0;
  replay::ReplayChild child;
  std::string text;
};

}  // namespace

std::vector<std::size_t> schedule(const std::vector<SweepRun>& runs) {
  std::vector<std::size_t> order(runs.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::ranges::stable_sort(order, [&](std::size_t a, std::size_t b) { return runs[a].cores > runs[b].cores; });
  return order;
}

traces::SweepRow sweep_row(const SweepRun& run, const replay::ReplayResult& r, const std::string& scenario_name,
                           const std::string& machine_name) {
  traces::SweepRow row;
  row.world = "sim";
  row.scenario = scenario_name;
  row.machine = machine_name;
  row.lock = run.lock;
  row.cores = run.cores;
  row.params = run.params;
  row.seed = r.seed;
  if (!r.error.empty()) {
    row.status = "failed";
    row.error = r.error;
    return row;
  }
  row.status = r.healthy() ? "ok" : "unhealthy";
  if (r.deadlock) row.error = r.missed_wakeup ? "deadlock (missed wakeup)" : "deadlock";
  else if (r.violations != 0) row.error = "mutual exclusion violated";
  else if (r.residual_readers != 0) row.error = "reader count drifted";
  row.sim_time_ns = static_cast<double>(r.sim_time_ps) / 1000.0;
  row.lock_ops = r.lock_ops();
  row.read_ops = r.read_ops;
  row.write_ops = r.write_ops;
  row.throughput_ops_per_sec = r.throughput_ops_per_sim_sec();
  row.read_wait_p50_ns = r.read_wait_ns.p50;
  row.read_wait_p99_ns = r.read_wait_ns.p99;
  row.read_wait_max_ns = r.read_wait_ns.max;
  row.write_wait_p50_ns = r.write_wait_ns.p50;
  row.write_wait_p99_ns = r.write_wait_ns.p99;
  row.write_wait_max_ns = r.write_wait_ns.max;
  row.line_transfers = r.line_transfers;
  row.transfers_per_op = r.transfers_per_op();
  row.violations = r.violations;
  row.residual_readers = r.residual_readers;
  row.deadlock = r.deadlock;
  row.missed_wakeup = r.missed_wakeup;
  row.wall_sec = r.wall_sec;
  row.sim_ops_per_wall_sec = r.sim_ops_per_wall_sec();
  return row;
}

std::vector<traces::SweepRow> run_sweep(const std::vector<SweepRun>& runs, const SweepRunOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const std::vector<std::size_t> order = schedule(runs);
  std::vector<traces::SweepRow> rows(runs.size());
  const unsigned jobs = std::clamp(options.jobs, 1U, static_cast<unsigned>(kMaxChildren));

  // ETA weights each run by its core count (the work grows with it).
  double total_weight = 0;
  for (const SweepRun& r : runs) total_weight += r.cores;
  double done_weight = 0;

  ChildGuard guard;
  std::vector<Running> running;
  std::vector<bool> slot_busy(jobs, false);
  std::size_t next = 0;
  SweepProgress progress;
  progress.total = runs.size();

  auto finish = [&](std::size_t run_index, const replay::ReplayResult& result) {
    rows[run_index] = sweep_row(runs[run_index], result, options.scenario_name, options.machine.name);
    ++progress.done;
    if (rows[run_index].failed()) ++progress.failed;
    done_weight += runs[run_index].cores;
    progress.elapsed_sec = std::chrono::duration<double>(Clock::now() - start).count();
    progress.eta_sec = done_weight > 0 ? progress.elapsed_sec * (total_weight - done_weight) / done_weight : -1;
    progress.finished = &runs[run_index];
    progress.result = &result;
    if (options.progress) options.progress(progress);
    progress.finished = nullptr;
    progress.result = nullptr;
  };

  while (next < order.size() || !running.empty()) {
    while (running.size() < jobs && next < order.size()) {
      const std::size_t index = order[next++];
      replay::ReplayResult identity;
      identity.lock = runs[index].lock;
      identity.machine = options.machine.name;
      identity.cores = runs[index].cores;
      identity.seed = options.seed;
      replay::ReplayChild child =
          replay::start_replay_child([&, index] { return run_one(runs[index], options); }, identity);
      if (child.pid < 0) {
        finish(index, child.failed);
        continue;
      }
      const auto slot = static_cast<std::size_t>(std::ranges::find(slot_busy, false) - slot_busy.begin());
      slot_busy[slot] = true;
      ChildGuard::set(slot, child.pid);
      running.push_back(Running{index, slot, std::move(child), {}});
    }
    if (running.empty()) continue;
    std::vector<pollfd> fds;
    for (const Running& r : running) fds.push_back(pollfd{r.child.fd, POLLIN, 0});
    const int ready = poll(fds.data(), fds.size(), 1000);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) {
      progress.elapsed_sec = std::chrono::duration<double>(Clock::now() - start).count();
      if (options.progress) options.progress(progress);
      continue;
    }
    for (std::size_t i = fds.size(); i-- > 0;) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      Running& r = running[i];
      char buf[8192];
      const ssize_t n = read(r.child.fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) {
        r.text.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      const replay::ReplayResult result = replay::finish_replay_child(r.child, r.text);
      ChildGuard::set(r.slot, 0);
      slot_busy[r.slot] = false;
      const std::size_t index = r.run;
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      finish(index, result);
    }
  }
  return rows;
}

}  // namespace lockscope::engine::sweep
