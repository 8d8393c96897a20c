#include "engine/machine/calibrate.hpp"

#include <fmt/format.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <new>
#include <numeric>
#include <random>
#include <thread>

#include "engine/bench/cpu_affinity.hpp"
#include "engine/machine/resolve.hpp"
#include "engine/platform/real_platform.hpp"

namespace lockscope::engine::machine {

namespace {

using Clock = std::chrono::steady_clock;
using engine::platform::RealPlatform;

double ns_since(Clock::time_point start) {
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// The fastest of a few runs: preemption and frequency ramps only ever make a
// run slower, and this is a shared machine.
template <class F>
double fastest_of(unsigned runs, F&& run) {
  double best = run();
  for (unsigned r = 1; r < runs; ++r) best = std::min(best, run());
  return best;
}

// The flag the two threads bounce, alone on its line.
struct alignas(64) Flag {
  std::atomic<std::uint32_t> state{0};
};

constexpr std::uint32_t kPing = 0;
constexpr std::uint32_t kPong = 1;

// One-way latency between two CPUs, in ns (see calibrate.hpp), or an error.
std::expected<double, std::string> ping_pong(int cpu_a, int cpu_b, unsigned samples,
                                             unsigned round_trips) {
  Flag flag;
  std::atomic<int> arrived{0};
  std::atomic<bool> pin_failed{false};
  // Both threads pin, then meet; if either could not pin, neither spins.
  auto meet = [&](int cpu) {
    if (!bench::pin_current_thread(cpu)) pin_failed.store(true);
    arrived.fetch_add(1);
    while (arrived.load() < 2) {
    }
    return !pin_failed.load();
  };
  const std::uint64_t total = std::uint64_t{samples + 1} * round_trips;
  std::vector<double> runs;
  std::thread pong([&] {
    if (!meet(cpu_b)) return;
    for (std::uint64_t k = 0; k < total; ++k) {
      std::uint32_t expected = kPing;
      // Relaxed: the flag carries no data; only its line's travel is timed.
      while (!flag.state.compare_exchange_weak(expected, kPong, std::memory_order_relaxed)) {
        expected = kPing;
      }
    }
  });
  std::thread ping([&] {
    if (!meet(cpu_a)) return;
    for (unsigned s = 0; s <= samples; ++s) {
      const Clock::time_point start = Clock::now();
      for (unsigned k = 0; k < round_trips; ++k) {
        std::uint32_t expected = kPong;
        while (!flag.state.compare_exchange_weak(expected, kPing, std::memory_order_relaxed)) {
          expected = kPong;
        }
      }
      const double ns = ns_since(start);
      if (s != 0) runs.push_back(ns / round_trips / 2);  // run 0 warms up
    }
  });
  ping.join();
  pong.join();
  if (pin_failed.load()) {
    return std::unexpected(
        fmt::format("cannot pin a thread to CPU {} or CPU {} (sched_setaffinity refused)", cpu_a,
                    cpu_b));
  }
  return median(std::move(runs));
}

// ns per cycle from a chain of dependent adds, 16 per loop turn.
double measure_cycle_ns() {
  constexpr std::uint64_t kTurns = 100'000;
  std::uint64_t x = 0;
  const Clock::time_point start = Clock::now();
  for (std::uint64_t i = 0; i < kTurns; ++i) {
    for (int k = 0; k < 16; ++k) {
      x += 1;
      asm volatile("" : "+r"(x));  // each add waits for the last
    }
  }
  return ns_since(start) / static_cast<double>(x);
}

// A load that depends on the last, from one line that stays in L1.
double measure_l1_ns() {
  constexpr std::uint64_t kLoads = 1'000'000;
  alignas(64) static void* slot = &slot;
  void* p = &slot;
  const Clock::time_point start = Clock::now();
  for (std::uint64_t i = 0; i < kLoads; i += 8) {
    for (int k = 0; k < 8; ++k) {
      p = *static_cast<void**>(p);
      asm volatile("" : "+r"(p));  // the compiler may not know where p points
    }
  }
  return ns_since(start) / kLoads;
}

// Per iteration: a relaxed store, then the fence or (fence == false) only a
// compiler barrier. The fence's cost is the difference.
double fence_loop_ns(bool fence) {
  constexpr std::uint64_t kIterations = 100'000;
  alignas(64) static std::atomic<std::uint64_t> local{0};
  const Clock::time_point start = Clock::now();
  for (std::uint64_t i = 0; i < kIterations; ++i) {
    local.store(i, std::memory_order_relaxed);  // relaxed: a store for the fence to drain
    if (fence) {
      RealPlatform::fence();
    } else {
      asm volatile("" ::: "memory");
    }
  }
  return ns_since(start) / kIterations;
}

struct FreeAligned {
  void operator()(void* p) const { std::free(p); }
};

// A dependent-load chase through every line of `bytes`, in an order fixed
// by a seeded Sattolo shuffle (one cycle through all lines); the fastest of
// `runs` chases after one untimed lap.
double measure_memory_ns(std::size_t bytes, unsigned runs) {
  constexpr std::size_t kLine = 64;
  constexpr std::size_t kHugePage = std::size_t{2} << 20;
  const std::size_t lines = std::max<std::size_t>(bytes / kLine, 2);
  const std::size_t size = (lines * kLine + kHugePage - 1) / kHugePage * kHugePage;
  std::unique_ptr<void, FreeAligned> buffer(std::aligned_alloc(kHugePage, size));
  if (!buffer) throw std::bad_alloc();
  madvise(buffer.get(), size, MADV_HUGEPAGE);  // fewer TLB misses where THP allows
  auto* base = static_cast<unsigned char*>(buffer.get());

  std::vector<std::size_t> order(lines);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::mt19937_64 rng(0x6c6f636b73636f70ULL);
  for (std::size_t i = lines - 1; i > 0; --i) {
    std::swap(order[i], order[std::uniform_int_distribution<std::size_t>(0, i - 1)(rng)]);
  }
  for (std::size_t i = 0; i < lines; ++i) {
    void** at = reinterpret_cast<void**>(base + order[i] * kLine);
    *at = base + order[(i + 1) % lines] * kLine;
  }
  const std::size_t steps = std::max<std::size_t>(lines, 1'000'000);
  void* p = base + order[0] * kLine;
  for (std::size_t i = 0; i < lines; ++i) {
    p = *static_cast<void**>(p);
    asm volatile("" : "+r"(p));
  }
  return fastest_of(runs, [&] {
    const Clock::time_point start = Clock::now();
    for (std::size_t i = 0; i < steps; ++i) {
      p = *static_cast<void**>(p);
      asm volatile("" : "+r"(p));
    }
    return ns_since(start) / static_cast<double>(steps);
  });
}

// membarrier with a spinning thread on every other CPU, so that each takes
// an IPI as a reader's CPU would.
double measure_heavy_barrier_ns(const std::vector<int>& cpus, unsigned runs) {
  constexpr int kCalls = 50;
  std::atomic<bool> stop{false};
  std::atomic<unsigned> spinning{0};
  std::vector<std::thread> spinners;
  for (std::size_t k = 1; k < cpus.size(); ++k) {
    spinners.emplace_back([&, cpu = cpus[k]] {
      bench::pin_current_thread(cpu);
      spinning.fetch_add(1);
      while (!stop.load(std::memory_order_relaxed)) {  // relaxed: a stop signal, no data
      }
    });
  }
  while (spinning.load() < spinners.size()) {
  }
  bench::pin_current_thread(cpus[0]);
  const double ns = fastest_of(runs, [] {
    const Clock::time_point start = Clock::now();
    for (int k = 0; k < kCalls; ++k) RealPlatform::heavy_barrier();
    return ns_since(start) / kCalls;
  });
  stop.store(true);
  for (std::thread& t : spinners) t.join();
  return ns;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("model name")) {
      const std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string model = line.substr(colon + 1);
        model.erase(0, model.find_first_not_of(" \t"));
        return model;
      }
    }
  }
  return "unknown CPU";
}

std::string cpu_list(const std::vector<int>& cpus) {
  std::string out;
  for (std::size_t k = 0; k < cpus.size();) {
    std::size_t end = k;
    while (end + 1 < cpus.size() && cpus[end + 1] == cpus[end] + 1) ++end;
    if (!out.empty()) out += ",";
    out += end == k ? fmt::format("{}", cpus[k]) : fmt::format("{}-{}", cpus[k], cpus[end]);
    k = end + 1;
  }
  return out;
}

}  // namespace

std::expected<Machine, std::string> calibrate(const CalibrationOptions& options,
                                              const CalibrationProgress& progress) {
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  const std::vector<int> allowed = bench::allowed_cpus();
  std::vector<int> cpus = options.cpus.empty() ? allowed : options.cpus;
  for (int cpu : cpus) {
    if (std::find(allowed.begin(), allowed.end(), cpu) == allowed.end()) {
      return std::unexpected(fmt::format("CPU {} is not one this process may run on (allowed: {})",
                                         cpu, cpu_list(allowed)));
    }
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  if (cpus.size() < 2) {
    return std::unexpected(fmt::format("calibration needs at least two CPUs; {} CPU {} only",
                                       options.cpus.empty() ? "this process may run on" : "given",
                                       cpu_list(cpus)));
  }
  if (cpus.size() > kMaxCores) {
    return std::unexpected(fmt::format("{} CPUs; at most {} are supported", cpus.size(), kMaxCores));
  }
  const unsigned samples = std::max(options.samples, 1U);
  const unsigned round_trips = std::max(options.round_trips, 1U);
  const unsigned runs = std::max(options.single_cost_runs, 1U);

  MachineParameters p;
  p.name = std::string(kThisMachine);
  p.description = fmt::format("{} CPUs ({}) of {}, measured by lockscope calibrate", cpus.size(),
                              cpu_list(cpus), cpu_model());

  // The single-thread costs run pinned to the first CPU, in a thread of their
  // own so the caller's affinity is left alone.
  std::expected<void, std::string> single = {};
  std::thread([&] {
    if (!bench::pin_current_thread(cpus[0])) {
      single = std::unexpected(fmt::format("cannot pin a thread to CPU {}", cpus[0]));
      return;
    }
    say("clock");
    p.clock_ghz = 1 / fastest_of(runs, measure_cycle_ns);
    say("L1 hit");
    p.l1_hit_ns = fastest_of(runs, measure_l1_ns);
    say("fence");
    p.fence_ns = std::max(0.0, fastest_of(runs, [] { return fence_loop_ns(true); }) -
                                   fastest_of(runs, [] { return fence_loop_ns(false); }));
    if (options.memory_bytes != 0) {
      say(fmt::format("memory ({} MiB chase)", options.memory_bytes >> 20));
      p.memory_ns = measure_memory_ns(options.memory_bytes, runs);
    } else {
      say(fmt::format("memory: not measured, keeping {} ns", p.memory_ns));
    }
  }).join();
  if (!single) return std::unexpected(single.error());

  if (RealPlatform::heavy_barrier_available()) {
    say("heavy barrier (membarrier)");
    std::thread([&] { p.heavy_barrier_ns = measure_heavy_barrier_ns(cpus, runs); }).join();
  } else {
    say(fmt::format("heavy barrier: not measured ({}), keeping {} ns",
                    RealPlatform::heavy_barrier_unavailable_reason(), p.heavy_barrier_ns));
  }

  const std::size_t n = cpus.size();
  std::vector<double> lat(n * n, p.l1_hit_ns);
  const std::size_t pairs = n * (n - 1) / 2;
  std::size_t done = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      say(fmt::format("CPU {} <-> CPU {} ({}/{})", cpus[i], cpus[j], ++done, pairs));
      auto one_way = ping_pong(cpus[i], cpus[j], samples, round_trips);
      if (!one_way) return std::unexpected(one_way.error());
      lat[i * n + j] = lat[j * n + i] = std::max(*one_way, 0.01);  // never 0, even on a bad clock
    }
  }
  Machine m = make_machine(p, {}, std::move(lat));
  if (auto ok = validate(m); !ok) {
    return std::unexpected(fmt::format("calibration produced an invalid machine: {}", ok.error()));
  }
  return m;
}

}  // namespace lockscope::engine::machine
