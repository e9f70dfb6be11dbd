#include "client/viewer/stroke_builder.h"

#include <QLineF>

#include <cmath>
#include <vector>

namespace hopso::client {

namespace {

qreal clampPressure(qreal pressure) {
  // Devices without pressure report 0 or nothing; a drawn line needs ink.
  if (!(pressure > 0)) return 1;
  return qMin(pressure, 1.0);
}

// Error of `p` against the chord a..b: distance from the segment plus the
// width it would lose or gain if its pressure were interpolated instead.
qreal pointError(const StrokePoint& a, const StrokePoint& b, const StrokePoint& p,
                 qreal baseWidth) {
  const QPointF ab = b.pos - a.pos;
  const qreal length2 = QPointF::dotProduct(ab, ab);
  qreal t = 0;
  if (length2 > 0) t = qBound(0.0, QPointF::dotProduct(p.pos - a.pos, ab) / length2, 1.0);
  const QPointF onChord = a.pos + t * ab;
  const qreal distance = QLineF(onChord, p.pos).length();
  const qreal pressure = a.pressure + t * (b.pressure - a.pressure);
  const qreal widthError = std::abs(StrokeBuilder::widthAt(baseWidth, p.pressure) -
                                    StrokeBuilder::widthAt(baseWidth, pressure)) / 2;
  return qMax(distance, widthError);
}

}  // namespace

qreal StrokeBuilder::widthAt(qreal baseWidth, qreal pressure) {
  return baseWidth * (0.25 + 0.75 * std::sqrt(clampPressure(pressure)));
}

void StrokeBuilder::begin(QPointF pos, qreal pressure) {
  m_points.clear();
  m_active = true;
  m_smoothed = pos;
  m_smoothedPressure = clampPressure(pressure);
  m_lastRaw = StrokePoint{pos, float(m_smoothedPressure)};
  m_points.append(m_lastRaw);
}

bool StrokeBuilder::addPoint(QPointF pos, qreal pressure) {
  if (!m_active) return false;
  const qreal p = clampPressure(pressure);
  m_lastRaw = StrokePoint{pos, float(p)};
  const qreal keep = m_options.smoothing;
  m_smoothed = keep * m_smoothed + (1 - keep) * pos;
  m_smoothedPressure = keep * m_smoothedPressure + (1 - keep) * p;
  const StrokePoint& last = m_points.constLast();
  if (QLineF(last.pos, m_smoothed).length() < m_options.minDistance) return false;
  m_points.append(StrokePoint{m_smoothed, float(m_smoothedPressure)});
  return true;
}

QList<StrokePoint> StrokeBuilder::finish() {
  if (!m_active) return {};
  m_active = false;
  if (QLineF(m_points.constLast().pos, m_lastRaw.pos).length() > 0) m_points.append(m_lastRaw);
  qreal tolerance = m_options.tolerance;
  QList<StrokePoint> result = simplify(m_points, tolerance, m_options.baseWidth);
  while (result.size() > kMaxPoints) {
    tolerance *= 2;
    result = simplify(m_points, tolerance, m_options.baseWidth);
  }
  m_points.clear();
  return result;
}

void StrokeBuilder::cancel() {
  m_active = false;
  m_points.clear();
}

QRectF StrokeBuilder::lastSegmentBounds() const {
  if (m_points.isEmpty()) return {};
  const StrokePoint& b = m_points.constLast();
  const StrokePoint& a = m_points.size() > 1 ? m_points.at(m_points.size() - 2) : b;
  const qreal pad = widthAt(m_options.baseWidth, qMax(a.pressure, b.pressure)) / 2 + 1;
  return QRectF(a.pos, b.pos).normalized().adjusted(-pad, -pad, pad, pad);
}

QList<StrokePoint> StrokeBuilder::simplify(const QList<StrokePoint>& points, qreal tolerance,
                                           qreal baseWidth) {
  // Douglas–Peucker is quadratic on a zigzag; pieces of kPiece points keep
  // any stroke linear in its length, at the cost of keeping a point per
  // piece boundary.
  constexpr qsizetype kPiece = 512;
  const qsizetype n = points.size();
  if (n <= 2) return points;
  std::vector<bool> keep(size_t(n), false);
  std::vector<std::pair<qsizetype, qsizetype>> ranges;  // an explicit stack
  for (qsizetype start = 0; start < n - 1; start += kPiece) {
    const qsizetype end = qMin(start + kPiece, n - 1);
    keep[size_t(start)] = keep[size_t(end)] = true;
    ranges.emplace_back(start, end);
  }
  while (!ranges.empty()) {
    const auto [first, last] = ranges.back();
    ranges.pop_back();
    qreal worst = -1;
    qsizetype worstIndex = -1;
    for (qsizetype i = first + 1; i < last; ++i) {
      const qreal error = pointError(points[first], points[last], points[i], baseWidth);
      if (error > worst) {
        worst = error;
        worstIndex = i;
      }
    }
    if (worstIndex >= 0 && worst > tolerance) {
      keep[size_t(worstIndex)] = true;
      ranges.emplace_back(first, worstIndex);
      ranges.emplace_back(worstIndex, last);
    }
  }
  QList<StrokePoint> out;
  for (qsizetype i = 0; i < n; ++i) {
    if (keep[size_t(i)]) out.append(points[i]);
  }
  return out;
}

}  // namespace hopso::client
