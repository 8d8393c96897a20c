#include "engine/litmus/real_runner.hpp"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "engine/bench/cpu_affinity.hpp"
#include "engine/litmus/run_loop.hpp"
#include "engine/platform/real_platform.hpp"

namespace lockscope::engine::litmus {

using platform::RealPlatform;

RealRun run_real(const LitmusTest& test, std::uint64_t runs, const RealProgress& progress) {
  RealRun out{OutcomeCounts(test)};
  const std::vector<int> cpus = bench::allowed_cpus();
  out.cpus = {cpus.front(), cpus.size() > 1 ? cpus[1] : cpus.front()};

  SharedVars<RealPlatform> vars;
  SpinBarrier<RealPlatform> barrier(2);
  RunTally tally(test);
  std::array<bool, 2> pinned{false, false};
  std::atomic<std::uint64_t> done{0};
  std::atomic<bool> finished{false};

  const auto start = std::chrono::steady_clock::now();
  auto body = [&](unsigned thread) {
    pinned[thread] = bench::pin_current_thread(out.cpus[thread]);
    run_loop<RealPlatform>(test, thread, vars, barrier, runs, tally, [&](std::uint64_t) { return test.home; },
                           [](std::uint64_t) {},
                           [&](std::uint64_t run) {
                             // relaxed: a progress figure only.
                             if (thread == 0 && (run & 0xFFFF) == 0) done.store(run, std::memory_order_relaxed);
                           });
    // relaxed: the joins below order everything that matters.
    if (thread == 0) finished.store(true, std::memory_order_relaxed);
  };
  std::thread t1(body, 1U);
  std::thread t0(body, 0U);
  auto last = start;
  while (progress && !finished.load(std::memory_order_relaxed)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::chrono::steady_clock::now() - last < std::chrono::seconds(1)) continue;
    last = std::chrono::steady_clock::now();
    progress(done.load(std::memory_order_relaxed));
  }
  t0.join();
  t1.join();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.pinned = pinned[0] && pinned[1] && out.cpus[0] != out.cpus[1];
  out.counts = tally.counts;
  return out;
}

}  // namespace lockscope::engine::litmus
