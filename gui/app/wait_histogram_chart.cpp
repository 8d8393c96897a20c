#include "gui/app/wait_histogram_chart.hpp"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QValueAxis>
#include <algorithm>

#include "gui/model/run_stats.hpp"

namespace lockscope::gui {

WaitHistogramChart::WaitHistogramChart(const QString& title, const QColor& color, QWidget* parent)
    : QChartView(parent), title_(title), color_(color) {
  setRenderHint(QPainter::Antialiasing);
  setMinimumHeight(190);
  set_waits({});
}

void WaitHistogramChart::set_waits(const std::vector<std::uint64_t>& waits_ps) {
  const auto bins = log_histogram(waits_ps);
  auto* chart = new QChart();
  chart->setTitle(QStringLiteral("%1 (%2 acquisitions)").arg(title_).arg(waits_ps.size()));
  chart->legend()->hide();
  chart->setMargins(QMargins(2, 2, 2, 2));
  auto* set = new QBarSet(title_);
  set->setColor(color_);
  set->setBorderColor(color_.darker(130));
  QStringList categories;
  std::uint64_t top = 0;
  for (const auto& b : bins) {
    *set << static_cast<double>(b.count);
    // The lower edge alone ("500" for 500-1k ns): full ranges do not fit.
    categories << QString::fromStdString(b.label).section(QLatin1Char('-'), 0, 0);
    top = std::max(top, b.count);
  }
  auto* series = new QBarSeries();
  series->setBarWidth(0.95);
  series->append(set);
  chart->addSeries(series);
  auto* x = new QBarCategoryAxis();
  x->append(categories.isEmpty() ? QStringList{QStringLiteral("none")} : categories);
  x->setTitleText(QStringLiteral("wait, ns (1-2-5 log bins, from each label to the next)"));
  QFont small = x->labelsFont();
  small.setPointSizeF(small.pointSizeF() * 0.8);
  x->setLabelsFont(small);
  x->setLabelsAngle(categories.size() > 14 ? -60 : 0);
  chart->addAxis(x, Qt::AlignBottom);
  series->attachAxis(x);
  auto* y = new QValueAxis();
  y->setRange(0, static_cast<double>(std::max<std::uint64_t>(top, 4)) * 1.12);
  y->applyNiceNumbers();
  y->setLabelFormat(QStringLiteral("%.0f"));
  y->setTitleText(QStringLiteral("acquisitions"));
  y->setLabelsFont(small);
  chart->addAxis(y, Qt::AlignLeft);
  series->attachAxis(y);
  QChart* old = this->chart();
  setChart(chart);
  delete old;
}

}  // namespace lockscope::gui
