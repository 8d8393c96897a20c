#include "engine/replay/child_pool.hpp"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "engine/replay/forked_replay.hpp"

namespace lockscope::engine::replay {
namespace {

// The children alive now, for the signal handler (async-signal-safe: it
// reads this array and calls kill only).
volatile sig_atomic_t g_children[kMaxPoolJobs];

void kill_children_and_die(int sig) {
  for (std::size_t i = 0; i < kMaxPoolJobs; ++i) {
    if (g_children[i] > 0) kill(static_cast<pid_t>(g_children[i]), SIGKILL);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

// Installs the handler for the pool's lifetime and restores the old one.
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

struct Running {
  std::size_t run = 0;
  std::size_t slot = 0;
  ReplayChild child;
  std::string text;
};

}  // namespace

void run_pool(const std::vector<std::size_t>& order, unsigned jobs_wanted, const PoolCallbacks& cb) {
  const unsigned jobs = std::clamp(jobs_wanted, 1U, kMaxPoolJobs);
  ChildGuard guard;
  std::vector<Running> running;
  std::vector<bool> slot_busy(jobs, false);
  std::size_t next = 0;
  while (next < order.size() || !running.empty()) {
    while (running.size() < jobs && next < order.size()) {
      const std::size_t index = order[next++];
      ReplayChild child = start_replay_child(
          [&, index] {
            // The child must die on Ctrl-C like any process, not run the parent's handler.
            signal(SIGINT, SIG_DFL);
            signal(SIGTERM, SIG_DFL);
            return cb.run(index);
          },
          cb.identity(index));
      if (child.pid < 0) {
        cb.finished(index, child.failed);
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
      if (cb.tick) cb.tick();
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
      const ReplayResult result = finish_replay_child(r.child, r.text);
      ChildGuard::set(r.slot, 0);
      slot_busy[r.slot] = false;
      const std::size_t index = r.run;
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      cb.finished(index, result);
    }
  }
}

}  // namespace lockscope::engine::replay
