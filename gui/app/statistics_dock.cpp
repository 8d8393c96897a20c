#include "gui/app/statistics_dock.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QScrollArea>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <numeric>

#include "gui/app/cacheline_table_view.hpp"
#include "gui/app/lock_table_view.hpp"
#include "gui/app/wait_histogram_chart.hpp"
#include "traces/cacheline_table.hpp"

namespace lockscope::gui {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QString waits_row(const char* what, const std::vector<std::uint64_t>& waits) {
  if (waits.empty()) return QStringLiteral("<tr><td>%1 wait</td><td>—</td></tr>").arg(QLatin1String(what));
  return QStringLiteral("<tr><td>%1 wait</td><td>p50 %2 &nbsp; p99 %3 &nbsp; max %4</td></tr>")
      .arg(QLatin1String(what), q(time_text(static_cast<double>(quantile(waits, 0.5)))),
           q(time_text(static_cast<double>(quantile(waits, 0.99)))), q(time_text(static_cast<double>(waits.back()))));
}

// Sorts by the number behind the text (UserRole), not by the text.
class NumberItem : public QTableWidgetItem {
 public:
  explicit NumberItem(std::uint64_t n) : QTableWidgetItem(QString::number(n)) {
    setData(Qt::UserRole, static_cast<double>(n));
    setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  }
  bool operator<(const QTableWidgetItem& other) const override {
    return data(Qt::UserRole).toDouble() < other.data(Qt::UserRole).toDouble();
  }
};

// The total column: a bar as long as the worker's share of the busiest
// worker's acquisitions (UserRole + 1, 0..1) behind the number, so that an
// uneven run shows at a glance.
class ShareBarDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    const double share = std::clamp(index.data(Qt::UserRole + 1).toDouble(), 0.0, 1.0);
    QRectF bar = QRectF(option.rect).adjusted(1, 3, -1, -3);
    bar.setWidth(bar.width() * share);
    painter->fillRect(bar, QColor(0x9f, 0xc5, 0xe8));
    QStyledItemDelegate::paint(painter, option, index);
  }
};

QString worker_name(const traces::Timeline& tl, std::uint32_t id) {
  if (id < tl.workers.size() && !tl.workers[id].name.empty()) return q(tl.workers[id].name);
  return QStringLiteral("worker %1").arg(id);
}

// "Jain 0.970, max/min 1.40 (worker 3: 812, worker 9: 580)", the figures
// lockscope replay's summary prints, with the timeline's worker names.
QString fairness_row(const RunStats& s, const traces::Timeline& tl) {
  const traces::Fairness f = s.fairness();
  QString text;
  if (f.workers == 0) {
    text = QStringLiteral("— (no worker tried to take a lock)");
  } else if (!f.jain) {
    text = QStringLiteral("— (%1 %2 tried, none got in)")
               .arg(f.workers)
               .arg(f.workers == 1 ? QStringLiteral("worker") : QStringLiteral("workers"));
  } else if (f.workers == 1) {
    text = QStringLiteral("one worker took locks (%1: %2)").arg(worker_name(tl, f.max_worker)).arg(f.max);
  } else if (f.max == f.min) {
    text = QStringLiteral("Jain <b>%1</b>, max/min <b>1.00</b> (all %2 workers: %3 each)")
               .arg(*f.jain, 0, 'f', 3)
               .arg(f.workers)
               .arg(f.max);
  } else {
    text = QStringLiteral("Jain <b>%1</b>, max/min <b>%2</b> (%3: %4, %5: %6%7)")
               .arg(*f.jain, 0, 'f', 3)
               .arg(f.max_over_min ? QString::number(*f.max_over_min, 'f', 2) : QStringLiteral("∞"))
               .arg(worker_name(tl, f.max_worker))
               .arg(f.max)
               .arg(worker_name(tl, f.min_worker))
               .arg(f.min)
               .arg(f.min == 0 ? QStringLiteral(", starved") : QString());
  }
  const std::size_t idle = s.per_worker.size() - f.workers;
  if (f.workers != 0 && idle != 0) text += QStringLiteral("; %1 of %2 never tried").arg(idle).arg(s.per_worker.size());
  return QStringLiteral("<tr><td>fairness</td><td>%1</td></tr>").arg(text);
}

// The mutual-exclusion violations in [t0, t1] (a broken lock, or a lock
// without its fence under tso) and the first pair: a run without one shows
// no row, so a correct lock's figures read as before. The replay keeps at
// most kMaxViolations, in the order it saw them: a scan, not a search.
QString violations_row(const traces::Timeline& tl, std::uint64_t t0, std::uint64_t t1) {
  const traces::ExclusionViolation* first = nullptr;
  std::size_t n = 0;
  for (const traces::ExclusionViolation& e : tl.violations) {
    if (e.time < t0 || e.time > t1) continue;
    ++n;
    if (first == nullptr || e.time < first->time) first = &e;
  }
  if (first == nullptr) return {};
  const bool capped = tl.violations.size() >= traces::ExclusionViolation::kMaxViolations;
  const QString lock = tl.locks.size() > 1 && first->lock < tl.locks.size()
                           ? QStringLiteral(" on %1").arg(q(tl.locks[first->lock].name))
                           : QString();
  return QStringLiteral("<tr><td><font color=\"#b00020\">mutual exclusion</font></td><td><font color=\"#b00020\">"
                        "<b>violated %1%2 time%3</b></font>; the first at %4%5: %6 entered while %7 was inside</td></tr>")
      .arg(capped ? QStringLiteral("at least ") : QString())
      .arg(n)
      .arg(n == 1 ? QString() : QStringLiteral("s"))
      .arg(q(time_text(static_cast<double>(first->time))), lock, worker_name(tl, first->entering),
           worker_name(tl, first->inside));
}

}  // namespace

StatisticsDock::StatisticsDock(QWidget* parent)
    : QDockWidget(QStringLiteral("Statistics"), parent),
      scope_(new QLabel),
      figures_(new QLabel),
      read_chart_(new WaitHistogramChart(QStringLiteral("read waits"), QColor(0xd9, 0xb4, 0x1e))),
      write_chart_(new WaitHistogramChart(QStringLiteral("write waits"), QColor(0xd0, 0x4a, 0x4a))),
      locks_title_(new QLabel(QStringLiteral("Locks (waits: p50 / p99)"))),
      locks_(new LockTableView),
      workers_title_(new QLabel(QStringLiteral("Acquisitions per worker"))),
      workers_(new QTableWidget),
      table_title_(new QLabel(QStringLiteral("Shared cachelines (perf c2c style)"))),
      table_(new CachelineTableView) {
  setObjectName(QStringLiteral("statistics"));
  auto* body = new QWidget;
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(6, 4, 6, 4);
  scope_->setWordWrap(true);
  QFont bold = scope_->font();
  bold.setBold(true);
  scope_->setFont(bold);
  figures_->setTextFormat(Qt::RichText);
  figures_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(scope_);
  layout->addWidget(figures_);
  layout->addWidget(read_chart_);
  layout->addWidget(write_chart_);
  locks_title_->setFont(bold);
  layout->addWidget(locks_title_);
  locks_->setMinimumHeight(90);
  layout->addWidget(locks_, 1);
  workers_title_->setFont(bold);
  layout->addWidget(workers_title_);
  workers_->setColumnCount(kWorkerColumnCount);
  workers_->setHorizontalHeaderLabels(
      {QStringLiteral("worker"), QStringLiteral("reads"), QStringLiteral("writes"), QStringLiteral("total")});
  workers_->setItemDelegateForColumn(kWorkerTotal, new ShareBarDelegate(workers_));
  workers_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  workers_->setSelectionBehavior(QAbstractItemView::SelectRows);
  workers_->verticalHeader()->hide();
  workers_->verticalHeader()->setDefaultSectionSize(20);
  workers_->horizontalHeader()->setStretchLastSection(true);
  workers_->setSortingEnabled(true);
  workers_->horizontalHeader()->setSortIndicator(-1, Qt::DescendingOrder);
  workers_->setMinimumHeight(110);
  layout->addWidget(workers_, 1);
  table_title_->setFont(bold);
  layout->addWidget(table_title_);
  table_->setMinimumHeight(140);
  layout->addWidget(table_, 1);
  setWidget(body);
  setMinimumWidth(380);
  refresh();
}

void StatisticsDock::set_model(std::shared_ptr<const TimelineModel> model) {
  model_ = std::move(model);
  range_.reset();
  refresh();
}

void StatisticsDock::set_range(std::int64_t t0, std::int64_t t1) {
  const auto a = static_cast<std::uint64_t>(std::max<std::int64_t>(0, std::min(t0, t1)));
  const auto b = static_cast<std::uint64_t>(std::max<std::int64_t>(0, std::max(t0, t1)));
  range_ = std::pair{a, b};
  refresh();
}

void StatisticsDock::clear_range() {
  range_.reset();
  refresh();
}

void StatisticsDock::refresh() {
  if (!model_) {
    stats_ = {};
    scope_->setText(QStringLiteral("No timeline"));
    figures_->clear();
    read_chart_->set_waits({});
    write_chart_->set_waits({});
    table_->set_rows({});
    locks_->set_stats(nullptr, stats_);
    locks_title_->hide();
    locks_->hide();
    fill_workers();
    return;
  }
  const auto [t0, t1] = range_.value_or(std::pair<std::uint64_t, std::uint64_t>{0, model_->end_time()});
  stats_ = run_stats(*model_, t0, t1);
  const auto& tl = model_->timeline();
  const bool measured = model_->measured();
  // A measured run's machine string is the recorder's ("this machine (2 CPUs), measured").
  const QString run = measured ? QStringLiteral("measured run on %1").arg(q(tl.machine))
                               : QStringLiteral("%1 on %2 (%3 cores)").arg(q(tl.lock), q(tl.machine)).arg(tl.cores);
  scope_->setText(range_ ? QStringLiteral("%1 — range %2 to %3").arg(run, q(time_text(static_cast<double>(t0))),
                                                                      q(time_text(static_cast<double>(t1))))
                         : QStringLiteral("%1 — whole run").arg(run));
  QString html = QStringLiteral("<table cellspacing=2>");
  html += QStringLiteral("<tr><td>%1 time</td><td>%2</td></tr>")
              .arg(measured ? QStringLiteral("measured") : QStringLiteral("simulated"),
                   q(time_text(static_cast<double>(t1 - t0))));
  html += QStringLiteral("<tr><td>throughput</td><td><b>%1ops/s</b> (%2 reads/s, %3 writes/s)</td></tr>")
              .arg(q(si(stats_.ops_per_second())), q(si(stats_.reads_per_second())),
                   q(si(stats_.writes_per_second())));
  html += QStringLiteral("<tr><td>operations</td><td>%1 (%2 reads, %3 writes)</td></tr>")
              .arg(stats_.ops())
              .arg(stats_.reads)
              .arg(stats_.writes);
  html += violations_row(tl, t0, t1);
  html += fairness_row(stats_, tl);
  html += waits_row("read", stats_.read_waits);
  html += waits_row("write", stats_.write_waits);
  const bool has_lines = !tl.lines.empty();
  if (has_lines) {
    html += QStringLiteral("<tr><td>line transfers</td><td>%1 (%2 per operation), %3 invalidations</td></tr>")
                .arg(stats_.transfers)
                .arg(stats_.transfers_per_op(), 0, 'f', 3)
                .arg(stats_.invalidations);
  } else {
    html += QStringLiteral("<tr><td>line transfers</td><td>%1</td></tr>")
                .arg(measured ? QStringLiteral("not measured (a recording has no cacheline data)")
                              : QStringLiteral("none (the timeline has no cacheline lanes)"));
  }
  html += QStringLiteral("</table>");
  figures_->setText(html);
  read_chart_->set_waits(stats_.read_waits);
  write_chart_->set_waits(stats_.write_waits);
  // A run without writers (or readers) needs no empty chart.
  read_chart_->setVisible(!stats_.read_waits.empty() || stats_.write_waits.empty());
  write_chart_->setVisible(!stats_.write_waits.empty());
  const bool per_lock = model_->names_locks();
  locks_title_->setVisible(per_lock);
  locks_->setVisible(per_lock);
  locks_->set_stats(per_lock ? model_.get() : nullptr, stats_);
  fill_workers();
  // No lines, no table: an empty one would only look like a range without transfers.
  table_title_->setVisible(has_lines);
  table_->setVisible(has_lines);
  table_->set_rows(traces::cacheline_table(tl, t0, t1));
}

// Rows filled in place, most acquisitions first, then sorted as the user
// chose; the title says how many workers never tried (they have no row).
void StatisticsDock::fill_workers() {
  workers_->setSortingEnabled(false);
  workers_->setRowCount(0);
  std::vector<const traces::WorkerAcquisitions*> rows;
  for (const auto& w : stats_.per_worker) {
    if (w.attempted) rows.push_back(&w);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) { return a->total() > b->total(); });
  const std::uint64_t most = rows.empty() ? 0 : rows.front()->total();
  workers_->setRowCount(static_cast<int>(rows.size()));
  for (int r = 0; r < workers_->rowCount(); ++r) {
    const traces::WorkerAcquisitions& w = *rows[static_cast<std::size_t>(r)];
    workers_->setItem(r, kWorker, new QTableWidgetItem(worker_name(model_->timeline(), w.id)));
    workers_->setItem(r, kWorkerReads, new NumberItem(w.reads));
    workers_->setItem(r, kWorkerWrites, new NumberItem(w.writes));
    auto* total = new NumberItem(w.total());
    total->setData(Qt::UserRole + 1, most == 0 ? 0.0 : static_cast<double>(w.total()) / static_cast<double>(most));
    workers_->setItem(r, kWorkerTotal, total);
  }
  workers_->setSortingEnabled(true);
  workers_->resizeColumnsToContents();
  const std::size_t idle = stats_.per_worker.size() - rows.size();
  workers_title_->setText(idle == 0 ? QStringLiteral("Acquisitions per worker")
                                    : QStringLiteral("Acquisitions per worker (%1 never tried a lock)").arg(idle));
  workers_title_->setVisible(model_ != nullptr);
  workers_->setVisible(model_ != nullptr);
}

QString StatisticsDock::figures_text() const { return figures_->text(); }

}  // namespace lockscope::gui
