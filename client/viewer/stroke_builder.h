// Turning pointer samples into an ink stroke worth storing.
#ifndef HOPSO_CLIENT_VIEWER_STROKE_BUILDER_H_
#define HOPSO_CLIENT_VIEWER_STROKE_BUILDER_H_

#include <QList>
#include <QPointF>
#include <QRectF>

namespace hopso::client {

// One point of a stroke: PDF points, origin at the page's top-left corner
// (annotation.proto's InkPoint), pressure 0..1.
struct StrokePoint {
  QPointF pos;
  float pressure = 1;
};

// StrokeBuilder
//
// Per-point ink processing. Samples arrive in page coordinates as the pen
// moves; each is smoothed (an exponential filter on position and pressure,
// which takes out the jitter of a stylus digitiser and of finger centroids
// without visible lag at writing speed) and kept only if it moved far enough
// from the last kept point. finish() adds the exact last sample (the stroke
// ends where the pen lifted) and simplifies with Ramer–Douglas–Peucker,
// where the error of a dropped point counts both its distance from the line
// and how far its width would differ, so pressure changes survive. The
// result has at most kMaxPoints points (the protocol's limit).
//
//   StrokeBuilder stroke;
//   stroke.begin(p0, pressure0);
//   for (...) stroke.addPoint(p, pressure);   // draw stroke.points() live
//   QList<StrokePoint> points = stroke.finish();
class StrokeBuilder {
 public:
  static constexpr int kMaxPoints = 10000;

  struct Options {
    // 0 = raw samples, towards 1 = heavier smoothing.
    qreal smoothing = 0.45;
    // Points closer than this (PDF points) to the last kept one are merged.
    qreal minDistance = 0.4;
    // Largest error a simplified stroke may have, in PDF points.
    qreal tolerance = 0.2;
    // Stroke width, to weigh pressure changes against position error.
    qreal baseWidth = 2;
  };

  StrokeBuilder() = default;
  explicit StrokeBuilder(const Options& options) : m_options(options) {}

  void setOptions(const Options& options) { m_options = options; }
  const Options& options() const { return m_options; }

  void begin(QPointF pos, qreal pressure);
  // True when the sample changed the stroke (worth a repaint).
  bool addPoint(QPointF pos, qreal pressure);
  QList<StrokePoint> finish();
  void cancel();

  bool isActive() const { return m_active; }
  // The stroke so far, smoothed but not simplified.
  const QList<StrokePoint>& points() const { return m_points; }
  // Where the last addPoint() drew, padded by the stroke's width.
  QRectF lastSegmentBounds() const;

  // The drawn width for a pressure: light touches still show, and full
  // pressure (or a mouse, or a finger) gives the chosen width.
  static qreal widthAt(qreal baseWidth, qreal pressure);

  // Ramer–Douglas–Peucker as described above; exposed for tests.
  static QList<StrokePoint> simplify(const QList<StrokePoint>& points, qreal tolerance,
                                     qreal baseWidth);

 private:
  Options m_options;
  QList<StrokePoint> m_points;
  QPointF m_smoothed;
  qreal m_smoothedPressure = 1;
  StrokePoint m_lastRaw;
  bool m_active = false;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_VIEWER_STROKE_BUILDER_H_
