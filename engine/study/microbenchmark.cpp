#include "engine/study/microbenchmark.hpp"

#include <fmt/format.h>
#include <simgrid/s4u/Actor.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <functional>
#include <sstream>
#include <vector>

#include "engine/replay/machine_costs.hpp"
#include "engine/sim/sim_atomic.hpp"
#include "engine/sim/sim_session.hpp"

namespace lockscope::engine::study {
namespace {

using coherence::Picos;
using lockimpl::MemoryOrder;
using sim::SimWorld;

Picos ps(double ns) { return static_cast<Picos>(std::llround(ns * 1000.0)); }

// Runs `body` in a forked child and returns what it wrote; the child's own
// SimGrid engine dies with it.
std::expected<std::string, std::string> in_child(const std::function<std::string()>& body) {
  int fds[2];
  if (pipe(fds) != 0) return std::unexpected("cannot create a pipe for the simulation");
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return std::unexpected("cannot fork a simulation process");
  }
  if (pid == 0) {
    close(fds[0]);
    const std::string out = body();
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = write(fds[1], out.data() + done, out.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) _exit(1);
      done += static_cast<std::size_t>(n);
    }
    close(fds[1]);
    std::fflush(nullptr);
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) return std::unexpected(fmt::format("the simulation died (signal {})", WTERMSIG(status)));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || text.empty()) {
    return std::unexpected("the simulation process failed");
  }
  return text;
}

// Sleeps the calling worker until simulated time `at` (after its lazy time).
void sleep_until(Picos at) {
  SimWorld::current().sync();
  simgrid::s4u::this_actor::sleep_until(static_cast<double>(at) * 1e-12);
}

void perform(sim::SimAtomic<std::uint64_t>& line, Op op) {
  switch (op) {
    case Op::load: static_cast<void>(line.load(MemoryOrder::acquire)); break;
    case Op::store: line.store(line.peek() + 1, MemoryOrder::seq_cst); break;
    case Op::cas: {
      std::uint64_t expected = line.peek();  // peek: no access; the CAS is the one access
      static_cast<void>(line.compare_exchange_strong(expected, expected + 1, MemoryOrder::seq_cst));
      break;
    }
    case Op::fai: static_cast<void>(line.fetch_add(1, MemoryOrder::seq_cst)); break;
  }
}

constexpr lockimpl::LineName kLine{"study", -1, ".line"};

}  // namespace

std::string_view to_string(Op op) {
  switch (op) {
    case Op::load: return "load";
    case Op::store: return "store";
    case Op::cas: return "CAS";
    case Op::fai: return "FAI";
  }
  return "?";
}

std::expected<double, std::string> bounce_latency_ns(const machine::Machine& m, unsigned from, unsigned to, Op op,
                                                     const BounceOptions& options) {
  auto text = in_child([&] {
    const Picos slot = ps(options.slot_ns);
    Picos total = 0;
    unsigned measured = 0;
    sim::SimWorker owner;
    owner.id = 1;
    owner.core = from;
    owner.context = 1;
    sim::SimWorker requester;
    requester.id = 2;
    requester.core = to;
    requester.context = 2;
    const sim::SimulationEnd end = sim::run_simulation(
        replay::cost_model(m), replay::sim_costs(m), [&](SimWorld&, const sim::SimHosts& hosts) {
          auto line = std::make_shared<sim::SimAtomic<std::uint64_t>>(0, kLine);
          sim::spawn_worker(hosts, owner, [&, line] {
            for (unsigned r = 0; r < options.rounds; ++r) {
              sleep_until(slot * (r + 1));
              line->store(line->peek() + 1, MemoryOrder::seq_cst);  // Modified here
            }
          });
          sim::spawn_worker(hosts, requester, [&, line] {
            SimWorld& world = SimWorld::current();
            for (unsigned r = 0; r < options.rounds; ++r) {
              sleep_until(slot * (r + 1) + slot / 2);
              const Picos t0 = world.now();
              perform(*line, op);
              total += world.now() - t0;
              ++measured;
            }
          });
        });
    if (!end.main_finished || measured == 0) return std::string("error\n");
    std::ostringstream out;
    out.precision(17);
    out << static_cast<double>(total) / 1000.0 / measured << '\n';
    return out.str();
  });
  if (!text) return std::unexpected(text.error());
  if (text->starts_with("error")) return std::unexpected("the bounce simulation did not finish");
  return std::stod(*text);
}

std::expected<ContendedResult, std::string> contended_throughput(const machine::Machine& m, unsigned threads, Op op,
                                                                 const ContendedOptions& options) {
  auto text = in_child([&] {
    const Picos start = ps(options.warmup_ns);
    const Picos stop = start + ps(options.duration_ns);
    std::vector<sim::SimWorker> workers(threads);
    std::uint64_t ops = 0;
    const sim::SimulationEnd end = sim::run_simulation(
        replay::cost_model(m), replay::sim_costs(m), [&](SimWorld&, const sim::SimHosts& hosts) {
          auto line = std::make_shared<sim::SimAtomic<std::uint64_t>>(0, kLine);
          for (unsigned i = 0; i < threads; ++i) {
            workers[i].id = i + 1;
            workers[i].core = i;
            workers[i].context = i + 1;
            sim::spawn_worker(hosts, workers[i], [&, line] {
              SimWorld& world = SimWorld::current();
              while (world.now() < stop) {
                perform(*line, op);
                const Picos done = world.now();
                if (done > start && done <= stop) ++ops;
              }
            });
          }
        });
    if (!end.main_finished) return std::string("error\n");
    return fmt::format("{}\n", ops);
  });
  if (!text) return std::unexpected(text.error());
  if (text->starts_with("error")) return std::unexpected("the contended simulation did not finish");
  ContendedResult r;
  r.ops = std::stoull(*text);
  r.ops_per_sec = static_cast<double>(r.ops) / (options.duration_ns * 1e-9);
  return r;
}

}  // namespace lockscope::engine::study
