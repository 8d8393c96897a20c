// How much of a miss the work after it hides (Machine::ooo_window_ns): an
// out-of-order core starts a wait on the cycle counter while the RMW
// before it still waits for its line. Per iteration, an RMW on a line
// flushed to memory, then 400 ns on the cycle counter, started at once or
// (fenced) only once the RMW completed; the fenced loop's extra time per
// iteration is the part of the miss the wait ran under. Measured on a miss
// to memory, it is at most that miss (about 100-150 ns), which is longer
// than any transfer between cores that the window then overlaps.
#pragma once

namespace lockscope::engine::machine {

// The median of `runs` runs, in ns; 0 where there is no cycle counter to
// wait on (not x86), which leaves the window off.
[[nodiscard]] double measure_miss_shadow_ns(unsigned runs);

}  // namespace lockscope::engine::machine
