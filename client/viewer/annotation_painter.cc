#include "client/viewer/annotation_painter.h"

#include <QPainter>
#include <QPainterPath>

#include "client/viewer/stroke_builder.h"

namespace hopso::client {
namespace {

QColor colorOf(const v1::Annotation& annotation, quint32 fallback) {
  return QColor::fromRgba(annotation.color() ? annotation.color() : fallback);
}

// Vietnamese names end with the given name, which is what colleagues use.
QString givenName(const std::string& authorName) {
  const QString name = QString::fromStdString(authorName).simplified();
  if (name.isEmpty()) return QStringLiteral("?");
  return name.section(QLatin1Char(' '), -1);
}

void paintInk(QPainter& painter, const v1::Annotation& a) {
  const auto& points = a.points();
  if (points.empty()) return;
  const QColor color = colorOf(a, kDefaultInkColor);
  const qreal width = a.width() > 0 ? a.width() : 2;
  QPen pen(color, 1, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
  if (points.size() == 1) {
    const qreal w = StrokeBuilder::widthAt(width, points[0].pressure());
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawEllipse(QPointF(points[0].x(), points[0].y()), w / 2, w / 2);
    return;
  }
  bool uniform = true;
  for (const v1::InkPoint& p : points) uniform = uniform && p.pressure() == points[0].pressure();
  painter.setBrush(Qt::NoBrush);
  if (uniform) {
    // One path: proper joins, and much faster than segments.
    QPainterPath path(QPointF(points[0].x(), points[0].y()));
    for (int i = 1; i < points.size(); ++i) path.lineTo(points[i].x(), points[i].y());
    pen.setWidthF(StrokeBuilder::widthAt(width, points[0].pressure()));
    painter.setPen(pen);
    painter.drawPath(path);
    return;
  }
  for (int i = 1; i < points.size(); ++i) {
    const v1::InkPoint& p0 = points[i - 1];
    const v1::InkPoint& p1 = points[i];
    pen.setWidthF(StrokeBuilder::widthAt(width, (p0.pressure() + p1.pressure()) / 2));
    painter.setPen(pen);
    painter.drawLine(QPointF(p0.x(), p0.y()), QPointF(p1.x(), p1.y()));
  }
}

void paintHighlight(QPainter& painter, const v1::Annotation& a) {
  QColor color = colorOf(a, kDefaultHighlightColor);
  if (color.alpha() == 255) color.setAlpha(0x73);
  painter.save();
  // Multiply, like a marker: the print stays black under the colour.
  painter.setCompositionMode(QPainter::CompositionMode_Multiply);
  for (const v1::PageRect& r : a.rects()) {
    painter.fillRect(QRectF(r.x(), r.y(), r.width(), r.height()), color);
  }
  painter.restore();
}

void paintNote(QPainter& painter, const v1::Annotation& a) {
  if (a.rects().empty()) return;
  const v1::PageRect& r = a.rects(0);
  const QRectF box(r.x(), r.y(), r.width(), r.height());
  const QColor color = colorOf(a, kDefaultNoteColor);
  painter.save();
  painter.setPen(QPen(color.darker(170), box.width() / 16));
  painter.setBrush(color);
  painter.drawRoundedRect(box, box.width() / 8, box.height() / 8);
  painter.setPen(QPen(color.darker(220), box.width() / 14, Qt::SolidLine, Qt::RoundCap));
  for (int line = 1; line <= 3; ++line) {
    const qreal y = box.top() + box.height() * line / 4.5 + box.height() * 0.1;
    const qreal right = line == 3 ? box.center().x() : box.right() - box.width() / 4;
    painter.drawLine(QPointF(box.left() + box.width() / 4, y), QPointF(right, y));
  }
  painter.restore();
}

void paintAuthorTag(QPainter& painter, const v1::Annotation& a) {
  const QRectF bounds = annotationBounds(a);
  if (bounds.isEmpty() && a.kind() != v1::ANNOTATION_KIND_INK) return;
  const QPointF anchor = painter.transform().map(bounds.topLeft());
  painter.save();
  painter.resetTransform();
  QFont font = painter.font();
  font.setPixelSize(11);
  font.setBold(true);
  painter.setFont(font);
  const QString label = givenName(a.author_name());
  const QFontMetricsF metrics(font);
  const QRectF tag(anchor.x(), anchor.y() - metrics.height() - 3,
                   metrics.horizontalAdvance(label) + 8, metrics.height() + 2);
  QColor color = colorOf(a, kDefaultInkColor);
  color.setAlpha(230);
  painter.setPen(Qt::NoPen);
  painter.setBrush(color.lightness() > 170 ? color.darker(200) : color);
  painter.drawRoundedRect(tag, 4, 4);
  painter.setPen(Qt::white);
  painter.drawText(tag, Qt::AlignCenter, label);
  painter.restore();
}

}  // namespace

QRectF annotationBounds(const v1::Annotation& a) {
  QRectF bounds;
  if (a.kind() == v1::ANNOTATION_KIND_INK) {
    if (a.points().empty()) return {};
    qreal left = a.points(0).x(), right = left, top = a.points(0).y(), bottom = top;
    for (const v1::InkPoint& p : a.points()) {
      left = qMin<qreal>(left, p.x());
      right = qMax<qreal>(right, p.x());
      top = qMin<qreal>(top, p.y());
      bottom = qMax<qreal>(bottom, p.y());
    }
    const qreal pad = StrokeBuilder::widthAt(a.width() > 0 ? a.width() : 2, 1) / 2;
    return QRectF(QPointF(left, top), QPointF(right, bottom)).adjusted(-pad, -pad, pad, pad);
  }
  for (const v1::PageRect& r : a.rects()) {
    bounds = bounds.united(QRectF(r.x(), r.y(), r.width(), r.height()));
  }
  return bounds;
}

void paintAnnotation(QPainter& painter, const v1::Annotation& annotation, bool mine) {
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing);
  switch (annotation.kind()) {
    case v1::ANNOTATION_KIND_INK:
      paintInk(painter, annotation);
      break;
    case v1::ANNOTATION_KIND_HIGHLIGHT:
      paintHighlight(painter, annotation);
      break;
    case v1::ANNOTATION_KIND_NOTE:
      paintNote(painter, annotation);
      break;
    default:
      break;
  }
  if (!mine) paintAuthorTag(painter, annotation);
  painter.restore();
}

}  // namespace hopso::client
