// parallel_for: fn(0) .. fn(n - 1) on up to `threads` threads (this one
// included) taking indices from a shared counter, for independent pieces of
// work of uneven size (a timeline's lanes). The first exception thrown is
// rethrown after every thread has stopped; the others stop at their next
// index. Threads that cannot be started are done without. Each fn(i) must
// write only what belongs to i: joining the threads publishes it.
#pragma once

#include <cstddef>
#include <functional>

namespace lockscope::gui {

void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& fn);

// Threads for the model's work: as many as the machine has, at most four.
[[nodiscard]] unsigned model_threads();

}  // namespace lockscope::gui
