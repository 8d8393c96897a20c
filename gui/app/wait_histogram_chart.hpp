// WaitHistogramChart: one lock-wait histogram (Qt Charts bar chart) over
// log_histogram's 1-2-5 bins; x is the wait in ns (each bin labelled with
// its lower edge), y the acquisitions.
#pragma once

#include <QChartView>
#include <QString>
#include <cstdint>
#include <vector>

namespace lockscope::gui {

class WaitHistogramChart : public QChartView {
 public:
  WaitHistogramChart(const QString& title, const QColor& color, QWidget* parent = nullptr);
  // Sorted or not, picoseconds.
  void set_waits(const std::vector<std::uint64_t>& waits_ps);

 private:
  QString title_;
  QColor color_;
};

}  // namespace lockscope::gui
