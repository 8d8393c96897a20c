// Calibration of what it costs to hand something from one core to another
// when both want it at once (docs/machines.md, "Handover costs"):
//
//   line_hold_ns  Two threads pinned to CPUs a and b fetch_add one shared
//                 counter as fast as they can, each keeping the values it
//                 got. Merged by value, the values say who had the line when
//                 (a change of owner is one transfer), and how many RMWs the
//                 pair did per ns while both ran: the rate R. A real core
//                 does not give the line up the moment it is asked (a
//                 locked instruction holds it, and fabrics let a fresh owner
//                 finish a little work first), so the line moves in batches
//                 of several RMWs. In the simulator the owner answers a
//                 request that waited for the line in flight (the loser of
//                 a hammered counter asks again at once) once it has held
//                 the line for line_hold, working on its copy meanwhile (an
//                 RMW costing `local`, a fence and a hit), and the transfer
//                 then costs what it always does (T); a hammered counter
//                 thus runs at (1 + hold/local) / (T + hold) RMWs per ns.
//                 The hold is the one that gives the measured R
//                 (fit_line_hold_ns).
//                 (Until 2026-12-06 the hold was interval - T, the measured
//                 time between changes of owner less a transfer: right only
//                 when a batch held as many RMWs in both worlds. With two
//                 vCPUs 30 ns apart the interval was 29-31 ns, the hold 0,
//                 and the simulated counter moved on every RMW, 4.8 times
//                 slower than the real one, which did 6-10 per batch.)
//   wake_ns       Two threads pinned to CPUs a and b take turns through a
//                 std::mutex and std::condition_variable: each waits until it
//                 is its turn, passes the turn and notifies. One way is half a
//                 round trip: a futex wake of a sleeping thread on the other
//                 CPU, its return to user space, and the mutex. This is what
//                 the simulator charges a worker woken from a blocking wait
//                 by a worker on another core.
//   wake_call_ns  What the waker's notify_one costs it when the other thread,
//                 pinned to the other CPU, is asleep in the condition variable
//                 (20 us after it went to wait): the futex_wake system call
//                 and its IPI. The median of 300 notifies, the median of
//                 `runs` runs.
//   wake_idle_ns, wake_after_idle_ns
//                 The wake-up by how long the sleeper's CPU was idle: the
//                 waker, pinned to a, stays busy for each idle time after the
//                 sleeper on b went to wait, then notifies; the time from the
//                 notify to the sleeper running again (one steady clock), the
//                 median of `wakes` at each idle time. A vCPU idle longer
//                 leaves the hypervisor's halt polling; a core, its shallow
//                 C-state: on the development VM 11.7 us after 5 us idle,
//                 25 us after 200 us, 32 us after 1 ms. Written as
//                 wake_curve: the relay's wake_ns at the shortest idle (the
//                 relay's sleeper idles about that long, and its figure holds
//                 what a woken thread does before it runs on, which the bare
//                 notify-to-running time lacks), plus what each longer idle
//                 adds to the bare time, never falling. (The bare times
//                 themselves made validate worse: 24.3 % against 18.5 %;
//                 fidelity.md, seventh round.)
//   syscall_ns    A futex_wait whose word no longer holds the expected value:
//                 the system call returns at once (EAGAIN). The fastest of
//                 `runs` loops of 2000.
//   spin_ns       What std::atomic::wait (libstdc++, as the real waiter uses
//                 it) spends polling before it sleeps: 12 pauses and 4
//                 sched_yield calls, timed in a loop on one CPU; the fastest
//                 of `runs`.
//
// Each is the median of `runs` runs after one untimed warm-up. Real threads
// and clocks: for calibrate only.
#pragma once

#include <expected>
#include <string>
#include <vector>

namespace lockscope::engine::machine {

// The shared counter, while both threads ran: the time between changes
// of owner, and the time per RMW of the pair together (each the median of
// the runs).
struct Handoff {
  double interval_ns = 0;
  double ns_per_rmw = 0;
};
std::expected<Handoff, std::string> measure_handoff(int cpu_a, int cpu_b, unsigned runs);

// The line hold at which the model's hammered counter does one RMW every
// `ns_per_rmw`, given the transfer it charges an RMW between the two cores
// and what an RMW on a line the core holds costs it (fence + hit). 0 when
// the counter was no faster than one transfer per RMW (no batching to
// explain); when it was as fast as an owned line, 10 transfers (a core then
// keeps a wanted line far longer than it takes to move, and the figure is
// only bounded).
[[nodiscard]] double fit_line_hold_ns(double ns_per_rmw, double transfer_ns, double local_rmw_ns);
std::expected<double, std::string> measure_wake_ns(int cpu_a, int cpu_b, unsigned runs);
std::expected<double, std::string> measure_wake_call_ns(int cpu_a, int cpu_b, unsigned runs);
std::expected<std::vector<double>, std::string> measure_wake_after_idle_ns(int cpu_a, int cpu_b,
                                                                         const std::vector<double>& idle_ns,
                                                                         unsigned wakes);
// The simulator's wake-up at each idle time from the measured
// notify-to-running times at them (above): wake_ns plus what the idle adds
// to the shortest idle's time, never falling.
[[nodiscard]] std::vector<double> wake_curve(double wake_ns, const std::vector<double>& latency_ns);
double measure_syscall_ns(unsigned runs);
double measure_spin_ns(unsigned runs);

}  // namespace lockscope::engine::machine
