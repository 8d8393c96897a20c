#include "gui/app/details_panel.hpp"

#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>

namespace lockscope::gui {

DetailsPanel::DetailsPanel(QWidget* parent) : QFrame(parent), label_(new QLabel(this)) {
  setFrameShape(QFrame::StyledPanel);
  setAutoFillBackground(true);
  QPalette pal = palette();
  pal.setColor(QPalette::Window, QColor(0xff, 0xff, 0xf4));
  setPalette(pal);
  label_->setTextFormat(Qt::RichText);
  label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(8, 6, 8, 6);
  layout->addWidget(label_);
  hide();
}

void DetailsPanel::show_details(const Details& details, QPoint at) {
  QString html = QStringLiteral("<b>%1</b><table cellspacing=0 cellpadding=1>").arg(details.title.toHtmlEscaped());
  for (const auto& [k, v] : details.fields) {
    html += QStringLiteral("<tr><td style='color:#555;padding-right:8px'>%1</td><td>%2</td></tr>")
                .arg(k.toHtmlEscaped(), v.toHtmlEscaped());
  }
  html += QStringLiteral("</table>");
  label_->setText(html);
  adjustSize();
  const QWidget* p = parentWidget();
  const int x = std::clamp(at.x() + 12, 0, std::max(0, p->width() - width()));
  const int y = std::clamp(at.y() + 12, 0, std::max(0, p->height() - height()));
  move(x, y);
  show();
  raise();
}

QString DetailsPanel::text() const { return label_->text(); }

}  // namespace lockscope::gui
