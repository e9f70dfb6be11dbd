#include "client/viewer/sample_pdf.h"

#include <QFont>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>

namespace hopso::client::testing {

bool writeSamplePdf(const QString& path, int pages) {
  QPdfWriter writer(path);
  writer.setPageSize(QPageSize(QPageSize::A4));
  writer.setPageMargins(QMarginsF(0, 0, 0, 0));
  writer.setResolution(72);  // painter units are PDF points
  writer.setTitle(QStringLiteral("Tờ trình mẫu"));
  QPainter painter;
  if (!painter.begin(&writer)) return false;
  QFont title(QStringLiteral("Liberation Serif"));
  title.setPixelSize(22);
  title.setBold(true);
  QFont body(QStringLiteral("Liberation Serif"));
  body.setPixelSize(16);
  QFont small(QStringLiteral("Liberation Serif"));
  small.setPixelSize(11);
  for (int page = 0; page < pages; ++page) {
    if (page > 0) writer.newPage();
    painter.setPen(Qt::black);
    painter.setFont(title);
    painter.drawText(QRectF(72, 90, 450, 40), Qt::AlignLeft | Qt::AlignVCenter,
                     QStringLiteral("Trang %1 — Tờ trình về kế hoạch năm 2027").arg(page + 1));
    painter.setFont(body);
    painter.drawText(SamplePage::textLine(), Qt::AlignLeft | Qt::AlignVCenter,
                     SamplePage::lineText());
    if (page % 2 == 1) {
      painter.drawText(QRectF(72, 260, 450, 24), Qt::AlignLeft | Qt::AlignVCenter,
                       SamplePage::searchWord() + QStringLiteral(" thông qua kế hoạch."));
    }
    painter.setFont(small);
    for (int line = 0; line < 30; ++line) {
      const qreal y = 300 + line * 16;
      if (y > 540 && y < 700) continue;  // leave the square's band clear
      painter.drawText(QPointF(72, y),
                       QStringLiteral("Điều %1. Các sở, ban, ngành và Ủy ban nhân dân các huyện "
                                      "triển khai thực hiện nghị quyết này.")
                           .arg(line + 1));
    }
    painter.fillRect(SamplePage::square(page), Qt::black);
    painter.setPen(QPen(QColor(0x1a, 0x3d, 0x7c), 1.5));
    painter.drawLine(QPointF(72, 780), QPointF(523, 780));
  }
  return painter.end();
}

}  // namespace hopso::client::testing
