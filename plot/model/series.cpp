#include "plot/model/series.hpp"

#include <algorithm>

namespace lockscope::plot {

bool metric_value(const traces::SweepRow& row, Metric metric, double& out) {
  if (row.failed()) return false;
  switch (metric) {
    case Metric::throughput:
      out = row.throughput_ops_per_sec;
      return row.lock_ops > 0;
    case Metric::read_wait_p99:
      out = static_cast<double>(row.read_wait_p99_ns);
      return row.read_ops > 0;
    case Metric::write_wait_p99:
      out = static_cast<double>(row.write_wait_p99_ns);
      return row.write_ops > 0;
    case Metric::transfers_per_op:
      out = row.transfers_per_op;
      return row.world == "sim" && row.lock_ops > 0;
  }
  return false;
}

std::vector<Series> build_series(const traces::SweepTable& table, Metric metric, bool drop_empty) {
  // Only keys whose value varies tell series apart (a key swept over one
  // value is the same for every line).
  std::vector<std::string> varying;
  for (const std::string& key : table.param_keys) {
    const bool varies = std::ranges::any_of(table.rows, [&](const traces::SweepRow& r) {
      return r.param(key) != table.rows.front().param(key);
    });
    if (varies) varying.push_back(key);
  }
  // Legends are narrow: name a key by its last part (write_permille) unless
  // two varying keys share it (reads.cs_ns, writes.cs_ns).
  auto last_part = [](const std::string& key) { return key.substr(key.rfind('.') + 1); };
  std::vector<std::string> names;
  for (const std::string& key : varying) {
    const bool clash = std::ranges::count_if(varying, [&](const std::string& k) {
      return last_part(k) == last_part(key);
    }) > 1;
    names.push_back(clash ? key : last_part(key));
  }
  std::vector<std::string> variants;
  std::vector<Series> out;
  for (const traces::SweepRow& row : table.rows) {
    std::string variant;
    for (std::size_t k = 0; k < varying.size(); ++k) {
      if (!variant.empty()) variant += ", ";
      variant += names[k] + "=" + row.param(varying[k]);
    }
    auto v = std::ranges::find(variants, variant);
    if (v == variants.end()) {
      variants.push_back(variant);
      v = variants.end() - 1;
    }
    auto s = std::ranges::find_if(out, [&](const Series& x) { return x.lock == row.lock && x.variant == variant; });
    if (s == out.end()) {
      out.push_back(Series{row.lock, variant, static_cast<std::size_t>(v - variants.begin()), {}});
      s = out.end() - 1;
    }
    double y = 0;
    if (metric_value(row, metric, y)) s->points.push_back({static_cast<double>(row.cores), y});
  }
  for (Series& s : out) std::ranges::sort(s.points, {}, &Point::x);
  if (drop_empty) std::erase_if(out, [](const Series& s) { return s.points.empty(); });
  return out;
}

}  // namespace lockscope::plot
