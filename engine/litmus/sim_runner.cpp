#include "engine/litmus/sim_runner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstdio>
#include <sstream>

#include "engine/litmus/run_loop.hpp"
#include "engine/sim/sim_platform.hpp"
#include "engine/sim/sim_session.hpp"

namespace lockscope::engine::litmus {
namespace {

using sim::SimPlatform;
using sim::SimWorld;

std::uint64_t splitmix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// In the child: every test's runs in one simulation, the counts as text
// (one line per test, the counts separated by spaces), or a line starting
// with "error".
std::string simulate(std::span<const LitmusTest* const> tests, const SimSetup& setup, const SimProgress& progress) {
  std::vector<RunTally> tallies;
  tallies.reserve(tests.size());
  for (const LitmusTest* test : tests) tallies.emplace_back(*test);
  SharedVars<SimPlatform>* vars = nullptr;
  SpinBarrier<SimPlatform>* barrier = nullptr;
  sim::SimWorker second;
  second.id = 1;
  second.core = 1;

  auto thread = [&](unsigned t) {
    for (std::size_t i = 0; i < tests.size(); ++i) {
      run_loop<SimPlatform>(
          *tests[i], t, *vars, *barrier, setup.seeds, tallies[i],
          [&](std::uint64_t run) { return homes(setup, *tests[i], run); },
          [&](std::uint64_t run) {
            SimWorld& world = SimWorld::current();
            world.charge(start_delay(setup, run, t));
            world.sync();
          },
          [&](std::uint64_t run) {
            if (t == 0 && progress && run % 256 == 255) progress(tests[i]->name, run + 1);
          });
    }
  };
  const sim::SimulationEnd end = sim::run_simulation(setup.costs, setup.sim_costs, [&](SimWorld&, const sim::SimHosts& hosts) {
    vars = new SharedVars<SimPlatform>;
    barrier = new SpinBarrier<SimPlatform>(2);
    sim::spawn_worker(hosts, second, [&] { thread(1); });
    thread(0);
  });
  // vars and barrier are left to the process: the child exits next.
  if (!end.main_finished) return "error: the litmus simulation deadlocked\n";
  std::string out;
  for (std::size_t i = 0; i < tests.size(); ++i) {
    for (const std::uint64_t c : tallies[i].counts.counts) out += fmt::format("{} ", c);
    out += '\n';
  }
  return out;
}

}  // namespace

coherence::Picos start_delay_bound(const SimSetup& setup) {
  return setup.max_delay > 0 ? setup.max_delay : 10 * setup.costs.between(0, 1);
}

coherence::Picos start_delay(const SimSetup& setup, std::uint64_t run, unsigned thread) {
  return splitmix64((run + 1) * 4 + thread) % (start_delay_bound(setup) + 1);
}

std::array<unsigned, 2> homes(const SimSetup& setup, const LitmusTest& test, std::uint64_t run) {
  if (!setup.vary_homes) return test.home;
  const std::uint64_t bits = splitmix64((run + 1) * 4 + 2);
  return {static_cast<unsigned>(bits & 1), static_cast<unsigned>((bits >> 1) & 1)};
}

std::expected<std::vector<OutcomeCounts>, std::string> run_simulated(std::span<const LitmusTest* const> tests,
                                                                     const SimSetup& setup,
                                                                     const SimProgress& progress) {
  if (setup.costs.cores < 2) return std::unexpected(std::string("the machine has fewer than two cores"));
  int fds[2];
  if (pipe(fds) != 0) return std::unexpected(std::string("cannot make a pipe for the simulation child"));
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return std::unexpected(std::string("cannot fork the simulation child"));
  }
  if (pid == 0) {
    close(fds[0]);
    const std::string text = simulate(tests, setup, progress);
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = write(fds[1], text.data() + done, text.size() - done);
      if (n <= 0) _exit(1);
      done += static_cast<std::size_t>(n);
    }
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int raw = 0;
  waitpid(pid, &raw, 0);
  if (!WIFEXITED(raw) || WEXITSTATUS(raw) != 0) {
    return std::unexpected(WIFSIGNALED(raw) ? fmt::format("the simulation child died of signal {}", WTERMSIG(raw))
                                            : std::string("the simulation child failed"));
  }
  if (text.starts_with("error: ")) return std::unexpected(text.substr(7, text.find('\n') - 7));
  std::vector<OutcomeCounts> out;
  std::istringstream lines(text);
  for (const LitmusTest* test : tests) {
    std::string line;
    OutcomeCounts counts(*test);
    std::istringstream fields(std::getline(lines, line) ? line : "");
    for (std::uint64_t& c : counts.counts) {
      if (!(fields >> c)) return std::unexpected(std::string("the simulation child sent cut-off counts"));
      counts.runs += c;
    }
    out.push_back(std::move(counts));
  }
  return out;
}

}  // namespace lockscope::engine::litmus
