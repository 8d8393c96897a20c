// Calibration of what it costs to hand something from one core to another
// when both want it at once (docs/machines.md, "Handover costs"):
//
//   line_hold_ns  Two threads pinned to CPUs a and b fetch_add one shared
//                 counter as fast as they can, each keeping the values it
//                 got. Merged by value, the values say who had the line when:
//                 a change of owner is one transfer. A real core does not give
//                 the line up the moment it is asked (a locked instruction
//                 holds it, and fabrics let a fresh owner finish a little
//                 work first), so the line moves in batches, one every
//                 `interval` ns. In the simulator the owner answers a
//                 request once it has held the line for line_hold, and the
//                 transfer then costs what it always does, so a wanted line
//                 moves every hold + transfer: hold = interval - transfer
//                 (the RMW transfer the model charges between a and b),
//                 never below 0.
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

namespace lockscope::engine::machine {

// The shared counter's interval between changes of owner, in ns;
// line_hold_ns = max(0, interval - transfer(a, b)).
std::expected<double, std::string> measure_handoff_interval_ns(int cpu_a, int cpu_b, unsigned runs);
std::expected<double, std::string> measure_wake_ns(int cpu_a, int cpu_b, unsigned runs);
std::expected<double, std::string> measure_wake_call_ns(int cpu_a, int cpu_b, unsigned runs);
double measure_syscall_ns(unsigned runs);
double measure_spin_ns(unsigned runs);

}  // namespace lockscope::engine::machine
