// CachelineTableView: the perf-c2c-style shared-data cacheline table
// (traces/cacheline_table.hpp, the rows lockscope replay's summary prints)
// as a sortable QTableView: line, transfers, invalidations, cores that took
// part, and which cores.
#pragma once

#include <QAbstractTableModel>
#include <QTableView>
#include <cstdint>
#include <span>
#include <vector>

#include "traces/cacheline_table.hpp"

class QSortFilterProxyModel;

namespace lockscope::gui {

class CachelineTableModel : public QAbstractTableModel {
 public:
  enum Column { kLine, kTransfers, kInvalidations, kCoreCount, kCores, kColumnCount };
  using QAbstractTableModel::QAbstractTableModel;

  void set_rows(std::vector<traces::CachelineRow> rows);

  [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
  [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
  [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::vector<traces::CachelineRow> rows_;
};

class CachelineTableView : public QTableView {
 public:
  explicit CachelineTableView(QWidget* parent = nullptr);
  void set_rows(std::vector<traces::CachelineRow> rows);
  [[nodiscard]] CachelineTableModel* table() const { return table_; }

 private:
  CachelineTableModel* table_;
  QSortFilterProxyModel* proxy_;
};

// "0-3,8,12-13": a set of cores as ranges.
[[nodiscard]] QString core_ranges(std::span<const std::uint32_t> cores);

}  // namespace lockscope::gui
