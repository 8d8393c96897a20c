#include "engine/scenario/generator.hpp"

#include "engine/scenario/random.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace lockscope::engine::scenario {
namespace {

using traces::Op;
using traces::OpKind;

constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();
constexpr std::size_t kMaxWorkerOps = std::size_t{1} << 27;

class Planner {
 public:
  explicit Planner(traces::WorkerPlan& plan) : plan_(plan) {}

  void op(OpKind kind, std::uint64_t value = 0) { plan_.ops.push_back(Op{kind, value}); }
  // Busy time; a zero-length hold or think is left out of the trace.
  void busy(OpKind kind, std::uint64_t ns) {
    if (ns == 0) return;
    op(kind, ns);
    now_ += ns;
  }
  [[nodiscard]] std::uint64_t now() const { return now_; }

 private:
  traces::WorkerPlan& plan_;
  std::uint64_t now_ = 0;
};

void plan_ordinary(const Scenario& s, std::uint32_t w, traces::WorkerPlan& plan) {
  const std::uint64_t duration = s.duration_us * 1000;
  const std::uint32_t home = w / s.workers_per_context;
  const std::uint32_t workers = s.ordinary_workers();
  const std::uint32_t private_ctx = s.contexts + w;
  const std::uint64_t churn_period = s.churn_period_us * 1000;
  std::uint64_t next_churn = churn_period > 0 ? (std::uint64_t{w} + 1) * churn_period : kNever;
  const std::uint64_t churn_stride = std::uint64_t{workers} * churn_period;

  plan.initial_context = home;
  Rng rng(s.seed, w);
  Planner p(plan);
  // Room for the expected iterations (four ops each without migration),
  // so that the plan does not grow by copying and faulting in page after
  // page: a tenth of a 64-core replay's time went there. The room is at
  // most a worker's share of what the reader accepts: a reserve past need
  // is address space, not memory, but it can still fail.
  const double expected_ops = 4.0 * static_cast<double>(duration) / std::max(expected_iteration_ns(s), 1.0) + 16.0;
  plan.ops.reserve(static_cast<std::size_t>(
      std::min({expected_ops, kMaxEstimatedOps / std::max<double>(workers, 1), static_cast<double>(kMaxWorkerOps)})));

  auto read_section = [&] {
    p.op(OpKind::read_acquire);
    p.busy(OpKind::hold, sample(s.read_cs_ns, rng));
    p.op(OpKind::read_release);
    p.busy(OpKind::think, sample(s.think_ns, rng));
  };

  auto churn_episode = [&] {
    p.op(OpKind::create_context, private_ctx);
    p.op(OpKind::move, private_ctx);
    for (std::uint32_t i = 0; i < s.churn_sections; ++i) read_section();
    if (s.orphan_permille > 0 && rng.chance_permille(s.orphan_permille)) {
      // Destroyed with our reader outstanding: its count goes to the lock's
      // orphaned counter, and the release at home takes it back.
      const std::uint64_t cs = sample(s.read_cs_ns, rng);
      p.op(OpKind::read_acquire);
      p.busy(OpKind::hold, cs / 2);
      p.op(OpKind::move, home);
      p.op(OpKind::destroy_context, private_ctx);
      p.busy(OpKind::hold, cs - cs / 2);
      p.op(OpKind::read_release);
      p.busy(OpKind::think, sample(s.think_ns, rng));
    } else {
      p.op(OpKind::move, home);
      p.op(OpKind::destroy_context, private_ctx);
    }
  };

  p.busy(OpKind::think, sample(s.think_ns, rng));
  // The size guard only matters for a Scenario built in code: the reader
  // rejects scenarios that would come near it (kMaxEstimatedOps).
  while (p.now() < duration && plan.ops.size() < kMaxWorkerOps) {
    if (p.now() >= next_churn) {
      churn_episode();
      next_churn += churn_stride;
      continue;
    }
    if (s.write_permille > 0 && rng.chance_fractional_permille(s.write_permille)) {
      p.op(OpKind::write_acquire);
      p.busy(OpKind::hold, sample(s.write_cs_ns, rng));
      p.op(OpKind::write_release);
    } else {
      const std::uint64_t cs = sample(s.read_cs_ns, rng);
      p.op(OpKind::read_acquire);
      if (s.contexts > 1 && s.migration_permille > 0 && rng.chance_permille(s.migration_permille)) {
        // Released in another initial context (those always exist).
        std::uint32_t to = static_cast<std::uint32_t>(rng.below(s.contexts - 1));
        if (to >= home) ++to;
        p.busy(OpKind::hold, cs / 2);
        p.op(OpKind::move, to);
        p.busy(OpKind::hold, cs - cs / 2);
        p.op(OpKind::read_release);
        p.op(OpKind::move, home);
      } else {
        p.busy(OpKind::hold, cs);
        p.op(OpKind::read_release);
      }
    }
    p.busy(OpKind::think, sample(s.think_ns, rng));
  }
}

void plan_writer(const Scenario& s, std::uint32_t w, traces::WorkerPlan& plan) {
  const std::uint64_t duration = s.duration_us * 1000;
  const std::uint64_t period = s.writer_period_us * 1000;
  plan.initial_context = s.writer_context;
  Rng rng(s.seed, w);
  Planner p(plan);
  for (std::uint64_t k = 1;; ++k) {
    const std::uint64_t jitter = s.writer_jitter_ns > 0 ? rng.below(s.writer_jitter_ns + 1) : 0;
    const std::uint64_t arrival = k * period + jitter;
    if (arrival >= duration) break;
    if (arrival > p.now()) p.busy(OpKind::think, arrival - p.now());
    p.op(OpKind::write_acquire);
    p.busy(OpKind::hold, sample(s.write_cs_ns, rng));
    p.op(OpKind::write_release);
  }
}

}  // namespace

traces::WorkloadTrace generate(const Scenario& s) {
  traces::WorkloadTrace trace;
  trace.initial_contexts = s.contexts;
  trace.origin = fmt::format("{} seed {}", s.source.empty() ? s.name : s.source, s.seed);
  for (const std::string& text : s.overrides) trace.origin += fmt::format(" --set {}", text);
  trace.workers.resize(s.worker_count());
  for (std::uint32_t w = 0; w < s.ordinary_workers(); ++w) plan_ordinary(s, w, trace.workers[w]);
  for (std::uint32_t w = s.ordinary_workers(); w < s.worker_count(); ++w) plan_writer(s, w, trace.workers[w]);
  return trace;
}

double expected_iteration_ns(const Scenario& s) {
  const double write_share = s.write_permille / 1000.0;
  return s.think_ns.expected() + write_share * s.write_cs_ns.expected() +
         (1.0 - write_share) * s.read_cs_ns.expected();
}

double estimated_op_count(const Scenario& s) {
  const double duration = static_cast<double>(s.duration_us) * 1000.0;
  const double iteration = expected_iteration_ns(s);
  // Up to 6 ops per iteration (with migration); an all-zero iteration is
  // rejected by the reader before this matters.
  double ops = s.ordinary_workers() * 6.0 * duration / std::max(iteration, 1.0);
  if (s.writer_period_us > 0) {
    ops += s.dedicated_writers() * 4.0 * duration / (static_cast<double>(s.writer_period_us) * 1000.0);
  }
  if (s.churn_period_us > 0) {
    ops += (10.0 + 4.0 * s.churn_sections) * duration / (static_cast<double>(s.churn_period_us) * 1000.0);
  }
  return ops;
}

}  // namespace lockscope::engine::scenario
