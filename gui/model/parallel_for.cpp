#include "gui/model/parallel_for.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <system_error>
#include <thread>
#include <vector>

namespace lockscope::gui {

void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& fn) {
  threads = static_cast<unsigned>(std::min<std::size_t>(std::max(threads, 1U), n));
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};  // relaxed: it only hands out indices; join() publishes the work
  std::vector<std::exception_ptr> errors(threads);
  const auto take = [&](unsigned t) {
    try {
      for (std::size_t i = next.fetch_add(1, std::memory_order_relaxed); i < n;
           i = next.fetch_add(1, std::memory_order_relaxed)) {
        fn(i);
      }
    } catch (...) {
      errors[t] = std::current_exception();
      next.store(n, std::memory_order_relaxed);  // the others stop at their next index
    }
  };
  {
    std::vector<std::jthread> helpers;
    for (unsigned t = 1; t < threads; ++t) {
      try {
        helpers.emplace_back(take, t);
      } catch (const std::system_error&) {
        break;
      }
    }
    take(0);
  }  // joins
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

unsigned model_threads() { return std::clamp(std::thread::hardware_concurrency(), 1U, 4U); }

}  // namespace lockscope::gui
