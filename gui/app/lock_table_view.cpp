#include "gui/app/lock_table_view.hpp"

#include <QHeaderView>
#include <algorithm>
#include <numeric>

namespace lockscope::gui {
namespace {

// Sorts by the number behind the text (UserRole), not by the text.
class NumberItem : public QTableWidgetItem {
 public:
  NumberItem(const QString& text, double value) : QTableWidgetItem(text) {
    setData(Qt::UserRole, value);
    setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  }
  bool operator<(const QTableWidgetItem& other) const override {
    return data(Qt::UserRole).toDouble() < other.data(Qt::UserRole).toDouble();
  }
};

QTableWidgetItem* count_item(std::uint64_t n) { return new NumberItem(QString::number(n), static_cast<double>(n)); }

// "p50 / p99", sorted by the p99; a dash for no waits (a lock nobody wrote
// has no write wait), sorted first.
QTableWidgetItem* wait_item(const std::vector<std::uint64_t>& sorted) {
  if (sorted.empty()) return new NumberItem(QStringLiteral("—"), -1);
  const auto p50 = static_cast<double>(quantile(sorted, 0.5));
  const auto p99 = static_cast<double>(quantile(sorted, 0.99));
  return new NumberItem(QString::fromStdString(time_text(p50) + " / " + time_text(p99)), p99);
}

}  // namespace

LockTableView::LockTableView(QWidget* parent) : QTableWidget(parent) {
  setColumnCount(kColumnCount);
  // Short headers, so that the table fits the dock; the dock's title says "p50 / p99".
  setHorizontalHeaderLabels({QStringLiteral("lock"), QStringLiteral("reads"), QStringLiteral("writes"),
                             QStringLiteral("read wait"), QStringLiteral("write wait")});
  for (const int c : {kReadWait, kWriteWait}) horizontalHeaderItem(c)->setToolTip(QStringLiteral("p50 / p99"));
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setSelectionBehavior(QAbstractItemView::SelectRows);
  setAlternatingRowColors(true);
  verticalHeader()->hide();
  verticalHeader()->setDefaultSectionSize(20);
  horizontalHeader()->setStretchLastSection(true);
  // Most acquisitions first until a header is clicked (no sort indicator).
  setSortingEnabled(true);
  horizontalHeader()->setSortIndicator(-1, Qt::DescendingOrder);
}

void LockTableView::set_stats(const TimelineModel* model, const RunStats& stats) {
  setSortingEnabled(false);  // rows are filled in place, then sorted as the user chose
  setRowCount(0);
  if (model == nullptr) {
    setSortingEnabled(true);
    return;
  }
  const auto& locks = model->timeline().locks;
  std::vector<std::size_t> order(std::min(locks.size(), stats.per_lock.size()));
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::erase_if(order, [&](std::size_t i) { return stats.per_lock[i].acquisitions() == 0; });
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return stats.per_lock[a].acquisitions() > stats.per_lock[b].acquisitions();
  });
  setRowCount(static_cast<int>(order.size()));
  for (int r = 0; r < rowCount(); ++r) {
    const std::size_t i = order[static_cast<std::size_t>(r)];
    const LockStats& l = stats.per_lock[i];
    setItem(r, kLock, new QTableWidgetItem(QString::fromStdString(locks[i].name)));
    setItem(r, kReads, count_item(l.reads));
    setItem(r, kWrites, count_item(l.writes));
    setItem(r, kReadWait, wait_item(l.read_waits));
    setItem(r, kWriteWait, wait_item(l.write_waits));
  }
  setSortingEnabled(true);
  resizeColumnsToContents();
}

}  // namespace lockscope::gui
