#include "engine/machine/calibrate_handover.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "engine/machine/calibrate_runs.hpp"

namespace lockscope::engine::machine {
namespace {

using calibration::Clock;
using calibration::fastest_of;
using calibration::median;
using calibration::ns_since;
using calibration::run_pair;

struct alignas(64) Counter {
  std::atomic<std::uint32_t> value{0};
};

// One run of the shared counter, while both threads ran.
std::expected<Handoff, std::string> handoff_once(int cpu_a, int cpu_b) {
  constexpr std::uint32_t kOps = 200'000;  // per thread
  Counter counter;
  std::vector<std::uint32_t> got[2] = {std::vector<std::uint32_t>(kOps),
                                       std::vector<std::uint32_t>(kOps)};
  // The first thread to finish notes the time and the counter: only the
  // stretch in which both ran is counted.
  std::atomic<bool> first_done{false};
  std::uint32_t both_ran_until = 0;
  Clock::time_point start{}, end{};
  std::atomic<int> started{0};
  auto ok = run_pair(cpu_a, cpu_b, [&](int id) {
    if (started.fetch_add(1) == 0) start = Clock::now();
    while (started.load() < 2) {
    }
    std::uint32_t* out = got[id].data();
    for (std::uint32_t k = 0; k < kOps; ++k) out[k] = counter.value.fetch_add(1, std::memory_order_relaxed);
    if (!first_done.exchange(true)) {
      end = Clock::now();
      both_ran_until = counter.value.load(std::memory_order_relaxed);
    }
  });
  if (!ok) return std::unexpected(ok.error());
  std::vector<std::int8_t> owner(std::size_t{2} * kOps, -1);
  for (int id = 0; id < 2; ++id) {
    for (const std::uint32_t v : got[id]) owner[v] = static_cast<std::int8_t>(id);
  }
  std::uint64_t changes = 0;
  for (std::uint32_t v = 1; v < both_ran_until && v < owner.size(); ++v) changes += owner[v] != owner[v - 1];
  const double ns = std::chrono::duration<double, std::nano>(end - start).count();
  if (changes == 0) {
    return std::unexpected(fmt::format("the shared counter never changed hands between CPU {} and CPU {} "
                                       "(is one of them descheduled?)",
                                       cpu_a, cpu_b));
  }
  return Handoff{ns / static_cast<double>(changes), ns / static_cast<double>(both_ran_until)};
}

// One run of the condition-variable relay: ns per one-way handover.
std::expected<double, std::string> relay_ns(int cpu_a, int cpu_b) {
  constexpr int kTurns = 1000;  // per thread
  std::mutex m;
  std::condition_variable cv;
  int turn = 0;
  Clock::time_point start{}, end{};
  auto ok = run_pair(cpu_a, cpu_b, [&](int id) {
    if (id == 0) start = Clock::now();
    for (int k = 0; k < kTurns; ++k) {
      std::unique_lock<std::mutex> held(m);
      cv.wait(held, [&] { return turn == id; });
      turn = 1 - id;
      cv.notify_one();
    }
    if (id == 1) end = Clock::now();
  });
  if (!ok) return std::unexpected(ok.error());
  return std::chrono::duration<double, std::nano>(end - start).count() / (2.0 * kTurns);
}

// Wakes of a sleeper on cpu_b by a waker on cpu_a: each time the sleeper has
// gone to wait in a condition variable, the waker runs `before_notify`, then
// notifies. Per wake, what the notify_one call cost the waker, and the time
// from the notify to the sleeper running again (both read one steady clock).
struct WakeTimes {
  std::vector<double> notify_ns;
  std::vector<double> to_running_ns;
};
template <typename Pause>
std::expected<WakeTimes, std::string> wake_sleeper(int cpu_a, int cpu_b, unsigned wakes, Pause&& before_notify) {
  std::mutex m;
  std::condition_variable cv;
  unsigned released = 0;          // guarded by m: notifies sent
  Clock::time_point sent{};       // guarded by m: when the last one was sent
  std::atomic<unsigned> naps{0};  // times the sleeper went to wait
  WakeTimes t;
  t.notify_ns.reserve(wakes);
  t.to_running_ns.reserve(wakes);
  auto ok = run_pair(cpu_a, cpu_b, [&](int id) {
    for (unsigned k = 0; k < wakes; ++k) {
      if (id == 1) {
        std::unique_lock<std::mutex> held(m);
        naps.store(k + 1);
        cv.wait(held, [&] { return released > k; });
        t.to_running_ns.push_back(ns_since(sent));
        continue;
      }
      while (naps.load() <= k) {
      }
      before_notify();
      {
        std::lock_guard<std::mutex> held(m);
        ++released;
        sent = Clock::now();
      }
      const Clock::time_point start = Clock::now();
      cv.notify_one();
      t.notify_ns.push_back(ns_since(start));
    }
  });
  if (!ok) return std::unexpected(ok.error());
  return t;
}

// One run of notify_one to a sleeper: the median notify, in ns.
std::expected<double, std::string> notify_ns(int cpu_a, int cpu_b) {
  // Long enough for the sleeper to be in the kernel, not spinning.
  auto t = wake_sleeper(cpu_a, cpu_b, 300, [] { std::this_thread::sleep_for(std::chrono::microseconds(20)); });
  if (!t) return std::unexpected(t.error());
  return median(std::move(t->notify_ns));
}

// Wake-ups of a sleeper by a waker that stays busy for `idle_ns` after the
// sleeper went to wait, as a worker keeps running while the thread it will
// wake sleeps: the median time from the notify to the sleeper running.
std::expected<double, std::string> wake_after_idle_ns(int cpu_a, int cpu_b, double idle_ns, unsigned wakes) {
  const auto idle = std::chrono::nanoseconds(static_cast<std::int64_t>(idle_ns));
  auto t = wake_sleeper(cpu_a, cpu_b, wakes, [&] {
    const Clock::time_point until = Clock::now() + idle;
    while (Clock::now() < until) {
    }
  });
  if (!t) return std::unexpected(t.error());
  return median(std::move(t->to_running_ns));
}

// The median of the runs that gave a figure (after one warm-up); the last
// error if none did.
template <typename Run>
std::expected<double, std::string> median_run(unsigned runs, Run&& run) {
  (void)run();  // warm-up
  std::vector<double> v;
  std::string error;
  for (unsigned r = 0; r < std::max(runs, 1U); ++r) {
    auto ns = run();
    if (ns) v.push_back(*ns);
    else error = ns.error();
  }
  if (v.empty()) return std::unexpected(error);
  return median(std::move(v));
}

}  // namespace

std::expected<Handoff, std::string> measure_handoff(int cpu_a, int cpu_b, unsigned runs) {
  (void)handoff_once(cpu_a, cpu_b);  // warm-up
  std::vector<double> interval;
  std::vector<double> per_rmw;
  std::string error;
  for (unsigned r = 0; r < std::max(runs, 1U); ++r) {
    auto h = handoff_once(cpu_a, cpu_b);
    if (!h) {
      error = h.error();
      continue;
    }
    interval.push_back(h->interval_ns);
    per_rmw.push_back(h->ns_per_rmw);
  }
  if (interval.empty()) return std::unexpected(error);
  return Handoff{median(std::move(interval)), median(std::move(per_rmw))};
}

double fit_line_hold_ns(double ns_per_rmw, double transfer_ns, double local_rmw_ns) {
  if (!(ns_per_rmw > 0) || !(transfer_ns > 0)) return 0;
  const double rate = 1.0 / ns_per_rmw;
  // (1 + h / local) / (T + h) = rate  =>  h = (rate T - 1) / (1 / local - rate)
  if (rate * transfer_ns <= 1) return 0;
  if (!(local_rmw_ns > 0) || rate >= 1.0 / local_rmw_ns) return 10 * transfer_ns;
  return std::min((rate * transfer_ns - 1) / (1.0 / local_rmw_ns - rate), 10 * transfer_ns);
}

std::expected<double, std::string> measure_wake_ns(int cpu_a, int cpu_b, unsigned runs) {
  return median_run(runs, [&] { return relay_ns(cpu_a, cpu_b); });
}

std::expected<double, std::string> measure_wake_call_ns(int cpu_a, int cpu_b, unsigned runs) {
  return median_run(runs, [&] { return notify_ns(cpu_a, cpu_b); });
}

std::expected<std::vector<double>, std::string> measure_wake_after_idle_ns(int cpu_a, int cpu_b,
                                                                         const std::vector<double>& idle_ns,
                                                                         unsigned wakes) {
  (void)wake_after_idle_ns(cpu_a, cpu_b, idle_ns.front(), std::min(wakes, 20U));  // warm-up
  std::vector<double> out;
  for (const double idle : idle_ns) {
    auto ns = wake_after_idle_ns(cpu_a, cpu_b, idle, std::max(wakes, 1U));
    if (!ns) return std::unexpected(ns.error());
    out.push_back(*ns);
  }
  return out;
}

std::vector<double> wake_curve(double wake_ns, const std::vector<double>& latency_ns) {
  std::vector<double> out;
  for (const double ns : latency_ns) {
    const double w = wake_ns + std::max(ns - latency_ns.front(), 0.0);
    out.push_back(out.empty() ? w : std::max(out.back(), w));
  }
  return out;
}

double measure_syscall_ns(unsigned runs) {
  constexpr int kCalls = 2000;
  std::atomic<std::uint32_t> word{1};
  return fastest_of(std::max(runs, 1U), [&] {
    const Clock::time_point start = Clock::now();
    for (int k = 0; k < kCalls; ++k) {
      // Expects 0, finds 1: the kernel returns EAGAIN without sleeping.
      syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE, 0U, nullptr, nullptr, 0U);
    }
    return ns_since(start) / kCalls;
  });
}

double measure_spin_ns(unsigned runs) {
  // libstdc++ 12's __atomic_spin: __atomic_spin_count = 16 turns, the first
  // __atomic_spin_count_relax = 12 with a pause, the rest with a yield.
  constexpr int kWaits = 200;
  return fastest_of(std::max(runs, 1U), [] {
    const Clock::time_point start = Clock::now();
    for (int k = 0; k < kWaits; ++k) {
      for (int i = 0; i < 16; ++i) {
        if (i < 12) {
#if defined(__x86_64__) || defined(__i386__)
          _mm_pause();
#endif
        } else {
          sched_yield();
        }
      }
    }
    return ns_since(start) / kWaits;
  });
}

}  // namespace lockscope::engine::machine
