// Scenario: a workload described by its shape rather than op by op — how
// many contexts and workers, the read/write mix, critical-section and think
// time distributions, a dedicated writer's period, context churn and reader
// migration. A scenario file (TOML, docs/scenarios.md) is read into this
// struct by scenario_reader.hpp; generator.hpp turns it into a
// lock-independent traces::WorkloadTrace.
//
// Every field has the default documented in docs/scenarios.md; the reader
// has checked the ranges, so the generator trusts them.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace lockscope::engine::scenario {

enum class DistKind : std::uint8_t {
  fixed,        // always `mean`
  uniform,      // integer uniform in [min, max], both ends included
  exponential,  // min + Exp(mean - min), rounded to the nearest ns, capped at max
};

// A duration distribution in nanoseconds.
struct Distribution {
  static constexpr std::uint64_t kNoMax = std::numeric_limits<std::uint64_t>::max();

  DistKind kind = DistKind::fixed;
  std::uint64_t mean = 0;  // fixed, exponential
  std::uint64_t min = 0;   // uniform, exponential
  std::uint64_t max = 0;   // uniform; exponential (kNoMax: no cap)

  [[nodiscard]] static Distribution fixed(std::uint64_t ns) { return {DistKind::fixed, ns, ns, ns}; }
  [[nodiscard]] static Distribution uniform(std::uint64_t lo, std::uint64_t hi) {
    return {DistKind::uniform, lo + (hi - lo) / 2, lo, hi};
  }
  [[nodiscard]] static Distribution exponential(std::uint64_t mean_ns, std::uint64_t min_ns = 0,
                                                std::uint64_t max_ns = kNoMax) {
    return {DistKind::exponential, mean_ns, min_ns, max_ns};
  }
  // The mean the generator plans with (before any exponential cap).
  [[nodiscard]] double expected() const {
    return kind == DistKind::uniform ? (static_cast<double>(min) + static_cast<double>(max)) / 2.0
                                     : static_cast<double>(mean);
  }

  friend bool operator==(const Distribution&, const Distribution&) = default;
};

struct Scenario {
  // Where it came from, for the trace's origin line.
  std::string source;                  // the path as given
  std::vector<std::string> overrides;  // the --set texts, in order

  // [scenario]
  std::string name;  // default: the file's stem
  std::string description;
  std::uint64_t duration_us = 1000;  // planned (zero-contention) length of every worker
  std::uint64_t seed = 1;

  // [contexts]
  std::uint32_t contexts = 4;  // initial contexts 0 .. contexts-1; never destroyed
  std::uint32_t workers_per_context = 1;

  // [workers]
  Distribution think_ns = Distribution::exponential(1000);  // between acquisitions

  // [reads]
  Distribution read_cs_ns = Distribution::fixed(100);

  // [writes]
  // Writes per 1000 acquisitions of an ordinary worker; fractional down to
  // 0.001 (0.1: one write in 10,000 acquisitions, "read-mostly").
  double write_permille = 0;
  Distribution write_cs_ns = Distribution::fixed(1000);
  std::uint64_t writer_period_us = 0;  // 0: no dedicated writer
  std::uint32_t writers = 1;           // dedicated writers when writer_period_us > 0
  std::uint64_t writer_jitter_ns = 0;  // each arrival is late by uniform [0, jitter]
  std::uint32_t writer_context = 0;    // the dedicated writers' context

  // [churn]
  std::uint64_t churn_period_us = 0;  // 0: no churn
  std::uint32_t churn_sections = 1;   // read sections inside the private context
  std::uint32_t orphan_permille = 0;  // episodes that destroy it with a reader outstanding

  // [migration]
  std::uint32_t migration_permille = 0;  // read sections released in another context

  [[nodiscard]] std::uint32_t ordinary_workers() const { return contexts * workers_per_context; }
  [[nodiscard]] std::uint32_t dedicated_writers() const { return writer_period_us > 0 ? writers : 0; }
  [[nodiscard]] std::uint32_t worker_count() const { return ordinary_workers() + dedicated_writers(); }
};

}  // namespace lockscope::engine::scenario
