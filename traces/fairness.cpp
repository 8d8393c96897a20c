#include "traces/fairness.hpp"

namespace lockscope::traces {

Fairness fairness(std::span<const WorkerAcquisitions> workers) {
  Fairness f;
  // Doubles for the sums: Σx² of a long run overflows 64 bits long before
  // a double loses the precision a three-digit index needs.
  double sum = 0;
  double sum_sq = 0;
  for (const WorkerAcquisitions& w : workers) {
    if (!w.attempted) continue;
    const std::uint64_t x = w.total();
    if (f.workers == 0 || x > f.max) {
      f.max = x;
      f.max_worker = w.id;
    }
    if (f.workers == 0 || x < f.min) {
      f.min = x;
      f.min_worker = w.id;
    }
    ++f.workers;
    sum += static_cast<double>(x);
    sum_sq += static_cast<double>(x) * static_cast<double>(x);
  }
  if (f.workers == 0) return f;
  if (sum_sq > 0) f.jain = sum * sum / (static_cast<double>(f.workers) * sum_sq);
  if (f.min > 0) f.max_over_min = static_cast<double>(f.max) / static_cast<double>(f.min);
  return f;
}

}  // namespace lockscope::traces
