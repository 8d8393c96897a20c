#include "engine/machine/calibrate.hpp"

#include <fmt/format.h>
#include <sys/mman.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include <algorithm>
#include <array>
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
#include <tuple>

#include "engine/bench/cpu_affinity.hpp"
#include "engine/platform/cpu_topology.hpp"
#include "engine/machine/calibrate_handover.hpp"
#include "engine/machine/calibrate_runs.hpp"
#include "engine/machine/calibrate_shadow.hpp"
#include "engine/machine/resolve.hpp"
#include "engine/platform/real_platform.hpp"

namespace lockscope::engine::machine {

namespace {

using calibration::Clock;
using calibration::fastest_of;
using calibration::median_of;
using calibration::median;
using calibration::ns_since;
using calibration::run_pair;
using engine::platform::RealPlatform;

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
  const std::uint64_t total = std::uint64_t{samples + 1} * round_trips;
  std::vector<double> runs;
  auto ok = run_pair(cpu_a, cpu_b, [&](int id) {
    if (id == 1) {  // pong
      for (std::uint64_t k = 0; k < total; ++k) {
        std::uint32_t expected = kPing;
        // Relaxed: the flag carries no data; only its line's travel is timed.
        while (!flag.state.compare_exchange_weak(expected, kPong, std::memory_order_relaxed)) {
          expected = kPing;
        }
      }
      return;
    }
    for (unsigned s = 0; s <= samples; ++s) {  // ping
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
  if (!ok) return std::unexpected(ok.error());
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

// Per call: the clock a lock reads (RealPlatform::now_ns, steady_clock
// through the vDSO), back to back; the sum keeps the calls.
double clock_read_loop_ns() {
  constexpr int kReads = 100'000;
  std::int64_t sum = 0;
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < kReads; ++i) sum += RealPlatform::now_ns();
  asm volatile("" : : "r"(sum) : "memory");
  return ns_since(start) / kReads;
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
  // The median run, not the fastest: the IPIs' cost varies from call to
  // call (the spinners' CPUs may be descheduled by a hypervisor), and a lock
  // pays the average, not the luckiest stretch (fastest of 15 runs: 4.4 us
  // here; median 7-9 us).
  const double ns = median_of(runs, [] {
    const Clock::time_point start = Clock::now();
    for (int k = 0; k < kCalls; ++k) RealPlatform::heavy_barrier();
    return ns_since(start) / kCalls;
  });
  stop.store(true);
  for (std::thread& t : spinners) t.join();
  return ns;
}

// membarrier with no other thread of the process running: no IPI. Pinned to
// `cpu`; the median run of 200 calls.
double measure_heavy_barrier_alone_ns(int cpu, unsigned runs) {
  constexpr int kCalls = 200;
  bench::pin_current_thread(cpu);
  return median_of(runs, [] {
    const Clock::time_point start = Clock::now();
    for (int k = 0; k < kCalls; ++k) RealPlatform::heavy_barrier();
    return ns_since(start) / kCalls;
  });
}

// ---------------------------------------------------------------------------
// Per-state access costs, in the manner of ccbench (David, Guerraoui,
// Trigonakis, SOSP 2013; github.com/trigonak/ccbench): before every timed
// access, the other threads put the line in the state under test, one after
// another (a baton passed on a line of its own); then the tester times one
// access with rdtsc, fenced on both sides. Of `reps` accesses in 9 runs, the
// median run's mean is kept, minus the same for the same access on a line
// the tester already holds Modified (the timer, and for a store or an RMW the fence and the
// locked instruction, which the simulator charges as fence_ns), plus
// l1_hit_ns. So a figure is what the line's state adds to a hit.

#if defined(__x86_64__) || defined(__i386__)

enum class Op : std::uint8_t { load, store, rmw, cas };

// The line under test, on a page of its own: no prefetcher pairs it with
// the baton or the thread stacks.
struct alignas(4096) TargetPage {
  std::atomic<std::uint64_t> word{0};
};

// One timed access, in TSC ticks.
std::uint64_t timed_access(Op op, std::atomic<std::uint64_t>& word) {
  _mm_lfence();
  const std::uint64_t start = __rdtsc();
  _mm_lfence();
  switch (op) {
    case Op::load: {
      // Relaxed: a plain mov is what is timed; the lfence below waits for it.
      const std::uint64_t v = word.load(std::memory_order_relaxed);
      asm volatile("" : : "r"(v));
      break;
    }
    case Op::store:
      // Relaxed store, then mfence: the store is timed until it is globally
      // visible (its RFO done), as ccbench's store with a full fence.
      word.store(start, std::memory_order_relaxed);
      _mm_mfence();
      break;
    case Op::rmw:
      // Relaxed: a lock xadd whatever the order; the line's travel is timed.
      word.fetch_add(1, std::memory_order_relaxed);
      break;
    case Op::cas: {
      std::uint64_t expected = 0;
      // Relaxed: lock cmpxchg takes the line exclusive whether it succeeds or not.
      word.compare_exchange_strong(expected, 1, std::memory_order_relaxed);
      break;
    }
  }
  _mm_lfence();
  const std::uint64_t end = __rdtsc();
  _mm_lfence();
  return end - start;
}

void flush(std::atomic<std::uint64_t>& word) {
  _mm_mfence();
  _mm_clflush(&word);
  _mm_mfence();
}

// TSC ticks per nanosecond, against the steady clock over ~20 ms.
double ticks_per_ns() {
  const Clock::time_point start = Clock::now();
  const std::uint64_t t0 = __rdtsc();
  while (ns_since(start) < 20e6) {
  }
  const std::uint64_t t1 = __rdtsc();
  return static_cast<double>(t1 - t0) / ns_since(start);
}

// What the tester does to the line before the others prepare it, and what
// each of them then does in turn.
enum class Prep : std::uint8_t { none, flush, store, load };

struct Scenario {
  Prep tester_first = Prep::none;
  Prep owner = Prep::none;    // the pair's other CPU
  unsigned helpers = 0;       // more CPUs, each doing helper_action after the owner
  Prep helper_action = Prep::none;
};

// Runs scenarios on one tester, one owner and up to `helpers` more CPUs, all
// pinned; each gives the median over runs of a run's mean ticks per access.
class StateBench {
 public:
  StateBench(int tester, int owner, std::vector<int> helpers, unsigned reps)
      : tester_(tester), cpus_{owner}, reps_(reps) {
    cpus_.insert(cpus_.end(), helpers.begin(), helpers.end());
  }

  // Per case, the median run's mean ticks of `op` after `scenario`, or an error.
  std::expected<std::vector<double>, std::string> run(
      const std::vector<std::pair<Scenario, Op>>& cases) {
    constexpr unsigned kStop = ~0U;
    std::atomic<bool> pin_failed{false};
    std::atomic<unsigned> ready{0};
    std::vector<std::thread> preparers;
    const Scenario* current = nullptr;  // written by the tester before it passes the baton
    for (unsigned id = 1; id <= cpus_.size(); ++id) {
      preparers.emplace_back([&, id] {
        if (!bench::pin_current_thread(cpus_[id - 1])) pin_failed.store(true);
        ready.fetch_add(1);
        for (;;) {
          unsigned t = 0;
          // [B1] acquire pairs with [B2]: `current` and the line's state are
          // what the previous holder of the baton left.
          while ((t = baton_.who.load(std::memory_order_acquire)) != id && t != kStop) _mm_pause();
          if (t == kStop) return;
          const Prep action = id == 1 ? current->owner : current->helper_action;
          act(action);
          const unsigned last = 1 + current->helpers;
          // [B2] release pairs with [B1] in the next preparer, or the tester's wait.
          baton_.who.store(id == last ? 0 : id + 1, std::memory_order_release);
        }
      });
    }
    std::vector<double> medians;
    std::thread tester([&] {
      if (!bench::pin_current_thread(tester_)) pin_failed.store(true);
      while (ready.load() < preparers.size()) _mm_pause();
      if (pin_failed.load()) return;
      for (const auto& [scenario, op] : cases) {
        current = &scenario;
        // rdtsc ticks in coarse steps on some CPUs (every ~20 ticks, ~8 ns,
        // on this AMD EPYC VM), so one access is quantized: each run averages
        // its accesses (whose phase against the steps is random, so the
        // mean dithers through), and the median run is kept, as for pairs.
        const unsigned runs = std::min(reps_, kRuns);
        std::vector<double> run_means;
        double sum = 0;
        unsigned in_run = 0;
        for (unsigned r = 0; r < reps_ + kWarmUp; ++r) {
          act(scenario.tester_first);
          if (scenario.owner != Prep::none) {
            baton_.who.store(1, std::memory_order_release);  // [B2] for the owner
            while (baton_.who.load(std::memory_order_acquire) != 0) _mm_pause();  // [B1]
          }
          const std::uint64_t t = timed_access(op, page_->word);
          if (r < kWarmUp) continue;
          sum += static_cast<double>(t);
          ++in_run;
          // `runs` runs of reps_ / runs accesses (some one more).
          const std::uint64_t done = r - kWarmUp + 1;
          if (done * runs / reps_ != (done - 1) * runs / reps_) {
            run_means.push_back(sum / in_run);
            sum = 0;
            in_run = 0;
          }
        }
        medians.push_back(median(std::move(run_means)));
      }
    });
    tester.join();
    baton_.who.store(kStop, std::memory_order_release);
    for (std::thread& t : preparers) t.join();
    if (pin_failed.load()) {
      return std::unexpected(fmt::format("cannot pin a thread to CPU {} or its partners", tester_));
    }
    return medians;
  }

 private:
  static constexpr unsigned kWarmUp = 5;
  static constexpr unsigned kRuns = 9;  // runs per state; the median run is kept
  struct alignas(64) Baton {
    std::atomic<unsigned> who{0};  // 0: the tester; i: the i-th preparer
  };

  void act(Prep p) {
    switch (p) {
      case Prep::none: break;
      case Prep::flush: flush(page_->word); break;
      case Prep::store:
        // Relaxed: makes the line Modified here; the baton orders it.
        page_->word.store(1, std::memory_order_relaxed);
        break;
      case Prep::load: {
        // Relaxed: brings the line here (E or S); the baton orders it.
        const std::uint64_t v = page_->word.load(std::memory_order_relaxed);
        asm volatile("" : : "r"(v));
        break;
      }
    }
    _mm_mfence();  // the preparation is complete before the baton moves
  }

  int tester_;
  std::vector<int> cpus_;  // owner, then helpers
  unsigned reps_;
  Baton baton_;
  std::unique_ptr<TargetPage> page_ = std::make_unique<TargetPage>();
};

// The per-state table between `tester` and `owner` (helpers: more CPUs for
// lines shared by k > 1 other cores), or an error. `cas_modified_ns` gets
// a CAS on a Modified line, for the progress report.
std::expected<AccessCosts, std::string> measure_access_costs(
    int tester, int owner, const std::vector<int>& helpers, double reference_ns,
    double l1_hit_ns, unsigned reps, double& cas_modified_ns) {
  const unsigned max_k = 1 + static_cast<unsigned>(helpers.size());
  std::vector<std::pair<Scenario, Op>> cases;
  auto add = [&](Scenario s, Op op) {
    cases.emplace_back(s, op);
    return cases.size() - 1;
  };
  const Scenario hit{Prep::store, Prep::none, 0, Prep::none};
  const Scenario modified{Prep::none, Prep::store, 0, Prep::none};
  const Scenario exclusive{Prep::flush, Prep::load, 0, Prep::none};
  const Scenario memory{Prep::flush, Prep::none, 0, Prep::none};
  struct Indices {
    std::size_t hit, modified, exclusive, memory, shared = 0;
    std::vector<std::size_t> shared_by;
  };
  std::array<Indices, 3> at;
  for (const Op op : {Op::load, Op::store, Op::rmw}) {
    Indices& i = at[static_cast<std::size_t>(op)];
    i.hit = add(hit, op);
    i.modified = add(modified, op);
    i.exclusive = add(exclusive, op);
    i.memory = add(memory, op);
    if (op == Op::load) {
      // S in k >= 2 other cores, none in the tester: clean copies.
      if (max_k >= 2) i.shared = add(Scenario{Prep::flush, Prep::load, max_k - 1, Prep::load}, op);
    } else {
      // ccbench's STORE_ON_SHARED: the tester wrote it, k others read it.
      for (unsigned k = 1; k <= max_k; ++k) {
        i.shared_by.push_back(add(Scenario{Prep::store, Prep::load, k - 1, Prep::load}, op));
      }
    }
  }
  const std::size_t cas_hit = add(hit, Op::cas);
  const std::size_t cas_modified = add(modified, Op::cas);

  StateBench bench(tester, owner, helpers, reps);
  auto medians = bench.run(cases);
  if (!medians) return std::unexpected(medians.error());
  const double rate = ticks_per_ns();
  auto ns = [&](std::size_t index, std::size_t hit_index) {
    const double extra = ((*medians)[index] - (*medians)[hit_index]) / rate;
    return std::max(extra, 0.0) + l1_hit_ns;
  };
  AccessCosts a;
  a.reference_ns = reference_ns;
  for (const Op op : {Op::load, Op::store, Op::rmw}) {
    const Indices& i = at[static_cast<std::size_t>(op)];
    AccessCosts::Op& out = op == Op::load ? a.load : op == Op::store ? a.store : a.rmw;
    out.modified_ns = ns(i.modified, i.hit);
    out.exclusive_ns = ns(i.exclusive, i.hit);
    out.memory_ns = ns(i.memory, i.hit);
    if (op == Op::load && max_k >= 2) out.shared_ns = ns(i.shared, i.hit);
    for (const std::size_t k : i.shared_by) out.shared_by_ns.push_back(ns(k, i.hit));
  }
  cas_modified_ns = ns(cas_modified, cas_hit);
  return a;
}

#endif

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

std::string describe(const AccessCosts& a) {
  auto list = [](const std::vector<double>& v) {
    std::string out;
    for (const double x : v) out += fmt::format("{}{:.1f}", out.empty() ? "" : "/", x);
    return out.empty() ? std::string("-") : out;
  };
  auto one = [](double x) { return x > 0 ? fmt::format("{:.1f}", x) : std::string("-"); };
  return fmt::format("load M {} E {} S {} mem {}; store M {} E {} S(k) {} mem {}; "
                     "RMW M {} E {} S(k) {} mem {} ns",
                     one(a.load.modified_ns), one(a.load.exclusive_ns), one(a.load.shared_ns),
                     one(a.load.memory_ns), one(a.store.modified_ns), one(a.store.exclusive_ns),
                     list(a.store.shared_by_ns), one(a.store.memory_ns), one(a.rmw.modified_ns),
                     one(a.rmw.exclusive_ns), list(a.rmw.shared_by_ns), one(a.rmw.memory_ns));
}

// The per-state table at the nearest pair of CPUs (stored), and at the
// farthest when it is clearly farther (reported only). Helpers, for lines
// shared by k > 1 cores, are the CPUs nearest the tester.
std::expected<AccessCosts, std::string> measure_per_state(
    const Machine& m, const std::vector<int>& cpus, unsigned reps,
    const std::function<void(const std::string&)>& say) {
#if defined(__x86_64__) || defined(__i386__)
  const unsigned n = m.cores();
  // The nearest pair of separate cores: SMT siblings share an L1, so their
  // "transfer" is a hit and says nothing of what crossing cores costs. Only
  // when every pair shares a core (two hardware threads of one) is one
  // measured anyway, and said so.
  auto siblings = [&](unsigned i, unsigned j) { return platform::cpu_topology().share_a_core(cpus[i], cpus[j]); };
  unsigned near_a = 0, near_b = 1, far_a = 0, far_b = 1;
  bool near_shares = siblings(0, 1);
  for (unsigned i = 0; i < n; ++i) {
    for (unsigned j = i + 1; j < n; ++j) {
      const bool shares = siblings(i, j);
      if ((near_shares && !shares) ||
          (shares == near_shares && m.latency(i, j) < m.latency(near_a, near_b))) {
        std::tie(near_a, near_b, near_shares) = std::tuple(i, j, shares);
      }
      if (m.latency(i, j) > m.latency(far_a, far_b)) std::tie(far_a, far_b) = std::pair(i, j);
    }
  }
  if (near_shares) {
    say(fmt::format("per-state costs: CPU {} and CPU {} are two hardware threads of one core "
                    "(SMT siblings, per sysfs) and no two CPUs given are separate cores: a line "
                    "Modified in one is already in their shared L1, so M and S cost about a hit",
                    cpus[near_a], cpus[near_b]));
  }
  const unsigned max_k = std::min(n - 1, 4U);
  auto table = [&](unsigned owner, unsigned tester) -> std::expected<AccessCosts, std::string> {
    std::vector<unsigned> others;
    for (unsigned c = 0; c < n; ++c) {
      if (c != owner && c != tester) others.push_back(c);
    }
    std::stable_sort(others.begin(), others.end(), [&](unsigned x, unsigned y) {
      return m.latency(x, tester) < m.latency(y, tester);
    });
    std::vector<int> helpers;
    for (unsigned k = 0; k + 1 < max_k && k < others.size(); ++k) helpers.push_back(cpus[others[k]]);
    say(fmt::format("per-state costs: line in CPU {}, accessed from CPU {} (M, E, S by k = 1..{}, "
                    "memory; {} accesses each)",
                    cpus[owner], cpus[tester], max_k, reps));
    double cas_ns = 0;
    auto a = measure_access_costs(cpus[tester], cpus[owner], helpers, m.latency(owner, tester),
                                  m.l1_hit_ns, reps, cas_ns);
    if (a) {
      say(fmt::format("per-state costs, CPU {} -> CPU {} (latency {:.1f} ns): {}; CAS on M {:.1f} "
                      "ns",
                      cpus[owner], cpus[tester], a->reference_ns, describe(*a), cas_ns));
      // Measured, whatever sysfs says: a hypervisor may present one host
      // core's two threads as separate cores.
      if (!siblings(owner, tester) && a->rmw.modified_ns < 2 * m.l1_hit_ns + 1) {
        say(fmt::format("per-state costs: warning: an RMW on a line Modified in CPU {} costs CPU {} "
                        "about a hit ({:.1f} ns): they seem to share a cache (one core's two "
                        "threads behind a hypervisor?), so these are not costs between cores",
                        cpus[owner], cpus[tester], a->rmw.modified_ns));
      }
    }
    return a;
  };
  auto near = table(near_a, near_b);
  if (!near) return near;
  if (n >= 3 && m.latency(far_a, far_b) > 1.5 * m.latency(near_a, near_b)) {
    if (auto far = table(far_a, far_b); !far) return far;  // reported, not stored
  }
  return near;
#else
  (void)m;
  (void)cpus;
  (void)reps;
  say("per-state costs: not measured (they need x86's rdtsc and clflush)");
  return AccessCosts{};
#endif
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
  double clock_read = 0;
  double miss_shadow = 0;
  double heavy_barrier_alone = 0;
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
    say("clock read");
    clock_read = fastest_of(runs, clock_read_loop_ns);
    say("work under a miss (an RMW to memory, then a wait on the cycle counter)");
    miss_shadow = measure_miss_shadow_ns(runs);
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
    say("heavy barrier alone (membarrier, no other thread running)");
    std::thread([&] { heavy_barrier_alone = measure_heavy_barrier_alone_ns(cpus[0], runs); }).join();
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
  m.clock_read_ns = clock_read;
  m.ooo_window_ns = std::round(miss_shadow * 10) / 10;  // to 0.1 ns: a difference of two loops
  m.heavy_barrier_alone_ns = heavy_barrier_alone;
  if (options.access_samples != 0) {
    auto access = measure_per_state(m, cpus, options.access_samples, say);
    if (!access) return std::unexpected(access.error());
    m.access = std::move(*access);
  } else {
    say("per-state costs: not measured (--access-samples 0)");
  }
  {
    // Handover costs at the nearest pair, as the per-state costs.
    unsigned a = 0, b = 1;
    for (unsigned i = 0; i < m.cores(); ++i) {
      for (unsigned j = i + 1; j < m.cores(); ++j) {
        if (m.latency(i, j) < m.latency(a, b)) std::tie(a, b) = std::pair(i, j);
      }
    }
    say(fmt::format("line hold: a shared counter between CPU {} and CPU {}", cpus[a], cpus[b]));
    // A run in which one thread never got the line (descheduled all along,
    // on a loaded machine) says nothing: the hold is then left at 0.
    auto handoff = measure_handoff(cpus[a], cpus[b], runs);
    // The transfer the model charges a contended RMW: the pair's latency,
    // scaled by the per-state cost of an RMW on a Modified line if measured.
    const double transfer = m.access.given() && m.access.rmw.modified_ns > 0
                                ? m.latency(a, b) * m.access.rmw.modified_ns / m.access.reference_ns
                                : m.latency(a, b);
    // An RMW on a line the core holds: the model drains the store buffer
    // (a fence) and hits.
    const double local_rmw = m.fence_ns + m.l1_hit_ns;
    if (handoff) {
      m.line_hold_ns = fit_line_hold_ns(handoff->ns_per_rmw, transfer, local_rmw);
    } else {
      say(fmt::format("line hold: not measured ({}), keeping 0", handoff.error()));
    }
    say(fmt::format("wake-up: a condition-variable relay between CPU {} and CPU {}", cpus[a], cpus[b]));
    auto wake = measure_wake_ns(cpus[a], cpus[b], runs);
    if (!wake) return std::unexpected(wake.error());
    m.scheduler.wake_ns = *wake;
    say(fmt::format("wake call: notify_one to a sleeper on CPU {}", cpus[b]));
    auto wake_call = measure_wake_call_ns(cpus[a], cpus[b], runs);
    if (!wake_call) return std::unexpected(wake_call.error());
    m.scheduler.wake_call_ns = *wake_call;
    // Idle times from a relay's to a millisecond: a lock's sleeper waits a
    // section, a writer's drain, or a whole other thread's run.
    const std::vector<double> idle = {5'000, 20'000, 50'000, 200'000, 1'000'000};
    say(fmt::format("wake-up after idle: a sleeper on CPU {} woken {:.0f} ns after it went to wait", cpus[b],
                    fmt::join(idle, ", ")));
    auto latency = measure_wake_after_idle_ns(cpus[a], cpus[b], idle, std::max(runs, 3U) * 20);
    if (!latency) return std::unexpected(latency.error());
    m.scheduler.wake_idle_ns = idle;
    m.scheduler.wake_after_idle_ns = wake_curve(m.scheduler.wake_ns, *latency);
    say("system call (futex_wait that does not sleep), spin before sleeping (std::atomic::wait)");
    std::thread([&] {
      if (!bench::pin_current_thread(cpus[a])) return;
      m.scheduler.syscall_ns = measure_syscall_ns(runs);
      m.scheduler.spin_ns = measure_spin_ns(runs);
    }).join();
    say(fmt::format("handover: the counter took an RMW every {:.1f} ns and changed hands every {:.1f} ns (an RMW "
                    "transfer {:.1f} ns, an owned RMW {:.1f} ns): line hold {:.1f} ns; wake-up {:.0f} ns, the waker's "
                    "call {:.0f} ns; system call {:.0f} ns; spin before sleeping {:.0f} ns; wake-up after 5 us to 1 "
                    "ms idle {:.0f} ns (notify to running {:.0f} ns)",
                    handoff ? handoff->ns_per_rmw : 0.0, handoff ? handoff->interval_ns : 0.0, transfer, local_rmw,
                    m.line_hold_ns, m.scheduler.wake_ns, m.scheduler.wake_call_ns, m.scheduler.syscall_ns,
                    m.scheduler.spin_ns, fmt::join(m.scheduler.wake_after_idle_ns, ", "), fmt::join(*latency, ", ")));
  }
  if (auto ok = validate(m); !ok) {
    return std::unexpected(fmt::format("calibration produced an invalid machine: {}", ok.error()));
  }
  return m;
}

}  // namespace lockscope::engine::machine
