// The CPUs this process may run on, and pinning a thread to one of them.
#pragma once

#include <vector>

namespace lockscope::engine::bench {

// The CPUs in this process's affinity mask, ascending (at least one).
std::vector<int> allowed_cpus();

// Pins the calling thread to `cpu`. Returns false (and leaves the thread
// unpinned) where the kernel refuses, e.g. in a restricted container.
bool pin_current_thread(int cpu);

}  // namespace lockscope::engine::bench
