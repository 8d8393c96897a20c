#include "gui/model/timeline_model.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <latch>
#include <numeric>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>

#include "gui/model/parallel_for.hpp"
#include "gui/model/view_transform.hpp"

namespace lockscope::gui {
namespace {

std::uint64_t clamp_time(double t, std::uint64_t end) {
  if (!(t > 0)) return 0;
  if (t >= static_cast<double>(end)) return end;
  return static_cast<std::uint64_t>(t);
}

int dominant(const std::array<double, kStateCount>& time) {
  return static_cast<int>(std::max_element(time.begin(), time.end()) - time.begin());
}

// First span whose end is after t (spans are sorted and disjoint, so their
// ends are sorted too).
std::size_t first_span_ending_after(const std::vector<traces::Span>& spans, std::uint64_t t) {
  return static_cast<std::size_t>(
      std::partition_point(spans.begin(), spans.end(), [t](const traces::Span& s) { return s.end <= t; }) -
      spans.begin());
}

// Each core's state of one line: a flat array for any realistic machine, a
// map for a file that declares billions of cores.
class CoreStates {
 public:
  explicit CoreStates(std::uint32_t cores) {
    if (cores <= (1U << 20)) flat_.assign(cores, LineState::invalid);
  }
  [[nodiscard]] LineState get(std::uint32_t core) const {
    if (!flat_.empty() || sparse_.empty()) return core < flat_.size() ? flat_[core] : find(core);
    return find(core);
  }
  void set(std::uint32_t core, LineState s) {
    if (core < flat_.size()) {
      flat_[core] = s;
    } else if (s == LineState::invalid) {
      sparse_.erase(core);
    } else {
      sparse_[core] = s;
    }
  }

 private:
  [[nodiscard]] LineState find(std::uint32_t core) const {
    const auto it = sparse_.find(core);
    return it == sparse_.end() ? LineState::invalid : it->second;
  }
  std::vector<LineState> flat_;
  std::unordered_map<std::uint32_t, LineState> sparse_;
};

}  // namespace

const char* to_string(LineState s) {
  switch (s) {
    case LineState::invalid: return "I";
    case LineState::shared: return "S";
    case LineState::exclusive: return "E";
    case LineState::modified: return "M";
    case LineState::moving: return "moving";
  }
  return "?";
}

TimelineModel::TimelineModel(traces::Timeline timeline) : timeline_(std::move(timeline)) {
  end_ = std::max<std::uint64_t>(timeline_.end_time, 1);
  for (const auto& w : timeline_.workers) {
    if (!w.spans.empty()) end_ = std::max(end_, w.spans.back().end);
  }
  for (const auto& t : timeline_.transfers) {
    end_ = std::max(end_, t.end);
    longest_transfer_ = std::max(longest_transfer_, t.end - t.start);
  }
  for (const auto& u : timeline_.upgrades) end_ = std::max(end_, u.time);
  for (const auto& b : timeline_.buffered_stores) {
    end_ = std::max(end_, b.visible == traces::kNeverVisible ? b.stored : b.visible);
  }
  bucket_width_ = std::max<std::uint64_t>(1, (end_ + kBaseBuckets - 1) / kBaseBuckets);

  std::vector<std::uint32_t> order(timeline_.workers.size());
  std::iota(order.begin(), order.end(), 0U);
  if (!measured()) {
    std::stable_sort(order.begin(), order.end(), [this](std::uint32_t a, std::uint32_t b) {
      return timeline_.workers[a].core < timeline_.workers[b].core;
    });
  }
  for (const std::uint32_t w : order) {
    lanes_.push_back({LaneKind::worker, w, timeline_.workers[w].core, timeline_.workers[w].name});
  }
  store_buffers_ = StoreBufferLanes(timeline_, end_);
  for (std::uint32_t i = 0; i < store_buffers_.size(); ++i) {
    lanes_.push_back({LaneKind::store_buffer, i, store_buffers_.cores()[i], "store buffer"});
  }
  first_line_lane_ = lanes_.size();
  for (std::uint32_t l = 0; l < timeline_.lines.size(); ++l) {
    lanes_.push_back({LaneKind::line, l, 0, timeline_.lines[l].name});
  }
  pyramids_.resize(lanes_.size());
  fine_.resize(lanes_.size());
  // Level sizes: n, ceil(n / 2), ..., 1, the same in every lane.
  std::vector<std::size_t> level_sizes;
  for (std::size_t n = static_cast<std::size_t>((end_ + bucket_width_ - 1) / bucket_width_);; n = (n + 1) / 2) {
    level_sizes.push_back(std::max<std::size_t>(n, 1));
    if (n <= 1) break;
  }
  const std::size_t per_lane = std::accumulate(level_sizes.begin(), level_sizes.end(), std::size_t{0});
  const auto with_pyramid = static_cast<std::size_t>(
      std::count_if(lanes_.begin(), lanes_.end(), [](const Lane& l) { return l.kind != LaneKind::store_buffer; }));
  buckets_.resize(per_lane * with_pyramid);
  std::size_t offset = 0;
  for (std::size_t lane = 0; lane < lanes_.size(); ++lane) {
    if (lanes_[lane].kind == LaneKind::store_buffer) continue;
    for (const std::size_t n : level_sizes) {
      pyramids_[lane].levels.emplace_back(buckets_.data() + offset, n);
      offset += n;
    }
  }
  // Two threads (a 2-core machine) take lanes from one counter, worker
  // lanes first, so that both stay busy to the end whatever the mix. Every
  // line lane needs the transfers and upgrades grouped by line: the second
  // thread does that first, and a line lane waits for it (`grouped`). Lanes
  // write only their own members; the timeline is only read.
  std::vector<std::vector<std::size_t>> line_upgrades;
  std::latch grouped(1);
  std::atomic<bool> grouping_failed{false};
  std::atomic<std::size_t> next_lane{0};  // relaxed: it only hands out lanes; join() publishes the work
  const auto take_lanes = [&] {
    for (std::size_t lane = next_lane.fetch_add(1, std::memory_order_relaxed); lane < lanes_.size();
         lane = next_lane.fetch_add(1, std::memory_order_relaxed)) {
      const Lane& l = lanes_[lane];
      if (l.kind == LaneKind::worker) {
        build_worker_pyramid(lane, timeline_.workers[l.index]);
      } else if (l.kind == LaneKind::line) {
        grouped.wait();
        if (grouping_failed.load(std::memory_order_relaxed)) return;  // its error is rethrown below
        build_line_segments(l.index, line_upgrades[l.index]);
        build_line_pyramid(lane, line_transfers_[l.index]);
      }
    }
  };
  std::exception_ptr second_error;
  const auto second = [&] {
    try {
      try {
        group_lines(line_upgrades);
      } catch (...) {
        grouping_failed = true;
        grouped.count_down();
        throw;
      }
      grouped.count_down();
      take_lanes();
    } catch (...) {
      second_error = std::current_exception();
    }
  };
  std::jthread second_thread;  // joins on leaving, a bad_alloc here included
  try {
    second_thread = std::jthread(second);
  } catch (const std::system_error&) {
    second();  // no thread to be had: this one does it all
  }
  take_lanes();
  if (second_thread.joinable()) second_thread.join();
  if (second_error) std::rethrow_exception(second_error);
  build_fine_pyramids();
}

void TimelineModel::group_lines(std::vector<std::vector<std::size_t>>& line_upgrades) {
  line_transfers_.resize(timeline_.lines.size());
  line_times_.resize(timeline_.lines.size());
  {
    // Counted first: reserved exactly, the times cost 16 bytes a transfer.
    std::vector<std::size_t> per_line(timeline_.lines.size());
    for (const traces::LineTransfer& x : timeline_.transfers) {
      if (x.line < per_line.size()) ++per_line[x.line];
    }
    for (std::size_t line = 0; line < per_line.size(); ++line) line_times_[line].reserve(per_line[line]);
  }
  for (std::size_t i = 0; i < timeline_.transfers.size(); ++i) {
    const traces::LineTransfer& x = timeline_.transfers[i];
    if (x.line < line_transfers_.size()) {
      line_transfers_[x.line].push_back(i);
      line_times_[x.line].push_back({x.start, x.end});
    }
  }
  line_upgrades.resize(timeline_.lines.size());
  for (std::size_t i = 0; i < timeline_.upgrades.size(); ++i) {
    const auto line = timeline_.upgrades[i].line;
    if (line < line_upgrades.size()) line_upgrades[line].push_back(i);
  }
  line_segments_.resize(timeline_.lines.size());
}

std::size_t TimelineModel::event_count(std::size_t lane) const {
  const Lane& l = lanes_[lane];
  if (l.kind == LaneKind::store_buffer) return store_buffers_.store_count(l.index);
  return l.kind == LaneKind::worker ? timeline_.workers[l.index].spans.size() : line_transfers_[l.index].size();
}

namespace {

// The first state with the most time, or kNoTime.
template <class Times>
std::uint8_t dominant_or_none(const Times& time, std::uint8_t none) {
  const auto it = std::max_element(time.begin(), time.end());
  return *it > 0 ? static_cast<std::uint8_t>(it - time.begin()) : none;
}

}  // namespace

void TimelineModel::finish_pyramid(std::size_t lane) {
  auto& pyramid = pyramids_[lane];
  const auto& levels = pyramid.levels;
  pyramid.dominant.resize(levels.size());
  pyramid.dominant[0].resize(levels[0].size());
  for (std::size_t i = 0; i < levels[0].size(); ++i) pyramid.dominant[0][i] = dominant_or_none(levels[0][i].time, kNoTime);
  for (std::size_t k = 1; k < levels.size(); ++k) {
    const auto below = levels[k - 1];
    const auto up = levels[k];
    auto& d = pyramid.dominant[k];
    d.resize(up.size());
    for (std::size_t j = 0; j < up.size(); ++j) {
      // A copy, then the sum: the same floats as summing both into zero.
      Bucket m = below[2 * j];
      if (2 * j + 1 < below.size()) {
        const Bucket& r = below[2 * j + 1];
        m.count += r.count;
        for (std::size_t s = 0; s < m.time.size(); ++s) m.time[s] += r.time[s];
      }
      up[j] = m;
      d[j] = dominant_or_none(m.time, kNoTime);
    }
  }
}

void TimelineModel::build_worker_pyramid(std::size_t lane, const traces::TimelineWorker& worker) {
  const std::span<Bucket> base = pyramids_[lane].levels[0];  // zeroed
  std::size_t first = 0;  // bucket of the span's start
  std::uint64_t first_end = bucket_width_;
  for (const auto& s : worker.spans) {
    // Spans come by start: step to the next bucket rather than divide (a
    // 64-bit division per span was a tenth of the build).
    if (s.start >= first_end || s.start + bucket_width_ < first_end) {
      first = std::min<std::size_t>(s.start / bucket_width_, base.size() - 1);
      first_end = (first + 1) * bucket_width_;
    }
    base[first].count += 1;
    const auto state = static_cast<std::size_t>(s.state);
    for (std::size_t b = first; b < base.size(); ++b) {
      const std::uint64_t b0 = b * bucket_width_;
      const std::uint64_t b1 = b0 + bucket_width_;
      if (b0 >= s.end) break;
      const std::uint64_t overlap = std::min(b1, s.end) - std::max(b0, s.start);
      base[b].time[state] += static_cast<float>(overlap);
    }
  }
  finish_pyramid(lane);
}

void TimelineModel::build_line_pyramid(std::size_t lane, const std::vector<std::size_t>& transfers) {
  const std::span<Bucket> base = pyramids_[lane].levels[0];  // zeroed
  for (const std::size_t i : transfers) {
    const std::size_t b = std::min<std::size_t>(timeline_.transfers[i].start / bucket_width_, base.size() - 1);
    base[b].count += 1;
  }
  // Time per line state, for folding the state segments.
  const std::uint32_t line = lanes_[lane].index;
  const auto& segs = line_segments_[line];
  for (std::size_t si = 0; si < segs.size(); ++si) {
    const std::uint64_t s0 = segs[si].start;
    const std::uint64_t s1 = segment_end(line, si);
    const auto state = static_cast<std::size_t>(segs[si].state);
    for (std::size_t b = std::min<std::size_t>(s0 / bucket_width_, base.size() - 1); b < base.size(); ++b) {
      const std::uint64_t b0 = b * bucket_width_;
      if (b0 >= s1) break;
      const std::uint64_t overlap = std::min(b0 + bucket_width_, s1) - std::max(b0, s0);
      base[b].time[state] += static_cast<float>(overlap);
    }
  }
  finish_pyramid(lane);
}

void TimelineModel::build_fine_pyramids() {
  std::vector<std::size_t> events(lanes_.size(), 0);
  for (std::size_t lane = 0; lane < lanes_.size(); ++lane) {
    const Lane& l = lanes_[lane];
    if (l.kind == LaneKind::worker) events[lane] = timeline_.workers[l.index].spans.size();
    if (l.kind == LaneKind::line) {
      events[lane] = std::max(line_transfers_[l.index].size(), line_segments_[l.index].size());
    }
  }
  const auto levels = FinePyramid::plan_levels(events, end_, bucket_width_);
  parallel_for(lanes_.size(), model_threads(), [&](std::size_t lane) {
    if (levels[lane] == 0) return;
    FinePyramid fine(end_, bucket_width_, levels[lane]);
    const Lane& l = lanes_[lane];
    if (l.kind == LaneKind::worker) {
      for (const auto& s : timeline_.workers[l.index].spans) {
        fine.add_span(s.start, s.end, static_cast<std::size_t>(s.state));
      }
    } else {
      for (const TransferTimes& x : line_times_[l.index]) fine.add_count(x.start);
      const auto& segs = line_segments_[l.index];
      for (std::size_t si = 0; si < segs.size(); ++si) {
        fine.add_time(segs[si].start, segment_end(l.index, si), static_cast<std::size_t>(segs[si].state));
      }
    }
    fine.finish();
    fine_[lane] = std::move(fine);
  });
}

std::size_t TimelineModel::index_bytes() const {
  std::size_t bytes = buckets_.capacity() * sizeof(Bucket);
  for (const auto& p : pyramids_) {
    for (const auto& d : p.dominant) bytes += d.capacity();
  }
  for (const auto& f : fine_) bytes += f.bytes();
  return bytes;
}

void TimelineModel::build_line_segments(std::uint32_t line, const std::vector<std::size_t>& upgrades) {
  using K = traces::TransferKind;
  enum Op : std::uint8_t { kNone, kToI, kToS, kToE, kToM, kDemote };
  struct Event {
    std::uint64_t time;
    std::uint8_t phase;  // 0: arrivals and upgrades, 1: departures (at equal times, arrivals first)
    Op op;
    std::int8_t moving;  // transfers carrying the line: +1 at start, -1 at end
    std::uint32_t core;
    std::uint32_t dest;  // the transfer's destination
  };
  std::vector<Event> ev;
  const auto& transfers = line_transfers_[line];
  ev.reserve(2 * transfers.size() + upgrades.size());
  for (const std::size_t i : transfers) {
    const auto& x = timeline_.transfers[i];
    const bool carries = x.kind != K::invalidation;
    const auto from = static_cast<std::uint32_t>(std::max(x.from, 0));
    if (x.from >= 0 && x.kind == K::ownership) {
      ev.push_back({x.start, 1, kToI, 1, from, x.to});
    } else if (x.from >= 0 && x.kind == K::read_share) {
      ev.push_back({x.start, 1, kDemote, 1, from, x.to});
    } else if (carries) {
      ev.push_back({x.start, 1, kNone, 1, 0, x.to});
    }
    const Op dest = x.kind == K::fill ? kToE : x.kind == K::read_share ? kToS : x.kind == K::ownership ? kToM : kToI;
    ev.push_back({x.end, 0, dest, static_cast<std::int8_t>(carries ? -1 : 0), x.to, x.to});
  }
  const auto transfer_events = static_cast<std::ptrdiff_t>(ev.size());
  for (const std::size_t i : upgrades) {
    ev.push_back({timeline_.upgrades[i].time, 0, kToM, 0, timeline_.upgrades[i].core, timeline_.upgrades[i].core});
  }
  const auto before = [](const Event& a, const Event& b) {
    return a.time != b.time ? a.time < b.time : a.phase < b.phase;
  };
  // Usually the transfers' events are in order already (a line's transfers
  // rarely overlap) and so are the upgrades: a stable merge of the two then
  // gives what a stable sort of all would, a tenth of building the model.
  const auto mid = ev.begin() + transfer_events;
  if (std::is_sorted(ev.begin(), mid, before) && std::is_sorted(mid, ev.end(), before)) {
    std::inplace_merge(ev.begin(), mid, ev.end(), before);
  } else {
    std::stable_sort(ev.begin(), ev.end(), before);
  }

  CoreStates states(timeline_.cores);
  std::array<std::uint32_t, kLineStateCount> n{};  // cores per state (I is not counted)
  std::uint32_t owner = 0;
  std::uint32_t last_sharer = 0;
  std::int64_t moving = 0;
  std::uint32_t heading_to = 0;  // the destination of the latest transfer to leave
  auto& out = line_segments_[line];
  out.push_back({0, 0, 0, LineState::invalid});
  const auto set = [&](std::uint32_t core, LineState to) {
    const LineState from = states.get(core);
    if (from == to) return;
    if (from != LineState::invalid) --n[static_cast<std::size_t>(from)];
    if (to != LineState::invalid) ++n[static_cast<std::size_t>(to)];
    states.set(core, to);
    if (to == LineState::modified || to == LineState::exclusive) owner = core;
    if (to == LineState::shared) last_sharer = core;
  };
  for (std::size_t i = 0; i < ev.size();) {
    const std::uint64_t t = ev[i].time;
    for (; i < ev.size() && ev[i].time == t; ++i) {
      const Event& e = ev[i];
      moving += e.moving;
      if (e.moving > 0) heading_to = e.dest;
      switch (e.op) {
        case kNone: break;
        case kToI: set(e.core, LineState::invalid); break;
        case kToS: set(e.core, LineState::shared); break;
        case kToE: set(e.core, LineState::exclusive); break;
        case kToM: set(e.core, LineState::modified); break;
        case kDemote: {
          const LineState cur = states.get(e.core);
          if (cur == LineState::modified || cur == LineState::exclusive) set(e.core, LineState::shared);
          break;
        }
      }
    }
    LineSegment seg{t, 0, 0, LineState::invalid};
    const auto count = [&](LineState st) { return n[static_cast<std::size_t>(st)]; };
    seg.holders = count(LineState::modified) + count(LineState::exclusive) + count(LineState::shared);
    if (count(LineState::modified) > 0) {
      seg.state = LineState::modified;
      seg.core = owner;
    } else if (count(LineState::exclusive) > 0) {
      seg.state = LineState::exclusive;
      seg.core = owner;
    } else if (count(LineState::shared) > 0) {
      seg.state = LineState::shared;
      seg.core = last_sharer;
    } else if (moving > 0) {
      seg.state = LineState::moving;
      seg.core = heading_to;
    }
    const auto same = [](const LineSegment& a, const LineSegment& b) {
      return a.state == b.state && a.core == b.core && a.holders == b.holders;
    };
    if (out.back().start == t) out.pop_back();
    if (out.empty() || !same(out.back(), seg)) out.push_back(seg);
  }
}

bool TimelineModel::folds_events(std::size_t lane, double t0, double t1, double pixels) const {
  const double ps_per_px = (t1 - t0) / pixels;
  const std::uint64_t a = clamp_time(t0, end_);
  const std::uint64_t b = clamp_time(std::ceil(t1), end_);
  std::size_t in_range = 0;
  const Lane& l = lanes_[lane];
  if (l.kind == LaneKind::worker) {
    const auto& spans = timeline_.workers[l.index].spans;
    const std::size_t i0 = first_span_ending_after(spans, a);
    const std::size_t i1 = static_cast<std::size_t>(
        std::partition_point(spans.begin(), spans.end(), [b](const traces::Span& s) { return s.start < b; }) -
        spans.begin());
    in_range = i1 > i0 ? i1 - i0 : 0;
  } else {
    const auto& times = line_times_[l.index];
    const auto lo = std::partition_point(times.begin(), times.end(), [a](const TransferTimes& x) { return x.start < a; });
    const auto hi = std::partition_point(lo, times.end(), [b](const TransferTimes& x) { return x.start <= b; });
    in_range = static_cast<std::size_t>(hi - lo);
  }
  return static_cast<double>(in_range) > 2 * pixels + 2 && static_cast<double>(finest_width(lane)) <= ps_per_px;
}

std::vector<Mark> TimelineModel::visible(std::size_t lane, double t0, double t1, double pixels) const {
  std::vector<Mark> out;
  visible(lane, t0, t1, pixels, out);
  return out;
}

void TimelineModel::visible(std::size_t lane, double t0, double t1, double pixels, std::vector<Mark>& out) const {
  out.clear();
  // Store-buffer lanes draw StoreBufferLanes::marks.
  if (lane >= lanes_.size() || lanes_[lane].kind == LaneKind::store_buffer || !(t1 > t0) || !(pixels > 0)) return;
  const double ps_per_px = (t1 - t0) / pixels;
  if (!folds_events(lane, t0, t1, pixels)) {
    exact(lane, t0, t1, ps_per_px, out);
  } else if (lanes_[lane].kind == LaneKind::worker) {
    fold(lane, t0, t1, ps_per_px, &out, nullptr);
  } else {
    fold(lane, t0, t1, ps_per_px, nullptr, &out);
  }
}

TimelineModel::LineLaneMarks TimelineModel::line_lane_marks(std::size_t lane, double t0, double t1, double pixels,
                                                            bool transfers) const {
  LineLaneMarks out;
  std::vector<Mark> scratch;
  line_lane_marks(lane, t0, t1, pixels, out.states, transfers ? &out.transfers : nullptr, scratch);
  return out;
}

std::optional<std::size_t> TimelineModel::line_lane(std::uint32_t line) const {
  const std::size_t first = first_line_lane_;  // line lanes come last, in line order
  if (line >= timeline_.lines.size() || first + line >= lanes_.size()) return std::nullopt;
  return first + line;
}

std::vector<LineMark> TimelineModel::line_states(std::size_t lane, double t0, double t1, double pixels) const {
  std::vector<LineMark> out;
  std::vector<Mark> scratch;
  line_lane_marks(lane, t0, t1, pixels, out, nullptr, scratch);
  return out;
}

void TimelineModel::line_lane_marks(std::size_t lane, double t0, double t1, double pixels, std::vector<LineMark>& out,
                                    std::vector<Mark>* transfers, std::vector<Mark>& scratch) const {
  out.clear();
  if (transfers != nullptr) transfers->clear();
  if (lane >= lanes_.size() || lanes_[lane].kind != LaneKind::line || !(t1 > t0) || !(pixels > 0)) return;
  const std::uint32_t line = lanes_[lane].index;
  const auto& segs = line_segments_[line];
  const double ps_per_px = (t1 - t0) / pixels;
  const std::uint64_t a = clamp_time(t0, end_);
  const std::uint64_t b = clamp_time(std::ceil(t1), end_);
  const auto first_after = [&](std::uint64_t t) {
    return static_cast<std::size_t>(
        std::partition_point(segs.begin(), segs.end(), [t](const LineSegment& x) { return x.start <= t; }) -
        segs.begin());
  };
  const std::size_t i0 = std::max<std::size_t>(first_after(a), 1) - 1;
  const std::size_t i1 = static_cast<std::size_t>(
      std::partition_point(segs.begin(), segs.end(), [b](const LineSegment& x) { return x.start < b; }) -
      segs.begin());
  const std::size_t in_range = i1 > i0 ? i1 - i0 : 0;
  if (static_cast<double>(in_range) > 2 * pixels + 2 && static_cast<double>(finest_width(lane)) <= ps_per_px) {
    // Both folded from the pyramid: one pass over its buckets for the two.
    const bool both = transfers != nullptr && folds_events(lane, t0, t1, pixels);
    scratch.clear();
    fold(lane, t0, t1, ps_per_px, &scratch, both ? transfers : nullptr);
    out.reserve(scratch.size());
    for (const Mark& m : scratch) {
      out.push_back({m.start, m.end, std::max<std::uint32_t>(m.count, 2), static_cast<LineState>(m.state), 0, 0});
    }
    if (transfers != nullptr && !both) visible(lane, t0, t1, pixels, *transfers);
    return;
  }
  if (transfers != nullptr) visible(lane, t0, t1, pixels, *transfers);
  std::optional<LineMark> pending;
  std::array<double, kStateCount> pending_time{};
  const auto flush = [&] {
    if (pending) {
      pending->state = static_cast<LineState>(dominant(pending_time));
      out.push_back(*pending);
      pending.reset();
    }
  };
  for (std::size_t i = i0; i < i1; ++i) {
    const auto& sg = segs[i];
    const std::uint64_t e = segment_end(line, i);
    const double len = static_cast<double>(e - sg.start);
    if (len >= ps_per_px) {
      flush();
      out.push_back({sg.start, e, 1, sg.state, sg.core, sg.holders});
      continue;
    }
    if (pending && static_cast<double>(sg.start - pending->start) < ps_per_px) {
      pending->end = e;
      pending->count += 1;
    } else {
      flush();
      pending = LineMark{sg.start, e, 1, sg.state, sg.core, sg.holders};
      pending_time = {};
    }
    pending_time[static_cast<std::size_t>(sg.state)] += len;
  }
  flush();
}

const LineSegment* TimelineModel::line_state_at(std::size_t lane, std::uint64_t t) const {
  if (lane >= lanes_.size() || lanes_[lane].kind != LaneKind::line) return nullptr;
  const auto& segs = line_segments_[lanes_[lane].index];
  const auto it = std::partition_point(segs.begin(), segs.end(), [t](const LineSegment& x) { return x.start <= t; });
  if (it == segs.begin() || t >= end_) return nullptr;
  return &*(it - 1);
}

void TimelineModel::exact(std::size_t lane, double t0, double t1, double ps_per_px, std::vector<Mark>& out) const {
  const std::uint64_t a = clamp_time(t0, end_);
  const std::uint64_t b = clamp_time(std::ceil(t1), end_);
  const Lane& l = lanes_[lane];
  if (l.kind == LaneKind::worker) {
    const auto& spans = timeline_.workers[l.index].spans;
    std::optional<Mark> pending;
    std::array<double, kStateCount> pending_time{};
    const auto flush = [&] {
      if (pending) {
        pending->state = static_cast<WorkerState>(dominant(pending_time));
        out.push_back(*pending);
        pending.reset();
      }
    };
    for (std::size_t i = first_span_ending_after(spans, a); i < spans.size() && spans[i].start < b; ++i) {
      const auto& s = spans[i];
      const double len = static_cast<double>(s.end - s.start);
      if (len >= ps_per_px) {
        flush();
        out.push_back({s.start, s.end, 1, s.state, 0});
        continue;
      }
      if (pending && static_cast<double>(s.start - pending->start) < ps_per_px) {
        pending->end = s.end;
        pending->count += 1;
      } else {
        flush();
        pending = Mark{s.start, s.end, 1, s.state, 0};
        pending_time = {};
      }
      pending_time[static_cast<std::size_t>(s.state)] += len;
    }
    flush();
  } else {
    const auto& idx = line_transfers_[l.index];
    const auto& times = line_times_[l.index];
    std::size_t k = static_cast<std::size_t>(
        std::partition_point(times.begin(), times.end(), [a](const TransferTimes& x) { return x.start < a; }) -
        times.begin());
    for (; k < times.size() && times[k].start <= b; ++k) {
      const TransferTimes& t = times[k];
      if (!out.empty() && static_cast<double>(t.start - out.back().start) < ps_per_px) {
        out.back().count += 1;
        out.back().end = std::max(out.back().end, t.end);
      } else {
        out.push_back({t.start, t.end, 1, WorkerState::running, idx[k]});
      }
    }
  }
}

// A coarse level: float times, each bucket's dominant state kept, and the
// level above's for aligned pairs.
struct TimelineModel::CoarseLevel {
  std::span<const Bucket> buckets;
  const std::vector<std::uint8_t>& dominants;
  const std::vector<std::uint8_t>* pairs;  // the level above's, if any
  [[nodiscard]] std::size_t size() const { return buckets.size(); }
  [[nodiscard]] std::uint32_t count(std::size_t i) const { return buckets[i].count; }
  // The dominant state of buckets [first, first + n), or kNoTime.
  [[nodiscard]] std::uint8_t dominant(std::size_t first, std::size_t n) const {
    if (n == 1) return dominants[first];
    // Level k+1's bucket j is level k's 2j and 2j+1 summed from zero in that
    // order, so it also holds their dominant state.
    if (n == 2 && first % 2 == 0 && pairs != nullptr) return (*pairs)[first / 2];
    // Summed in bucket order, as the pyramid was built: the same floats.
    std::array<float, kStateCount> time{};
    for (std::size_t j = first; j < first + n; ++j) {
      for (std::size_t s = 0; s < time.size(); ++s) time[s] += buckets[j].time[s];
    }
    return dominant_or_none(time, kNoTime);
  }
};

// A fine level (FinePyramid): times in 255ths of a bucket.
struct TimelineModel::FineLevel {
  std::span<const FineBucket> buckets;
  [[nodiscard]] std::size_t size() const { return buckets.size(); }
  [[nodiscard]] std::uint32_t count(std::size_t i) const { return buckets[i].count; }
  [[nodiscard]] std::uint8_t dominant(std::size_t first, std::size_t n) const {
    std::array<std::uint32_t, kStateCount> time{};
    for (std::size_t j = first; j < first + n; ++j) {
      for (std::size_t s = 0; s < time.size(); ++s) time[s] += buckets[j].time[s];
    }
    return dominant_or_none(time, kNoTime);
  }
};

void TimelineModel::fold(std::size_t lane, double t0, double t1, double ps_per_px, std::vector<Mark>* by_time,
                         std::vector<Mark>* by_count) const {
  const auto& pyramid = pyramids_[lane];
  const auto& levels = pyramid.levels;
  const FinePyramid& fine = fine_[lane];
  if (static_cast<double>(bucket_width_) > ps_per_px && !fine.empty()) {
    // Below the base: the finest fine level whose buckets are at most a pixel.
    std::size_t k = 0;
    while (k + 1 < fine.level_count() && static_cast<double>(fine.width(k + 1)) <= ps_per_px) ++k;
    fold_columns(FineLevel{fine.level(k)}, fine.width(k), t0, t1, ps_per_px, by_time, by_count);
    return;
  }
  std::size_t k = 0;
  while (k + 1 < levels.size() && static_cast<double>(bucket_width_ << (k + 1)) <= ps_per_px) ++k;
  const CoarseLevel level{levels[k], pyramid.dominant[k], k + 1 < levels.size() ? &pyramid.dominant[k + 1] : nullptr};
  fold_columns(level, bucket_width_ << k, t0, t1, ps_per_px, by_time, by_count);
}

template <class Level>
void TimelineModel::fold_columns(const Level& level, std::uint64_t width, double t0, double t1, double ps_per_px,
                                 std::vector<Mark>* by_time, std::vector<Mark>* by_count) const {
  const std::uint64_t a = clamp_time(t0, end_);
  const std::uint64_t b = clamp_time(std::ceil(t1), end_);
  const std::size_t i0 = a / width;
  const std::size_t i1 = std::min<std::size_t>(level.size(), b / width + 1);  // i * width <= b
  // At most one mark per column and per bucket (the level puts 1-2 buckets in a column).
  const std::size_t most = std::min<std::size_t>(i1 > i0 ? i1 - i0 : 0,
                                                 static_cast<std::size_t>(static_cast<double>(b - a) / ps_per_px) + 2);
  if (by_time != nullptr) by_time->reserve(most);
  if (by_count != nullptr) by_count->reserve(most);
  // A column's stop is the next column's start: computed once.
  std::int64_t stop_column = -1;
  std::uint64_t stop = 0;
  std::size_t first = i0;  // the buckets of `column`: [first, first + n)
  std::size_t n = 0;
  std::uint32_t count = 0;
  std::int64_t column = -1;
  // i == i1 closes the last column.
  for (std::size_t i = i0; i <= i1; ++i) {
    std::int64_t col = column + 1;
    if (i < i1) {
      // A bucket's column is where its middle falls. Divided, not multiplied
      // by a reciprocal: a middle exactly on a column's edge must not slip
      // into the column before by a rounding error.
      const double mid = static_cast<double>(i * width) + static_cast<double>(width) / 2;
      col = floor_to_int((mid - t0) / ps_per_px);
    }
    // Buckets before column 0 are carried into it.
    if (col != column && column >= 0) {
      const std::uint8_t d = level.dominant(first, n);
      const bool has_time = d != kNoTime;
      if (count > 0 || (by_time != nullptr && has_time)) {
        const auto start =
            stop_column == column ? stop : clamp_time(t0 + static_cast<double>(column) * ps_per_px, end_);
        stop = clamp_time(t0 + static_cast<double>(column + 1) * ps_per_px, end_);
        stop_column = column + 1;
        const auto state = static_cast<WorkerState>(has_time ? d : 0);
        if (by_time != nullptr) {
          auto& out = *by_time;
          if (!out.empty() && out.back().state == state && out.back().end == start) {
            out.back().end = stop;
            out.back().count += count;
          } else {
            out.push_back({start, stop, count, state, 0});
          }
        }
        if (by_count != nullptr && count > 0) by_count->push_back({start, stop, count, state, 0});
      }
      first += n;
      n = 0;
      count = 0;
    }
    if (i == i1) break;
    column = col;
    ++n;
    count += level.count(i);
  }
}

const traces::Span* TimelineModel::span_at(std::size_t lane, std::uint64_t t) const {
  if (lane >= lanes_.size() || lanes_[lane].kind != LaneKind::worker) return nullptr;
  const auto& spans = timeline_.workers[lanes_[lane].index].spans;
  const auto it = std::partition_point(spans.begin(), spans.end(), [t](const traces::Span& s) { return s.start <= t; });
  if (it == spans.begin()) return nullptr;
  const auto& s = *(it - 1);
  return (t < s.end || t == s.start) ? &s : nullptr;
}

std::optional<std::size_t> TimelineModel::transfer_near(std::uint64_t t, std::size_t lane,
                                                        std::uint64_t tolerance) const {
  if (lane >= lanes_.size() || lanes_[lane].kind != LaneKind::line) return std::nullopt;
  const auto& idx = line_transfers_[lanes_[lane].index];
  const auto& times = line_times_[lanes_[lane].index];
  const auto k = static_cast<std::size_t>(
      std::partition_point(times.begin(), times.end(), [t](const TransferTimes& x) { return x.start < t; }) -
      times.begin());
  std::optional<std::size_t> best;
  std::uint64_t best_d = 0;
  const auto consider = [&](std::size_t at) {
    const auto s = times[at].start;
    const auto d = s > t ? s - t : t - s;
    if (d <= tolerance && (!best || d < best_d)) {
      best = idx[at];
      best_d = d;
    }
  };
  if (k < times.size()) consider(k);
  if (k > 0) consider(k - 1);
  return best;
}

}  // namespace lockscope::gui
