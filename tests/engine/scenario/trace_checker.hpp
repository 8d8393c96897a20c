// A static checker for generated traces, stricter than the workload reader:
// it proves that no interleaving of the workers can trip the replay's
// context checks. Per worker: locks balanced and not nested, holds only
// inside and thinks only outside a critical section; initial contexts never
// destroyed; every other context named by exactly one worker, which creates
// it before entering it, and leaves it before destroying it.
#pragma once

#include "traces/workload.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace lockscope::engine::scenario::testing {

inline std::string check_trace(const traces::WorkloadTrace& trace) {
  using traces::OpKind;
  std::map<std::uint64_t, std::size_t> owner;  // non-initial context -> the one worker naming it
  for (std::size_t w = 0; w < trace.workers.size(); ++w) {
    for (const traces::Op& op : trace.workers[w].ops) {
      const bool names = op.kind == OpKind::move || op.kind == OpKind::create_context ||
                         op.kind == OpKind::destroy_context;
      if (!names) continue;
      if (op.value < trace.initial_contexts) {
        if (op.kind != OpKind::move) return "worker " + std::to_string(w) + " creates or destroys an initial context";
        continue;
      }
      auto [it, fresh] = owner.emplace(op.value, w);
      if (!fresh && it->second != w) return "context " + std::to_string(op.value) + " is named by two workers";
    }
  }
  for (std::size_t w = 0; w < trace.workers.size(); ++w) {
    const std::string who = "worker " + std::to_string(w) + " op ";
    const traces::WorkerPlan& plan = trace.workers[w];
    if (plan.initial_context >= trace.initial_contexts) return who + "0: starts in a non-initial context";
    enum { none, read, write } held = none;
    std::uint64_t ctx = plan.initial_context;
    std::map<std::uint64_t, bool> alive;  // this worker's private contexts
    for (std::size_t i = 0; i < plan.ops.size(); ++i) {
      const traces::Op& op = plan.ops[i];
      const std::string at = who + std::to_string(i) + ": ";
      switch (op.kind) {
        case OpKind::read_acquire:
          if (held != none) return at + "rdlock while holding";
          held = read;
          break;
        case OpKind::write_acquire:
          if (held != none) return at + "wrlock while holding";
          held = write;
          break;
        case OpKind::read_release:
          if (held != read) return at + "rdunlock without the read lock";
          held = none;
          break;
        case OpKind::write_release:
          if (held != write) return at + "wrunlock without the write lock";
          held = none;
          break;
        case OpKind::hold:
          if (held == none) return at + "hold outside a critical section";
          if (op.value == 0) return at + "zero-length hold";
          break;
        case OpKind::think:
          if (held != none) return at + "think inside a critical section";
          if (op.value == 0) return at + "zero-length think";
          break;
        case OpKind::move:
          if (op.value >= trace.initial_contexts && !alive[op.value]) return at + "moves into a context it has not created";
          ctx = op.value;
          break;
        case OpKind::create_context:
          if (alive[op.value]) return at + "creates a context twice";
          alive[op.value] = true;
          break;
        case OpKind::destroy_context:
          if (!alive[op.value]) return at + "destroys a context it has not created";
          if (ctx == op.value) return at + "destroys the context it runs in";
          alive[op.value] = false;
          break;
        case OpKind::read_acquire_failed:
        case OpKind::write_acquire_failed:
          return at + "a failed acquisition (only recordings have them)";
      }
    }
    if (held != none) return who + "end: still holds a lock";
    if (ctx >= trace.initial_contexts) return who + "end: still in a private context";
    for (const auto& [id, is_alive] : alive) {
      if (is_alive) return who + "end: context " + std::to_string(id) + " never destroyed";
    }
  }
  return {};
}

}  // namespace lockscope::engine::scenario::testing
