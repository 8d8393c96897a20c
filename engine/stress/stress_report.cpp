#include "engine/stress/stress_report.hpp"

#include <fmt/format.h>

#include "traces/json_writer.hpp"

namespace lockscope::engine::stress {

namespace {

std::string yes_no(bool b) { return b ? "yes" : "no"; }

}  // namespace

void print_stress_summary(std::FILE* out, const StressResult& r) {
  const StressConfig& c = r.config;
  fmt::print(out, "stress {}: {} threads, {} operations, seed {}: {}\n", c.lock, c.threads, r.total_ops(), c.seed,
             r.total_violations() == 0 ? "no violation" : fmt::format("{} VIOLATIONS", r.total_violations()));
  fmt::print(out, "  contexts (churn, orphaned and migrating readers): {}; try-locks: {}; readers checked: {}\n",
             yes_no(r.contexts), yes_no(r.try_locks), r.readers_checked ? "yes" : "no (readers may overlap writers)");
  if (!r.note.empty()) fmt::print(out, "  note: {}\n", r.note);
  const OpMix& m = c.mix;
  fmt::print(out, "  mix per thousand: write {}, try_write {}, try_read {}, migrating_read {}, orphaned_read {}, "
             "context_churn {}, read the rest\n", m.write, m.try_write, m.try_read, m.migrating_read, m.orphaned_read,
             m.context_churn);
  fmt::print(out, "  {:<20} {:>15}\n", "operation", "count");
  for (std::size_t k = 0; k < kOpKinds; ++k) {
    fmt::print(out, "  {:<20} {:>15}\n", op_name(static_cast<OpKind>(k)), r.ops[k]);
  }
  fmt::print(out, "  {:<20} {:>15}\n", "violation", "count");
  for (std::size_t k = 0; k < kViolationKinds; ++k) {
    fmt::print(out, "  {:<20} {:>15}\n", violation_name(static_cast<ViolationKind>(k)), r.violations[k]);
  }
  fmt::print(out, "  wall time {:.3f} s, {:.0f} ops/s\n", r.elapsed_sec, r.ops_per_sec());
}

std::string stress_json(const StressResult& r) {
  traces::JsonWriter w;
  w.begin_object();
  w.field("lock", r.config.lock).field("threads", r.config.threads);
  if (r.config.table_slots != 0) w.field("table_slots", r.config.table_slots);
  w.field("seed", r.config.seed).field("ops", r.total_ops());
  w.field("contexts", r.contexts).field("try_locks", r.try_locks).field("readers_checked", r.readers_checked);
  const OpMix& m = r.config.mix;
  w.key("mix_permille").begin_object();
  w.field("write", m.write).field("try_write", m.try_write).field("try_read", m.try_read);
  w.field("migrating_read", m.migrating_read).field("orphaned_read", m.orphaned_read);
  w.field("context_churn", m.context_churn).end_object();
  w.key("ops_by_kind").begin_object();
  for (std::size_t k = 0; k < kOpKinds; ++k) w.field(op_name(static_cast<OpKind>(k)), r.ops[k]);
  w.end_object();
  w.field("violations", r.total_violations());
  w.key("violations_by_kind").begin_object();
  for (std::size_t k = 0; k < kViolationKinds; ++k) {
    w.field(violation_name(static_cast<ViolationKind>(k)), r.violations[k]);
  }
  w.end_object();
  w.field("elapsed_sec", r.elapsed_sec).field("ops_per_sec", r.ops_per_sec());
  if (!r.note.empty()) w.field("note", r.note);
  w.end_object();
  return w.str() + "\n";
}

}  // namespace lockscope::engine::stress
