#include "gui/app/cacheline_table_view.hpp"

#include <QHeaderView>
#include <QSortFilterProxyModel>

namespace lockscope::gui {

QString core_ranges(std::span<const std::uint32_t> cores) {
  QStringList parts;
  for (auto it = cores.begin(); it != cores.end();) {
    const std::uint32_t first = *it;
    std::uint32_t last = first;
    for (++it; it != cores.end() && *it == last + 1; ++it) last = *it;
    parts << (first == last ? QString::number(first) : QStringLiteral("%1-%2").arg(first).arg(last));
  }
  return parts.join(QLatin1Char(','));
}

void CachelineTableModel::set_rows(std::vector<traces::CachelineRow> rows) {
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}

int CachelineTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int CachelineTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : kColumnCount; }

QVariant CachelineTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(rows_.size())) return {};
  const traces::CachelineRow& r = rows_[static_cast<std::size_t>(index.row())];
  if (role == Qt::TextAlignmentRole) {
    return index.column() == kLine || index.column() == kCores ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                                               : QVariant(Qt::AlignRight | Qt::AlignVCenter);
  }
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case kLine: return QString::fromStdString(r.name);
    // Numbers as numbers, so that the proxy sorts them numerically.
    case kTransfers: return QVariant::fromValue(static_cast<qulonglong>(r.transfers));
    case kInvalidations: return QVariant::fromValue(static_cast<qulonglong>(r.invalidations));
    case kCoreCount: return QVariant::fromValue(static_cast<qulonglong>(r.cores.size()));
    case kCores: return core_ranges(r.cores);
    default: return {};
  }
}

QVariant CachelineTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  switch (section) {
    case kLine: return QStringLiteral("shared line");
    case kTransfers: return QStringLiteral("transfers");
    case kInvalidations: return QStringLiteral("invalidations");
    case kCoreCount: return QStringLiteral("cores");
    case kCores: return QStringLiteral("which cores");
    default: return {};
  }
}

CachelineTableView::CachelineTableView(QWidget* parent)
    : QTableView(parent), table_(new CachelineTableModel(this)), proxy_(new QSortFilterProxyModel(this)) {
  proxy_->setSourceModel(table_);
  setModel(proxy_);
  setSortingEnabled(true);
  sortByColumn(CachelineTableModel::kTransfers, Qt::DescendingOrder);
  verticalHeader()->hide();
  verticalHeader()->setDefaultSectionSize(20);
  horizontalHeader()->setSectionResizeMode(CachelineTableModel::kLine, QHeaderView::Stretch);
  setAlternatingRowColors(true);
  setSelectionBehavior(QAbstractItemView::SelectRows);
}

void CachelineTableView::set_rows(std::vector<traces::CachelineRow> rows) {
  table_->set_rows(std::move(rows));
  resizeColumnsToContents();
}

}  // namespace lockscope::gui
