#include "client/viewer/pdf_view.h"

#include <QKeyEvent>
#include <QLoggingCategory>
#include <QMouseEvent>
#include <QNativeGestureEvent>
#include <QPainter>
#include <QPdfDocument>
#include <QPdfLink>
#include <QPdfSearchModel>
#include <QPdfSelection>
#include <QTabletEvent>
#include <QToolButton>
#include <QTouchEvent>
#include <QUndoStack>
#include <QWheelEvent>

#include <algorithm>

#include <cmath>

#include "client/model/annotation_model.h"
#include "client/viewer/annotation_painter.h"
#include "client/viewer/note_dialog.h"
#include "client/viewer/page_renderer.h"

namespace hopso::client {

Q_LOGGING_CATEGORY(lcView, "hopso.viewer")

namespace {

constexpr qreal kMargin = 8;            // grey around the page, logical px
constexpr qint64 kMaxPixels = 16 << 20;  // beyond this a page is scaled up, not rendered
constexpr int kSettleMs = 120;
constexpr qreal kZoomStep = 1.25;
constexpr qreal kEraserRadius = 10;   // logical px
constexpr qreal kTapSlop = 12;        // logical px a tap may wander
constexpr qreal kMinHighlight = 3;    // points
constexpr qreal kHighlightLine = 12;  // points, height of a highlight with no text under it
const QColor kBackground(0x4a, 0x4f, 0x57);

QString documentError(QPdfDocument::Error error) {
  switch (error) {
    case QPdfDocument::Error::FileNotFound:
      return PdfView::tr("the file was not found");
    case QPdfDocument::Error::InvalidFileFormat:
      return PdfView::tr("it is not a valid PDF file");
    case QPdfDocument::Error::IncorrectPassword:
    case QPdfDocument::Error::UnsupportedSecurityScheme:
      return PdfView::tr("it is protected by a password");
    default:
      return PdfView::tr("it cannot be read");
  }
}

QPointF clampToPage(QPointF p, QSizeF size) {
  return QPointF(qBound(0.0, p.x(), size.width()), qBound(0.0, p.y(), size.height()));
}

}  // namespace

PdfView::PdfView(QWidget* parent)
    : QWidget(parent),
      m_document(new QPdfDocument(this)),
      m_search(new QPdfSearchModel(this)),
      m_renderer(new PageRenderer(this)),
      m_inkColor(QColor::fromRgba(kDefaultInkColor)),
      m_highlightColor(QColor::fromRgba(kDefaultHighlightColor)),
      m_previousButton(new QToolButton(this)),
      m_nextButton(new QToolButton(this)) {
  setAttribute(Qt::WA_AcceptTouchEvents);
  setAttribute(Qt::WA_OpaquePaintEvent);
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(false);
  setMinimumSize(200, 200);

  m_search->setDocument(m_document);
  connect(m_search, &QAbstractItemModel::rowsInserted, this,
          [this] { emit searchResultsChanged(searchResultCount()); });
  connect(m_search, &QAbstractItemModel::modelReset, this,
          [this] { emit searchResultsChanged(searchResultCount()); });
  m_scan.setInterval(0);
  connect(&m_scan, &QTimer::timeout, this, &PdfView::scanStep);

  connect(m_renderer, &PageRenderer::rendered, this, &PdfView::onRendered);
  connect(m_renderer, &PageRenderer::failed, this, &PdfView::errorOccurred);
  connect(m_renderer, &PageRenderer::pageSizesRead, this, [this](const QVector<QSizeF>& sizes) {
    if (sizes.size() != m_pageSizes.size()) return;
    for (int page = 0; page < sizes.size(); ++page) {
      if (!m_pageSizes[page].isValid()) m_pageSizes[page] = sizes[page];
    }
  });
  m_settle.setSingleShot(true);
  m_settle.setInterval(kSettleMs);
  connect(&m_settle, &QTimer::timeout, this, [this] {
    // Sizes asked for while zooming or resizing are of no use any more.
    m_renderer->cancelPending();
    requestPages();
    update();
  });

  for (QToolButton* button : {m_previousButton, m_nextButton}) {
    button->setFixedSize(52, 52);
    button->setAutoRaise(true);
    button->setFocusPolicy(Qt::NoFocus);
    button->setIconSize(QSize(28, 28));
  }
  m_previousButton->setArrowType(Qt::LeftArrow);
  m_previousButton->setToolTip(tr("Previous page"));
  m_previousButton->setAccessibleName(tr("Previous page"));
  m_nextButton->setArrowType(Qt::RightArrow);
  m_nextButton->setToolTip(tr("Next page"));
  m_nextButton->setAccessibleName(tr("Next page"));
  connect(m_previousButton, &QToolButton::clicked, this, &PdfView::previousPage);
  connect(m_nextButton, &QToolButton::clicked, this, &PdfView::nextPage);
  updateButtons();
}

PdfView::~PdfView() = default;

bool PdfView::open(const QString& path) {
  closeDocument();
  const QPdfDocument::Error error = m_document->load(path);
  if (error != QPdfDocument::Error::None) {
    m_document->close();
    emit errorOccurred(tr("Cannot open the document: %1.").arg(documentError(error)));
    emit documentChanged();
    return false;
  }
  m_path = path;
  const int pages = m_document->pageCount();
  // Sizes are read when first needed: asking pdfium for all of them costs
  // more than rendering the first page.
  m_pageSizes.fill(QSizeF(), pages);
  m_page = 0;
  m_offset = QPointF(kMargin, kMargin);
  clampOffset();
  // The sizes for the first requests, read before the worker starts on the
  // file: pdfium serves one thread at a time.
  for (int page = 0; page < qMin(pages, 3); ++page) pagePointSize(page);
  m_renderer->setDocument(path);
  requestPages();
  updateButtons();
  update();
  qCInfo(lcView) << "opened" << path << pages << "pages";
  emit documentChanged();
  emit currentPageChanged(0);
  return true;
}

void PdfView::closeDocument() {
  cancelGesture();
  m_scan.stop();
  m_search->setSearchString(QString());
  m_hitPage = m_hitIndex = -1;
  m_renderer->setDocument(QString());
  m_document->close();
  m_cache.clear();
  m_textLines.clear();
  m_pageSizes.clear();
  m_composed = QImage();
  m_composedValid = false;
  m_path.clear();
  m_page = 0;
  updateButtons();
  update();
}

QSizeF PdfView::pagePointSize(int page) const {
  if (page < 0 || page >= m_pageSizes.size()) return {};
  QSizeF& size = m_pageSizes[page];
  if (!size.isValid()) size = m_document->pagePointSize(page);
  return size;
}

void PdfView::setAnnotationModel(AnnotationModel* model) {
  if (m_model) disconnect(m_model, nullptr, this, nullptr);
  cancelGesture();
  m_model = model;
  if (m_model) {
    connect(m_model, &AnnotationModel::pageChanged, this, &PdfView::onModelPageChanged);
    connect(m_model, &QObject::destroyed, this, [this] {
      m_composedValid = false;
      update();
    });
  }
  m_composedValid = false;
  update();
}

// ---------------------------------------------------------------------------
// Layout

qreal PdfView::fitScale(FitMode mode, int page, QSizeF viewport) const {
  const QSizeF size = pagePointSize(page);
  if (size.isEmpty()) return 1;
  if (viewport.isEmpty()) viewport = this->size();
  const qreal byWidth = qMax(1.0, viewport.width() - 2 * kMargin) / size.width();
  const qreal byHeight = qMax(1.0, viewport.height() - 2 * kMargin) / size.height();
  return mode == FitMode::FitPage ? qMin(byWidth, byHeight) : byWidth;
}

qreal PdfView::scaleFor(int page) const {
  return m_fitMode == FitMode::Custom ? m_zoom : fitScale(m_fitMode, page);
}

QRectF PdfView::pageRectFor(int page) const {
  const QSizeF size = pagePointSize(page) * scaleFor(page);
  // A page smaller than the widget is centred; a larger one sits where
  // panning put it (m_offset, kept within bounds by clampOffset()).
  const qreal x = size.width() + 2 * kMargin <= width() ? (width() - size.width()) / 2
                                                        : m_offset.x();
  const qreal y = size.height() + 2 * kMargin <= height() ? (height() - size.height()) / 2
                                                          : m_offset.y();
  return QRectF(QPointF(x, y), size);
}

QRectF PdfView::pageRect() const { return pageRectFor(m_page); }

void PdfView::clampOffset() {
  const QSizeF size = pagePointSize(m_page) * scaleFor(m_page);
  m_offset.setX(qBound(qMin(kMargin, width() - size.width() - kMargin), m_offset.x(), kMargin));
  m_offset.setY(
      qBound(qMin(kMargin, height() - size.height() - kMargin), m_offset.y(), kMargin));
}

QPointF PdfView::mapToPage(QPointF widgetPos) const {
  const QRectF rect = pageRect();
  return (widgetPos - rect.topLeft()) / scaleFor(m_page);
}

QPointF PdfView::mapFromPage(QPointF pagePos) const {
  return pageRect().topLeft() + pagePos * scaleFor(m_page);
}

QSize PdfView::renderSize(int page) const {
  const QSizeF size = pagePointSize(page) * scaleFor(page) * devicePixelRatioF();
  qreal w = size.width(), h = size.height();
  if (w * h > kMaxPixels) {
    const qreal shrink = std::sqrt(kMaxPixels / (w * h));
    w *= shrink;
    h *= shrink;
  }
  return QSize(qMax(1, qRound(w)), qMax(1, qRound(h)));
}

bool PdfView::isPageSharp() const {
  return !m_pageSizes.isEmpty() && m_cache.contains(m_page, renderSize(m_page));
}

void PdfView::resizeEvent(QResizeEvent* event) {
  // Keep the spot at the centre of the old view at the centre of the new
  // one (turning the tablet should not lose the line being read); a page
  // whose top was in view keeps its top in view.
  const QSizeF oldView = event->oldSize();
  if (!m_pageSizes.isEmpty() && !oldView.isEmpty()) {
    const qreal oldScale =
        m_fitMode == FitMode::Custom ? m_zoom : fitScale(m_fitMode, m_page, oldView);
    const QSizeF oldPage = pagePointSize(m_page) * oldScale;
    const QPointF oldTopLeft(
        oldPage.width() + 2 * kMargin <= oldView.width() ? (oldView.width() - oldPage.width()) / 2
                                                         : m_offset.x(),
        oldPage.height() + 2 * kMargin <= oldView.height()
            ? (oldView.height() - oldPage.height()) / 2
            : m_offset.y());
    const QPointF anchor =
        (QPointF(oldView.width() / 2, oldView.height() / 2) - oldTopLeft) / oldScale;
    m_offset = QPointF(width() / 2.0, height() / 2.0) - anchor * scaleFor(m_page);
    if (oldTopLeft.y() >= 0) m_offset.setY(kMargin);
  }
  QWidget::resizeEvent(event);
  const int y = height() - m_nextButton->height() - 8;
  m_previousButton->move(8, y);
  m_nextButton->move(width() - m_nextButton->width() - 8, y);
  clampOffset();
  m_composedValid = false;
  if (m_pageSizes.isEmpty()) return;
  if (m_cache.anyForPage(m_page).isNull()) {
    // Nothing to stretch meanwhile (a document opened before its window
    // was laid out): render at the new size now.
    m_renderer->cancelPending();
    requestPages();
  } else {
    scheduleRender();
  }
}

// ---------------------------------------------------------------------------
// Pages, zoom, rendering

void PdfView::setCurrentPage(int page) { goToPage(page, false); }

void PdfView::nextPage() { goToPage(m_page + 1, false); }

void PdfView::previousPage() { goToPage(m_page - 1, false); }

void PdfView::goToPage(int page, bool atBottom) {
  if (page < 0 || page >= pageCount() || page == m_page) return;
  cancelGesture();
  m_page = page;
  m_offset.setY(atBottom ? -1e9 : kMargin);
  clampOffset();
  m_composedValid = false;
  // Prefetches around the old page are not worth waiting for any more;
  // the new ones are asked for once this page is on screen, so that on a
  // busy core the render thread does not compete with that paint.
  m_renderer->cancelPending();
  if (!isPageSharp()) requestPages();
  QTimer::singleShot(0, this, &PdfView::requestPages);
  updateButtons();
  update();
  emit currentPageChanged(page);
  if (m_fitMode == FitMode::FitPage || m_fitMode == FitMode::FitWidth) {
    // Pages of other sizes change the scale.
    emit zoomChanged(zoomFactor());
  }
}

void PdfView::setFitMode(FitMode mode) {
  if (mode == FitMode::Custom) {
    setZoomFactor(zoomFactor());
    return;
  }
  if (mode == m_fitMode) return;
  m_fitMode = mode;
  m_offset = QPointF(kMargin, kMargin);
  clampOffset();
  m_composedValid = false;
  requestPages();
  update();
  emit fitModeChanged(mode);
  emit zoomChanged(zoomFactor());
}

void PdfView::setZoomFactor(qreal factor) {
  zoomBy(factor / zoomFactor(), QPointF(width() / 2.0, height() / 2.0));
}

void PdfView::zoomIn() { zoomBy(kZoomStep, QPointF(width() / 2.0, height() / 2.0)); }

void PdfView::zoomOut() { zoomBy(1 / kZoomStep, QPointF(width() / 2.0, height() / 2.0)); }

void PdfView::zoomBy(qreal factor, QPointF anchor) {
  if (m_pageSizes.isEmpty() || !(factor > 0)) return;
  const QPointF under = mapToPage(anchor);
  const qreal before = zoomFactor();
  const qreal after = qBound(kMinZoom, before * factor, kMaxZoom);
  const bool modeChanged = m_fitMode != FitMode::Custom;
  m_fitMode = FitMode::Custom;
  m_zoom = after;
  m_offset = anchor - under * after;
  clampOffset();
  m_composedValid = false;
  scheduleRender();
  update();
  if (modeChanged) emit fitModeChanged(m_fitMode);
  if (!qFuzzyCompare(before, after)) emit zoomChanged(after);
}

void PdfView::scheduleRender() { m_settle.start(); }

void PdfView::requestPages() {
  if (m_pageSizes.isEmpty()) return;
  const qreal dpr = devicePixelRatioF();
  // The visible page first: the worker may start on whatever arrives first.
  const QSize size = renderSize(m_page);
  if (!m_cache.contains(m_page, size)) {
    m_renderer->request(m_page, size, dpr, PageRenderer::Priority::Visible);
  }
  // Prefetches: asked last, served first; the page after the current one is
  // the likely next, then the one before, then two ahead.
  for (const int page : {m_page + 2, m_page - 1, m_page + 1}) {
    if (page < 0 || page >= pageCount()) continue;
    const QSize neighbour = renderSize(page);
    if (!m_cache.contains(page, neighbour)) {
      m_renderer->request(page, neighbour, dpr, PageRenderer::Priority::Prefetch);
    }
  }
}

void PdfView::onRendered(int page, const QImage& image) {
  m_cache.insert(page, image);
  if (page != m_page) return;
  m_composedValid = false;
  update();
  if (image.size() == renderSize(m_page)) emit pageRendered(page);
}

void PdfView::onModelPageChanged(int page) {
  if (page != m_page) return;
  m_composedValid = false;
  update();
}

void PdfView::updateButtons() {
  m_previousButton->setEnabled(m_page > 0);
  m_nextButton->setEnabled(m_page + 1 < pageCount());
  m_previousButton->setVisible(pageCount() > 1);
  m_nextButton->setVisible(pageCount() > 1);
}

void PdfView::ensureVisible(const QRectF& pageArea) {
  const qreal scale = zoomFactor();
  const QRectF area(mapFromPage(pageArea.topLeft()), pageArea.size() * scale);
  QPointF shift;
  const QRectF view = QRectF(rect()).adjusted(kMargin * 4, kMargin * 4, -kMargin * 4,
                                              -kMargin * 4);
  if (area.left() < view.left()) shift.setX(view.left() - area.left());
  else if (area.right() > view.right()) shift.setX(view.right() - area.right());
  if (area.top() < view.top()) shift.setY(view.top() - area.top());
  else if (area.bottom() > view.bottom()) shift.setY(view.bottom() - area.bottom());
  panBy(shift);
}

void PdfView::panBy(QPointF delta) {
  const QRectF before = pageRect();
  m_offset = before.topLeft() + delta;
  clampOffset();
  if (pageRect() != before) update();
}

// ---------------------------------------------------------------------------
// Painting

QImage PdfView::composedPage(const QImage& page) {
  if (m_composedValid && m_composed.size() == page.size()) return m_composed;
  const QList<v1::Annotation> annotations =
      m_model ? m_model->annotationsOnPage(m_page) : QList<v1::Annotation>();
  if (annotations.isEmpty()) {
    m_composed = page;  // shared, no copy: most pages carry nothing
  } else {
    m_composed = page.copy();
    const qreal dpr = m_composed.devicePixelRatio();
    m_composed.setDevicePixelRatio(1);
    QPainter painter(&m_composed);
    const qreal perPoint = m_composed.width() / pagePointSize(m_page).width();
    painter.scale(perPoint, perPoint);
    for (const v1::Annotation& a : annotations) paintAnnotation(painter, a, m_model->isMine(a));
    painter.end();
    m_composed.setDevicePixelRatio(dpr);
  }
  m_composedValid = true;
  return m_composed;
}

void PdfView::paintAnnotationsDirect(QPainter& painter, const QRectF& target) {
  if (!m_model) return;
  painter.save();
  painter.translate(target.topLeft());
  const qreal scale = target.width() / pagePointSize(m_page).width();
  painter.scale(scale, scale);
  for (const v1::Annotation& a : m_model->annotationsOnPage(m_page)) {
    paintAnnotation(painter, a, m_model->isMine(a));
  }
  painter.restore();
}

void PdfView::paintEvent(QPaintEvent* event) {
  QPainter painter(this);
  if (m_pageSizes.isEmpty()) {
    painter.fillRect(event->rect(), kBackground);
    painter.setPen(Qt::white);
    painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, tr("No document is open."));
    return;
  }
  const QRectF target = pageRect();
  // Only what the page does not cover: while inking, the repainted area is
  // a few pixels inside the page, and this is paid for every pen sample.
  const QRegion around = event->region().subtracted(target.toAlignedRect());
  if (!around.isEmpty()) {
    for (const QRect& r : around) painter.fillRect(r, kBackground);
    // A hint of shadow along the right and bottom edges.
    const QColor shadow(0, 0, 0, 60);
    painter.fillRect(QRectF(target.right(), target.top() + 3, 2, target.height()), shadow);
    painter.fillRect(QRectF(target.left() + 2, target.bottom(), target.width(), 3), shadow);
  }

  const QImage exact = m_cache.find(m_page, renderSize(m_page));
  if (!exact.isNull()) {
    // Pixel for pixel at a device pixel: an unscaled blit, cheap enough to
    // repeat for every few pixels a pen moves (the image's own device pixel
    // ratio gives its logical size).
    const qreal dpr = devicePixelRatioF();
    painter.drawImage(QPointF(std::round(target.x() * dpr) / dpr, std::round(target.y() * dpr) / dpr),
                      composedPage(exact));
  } else {
    // While the right size renders: a cached one scaled, or blank paper.
    const QImage standIn = m_cache.anyForPage(m_page);
    if (standIn.isNull()) {
      painter.fillRect(target, Qt::white);
    } else {
      painter.setRenderHint(QPainter::SmoothPixmapTransform);
      painter.drawImage(target, standIn);
    }
    paintAnnotationsDirect(painter, target);
    if (!m_settle.isActive()) requestPages();
  }

  const qreal scale = zoomFactor();
  painter.save();
  painter.translate(target.topLeft());
  painter.scale(scale, scale);
  painter.setRenderHint(QPainter::Antialiasing);

  if (!m_search->searchString().isEmpty()) {
    const QList<QPdfLink> hits = m_search->resultsOnPage(m_page);
    for (int i = 0; i < hits.size(); ++i) {
      const bool current = m_page == m_hitPage && i == m_hitIndex;
      painter.setPen(current ? QPen(QColor(0xe0, 0x5a, 0x00), 1.2) : Qt::NoPen);
      for (const QRectF& r : hits[i].rectangles()) {
        painter.fillRect(r, current ? QColor(255, 140, 0, 110) : QColor(255, 200, 0, 80));
        if (current) painter.drawRect(r);
      }
    }
  }

  if (m_gesture == Gesture::Stroke) {
    const QList<StrokePoint>& points = m_stroke.points();
    QPen pen(m_inkColor, 1, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    // Only the segments that touch the area being repainted: a long stroke
    // repaints a small rectangle per new point.
    const QRectF dirty = QRectF(event->rect()).translated(-target.topLeft());
    const QRectF dirtyPoints(dirty.topLeft() / scale, dirty.size() / scale);
    if (points.size() == 1) {
      const qreal w = StrokeBuilder::widthAt(m_inkWidth, points[0].pressure);
      painter.setPen(Qt::NoPen);
      painter.setBrush(m_inkColor);
      painter.drawEllipse(points[0].pos, w / 2, w / 2);
    }
    // Consecutive segments of one width go out as one polyline: a stroker
    // pass each, instead of one per segment with two round caps.
    QPolygonF run;
    qreal runWidth = -1;
    auto flush = [&] {
      if (run.size() < 2) return;
      pen.setWidthF(runWidth);
      painter.setPen(pen);
      painter.drawPolyline(run);
    };
    for (int i = 1; i < points.size(); ++i) {
      const StrokePoint& a = points[i - 1];
      const StrokePoint& b = points[i];
      const qreal w = StrokeBuilder::widthAt(m_inkWidth, (a.pressure + b.pressure) / 2);
      if (!QRectF(a.pos, b.pos).normalized().adjusted(-w, -w, w, w).intersects(dirtyPoints)) {
        flush();
        run.clear();
        continue;
      }
      if (run.isEmpty() || !qFuzzyCompare(w, runWidth)) {
        flush();
        run = QPolygonF{a.pos};
        runWidth = w;
      }
      run.append(b.pos);
    }
    flush();
  } else if (m_gesture == Gesture::Highlight) {
    QColor color = m_highlightColor;
    color.setAlpha(qMin(color.alpha(), 0x73));
    painter.setCompositionMode(QPainter::CompositionMode_Multiply);
    painter.fillRect(QRectF(m_highlightStart, m_highlightEnd).normalized(), color);
  }
  painter.restore();
}

// ---------------------------------------------------------------------------
// Input

bool PdfView::event(QEvent* event) {
  switch (event->type()) {
    case QEvent::TouchBegin:
    case QEvent::TouchUpdate:
    case QEvent::TouchEnd:
    case QEvent::TouchCancel:
      return handleTouch(static_cast<QTouchEvent*>(event));
    case QEvent::NativeGesture: {
      auto* gesture = static_cast<QNativeGestureEvent*>(event);
      if (gesture->gestureType() == Qt::ZoomNativeGesture) {
        zoomBy(1 + gesture->value(), gesture->position());
        return true;
      }
      break;
    }
    default:
      break;
  }
  return QWidget::event(event);
}

bool PdfView::handleTouch(QTouchEvent* event) {
  event->accept();
  if (event->type() == QEvent::TouchCancel) {
    cancelGesture();
    return true;
  }
  QList<QPointF> down;
  for (const QEventPoint& point : event->points()) {
    if (point.state() != QEventPoint::Released) down.append(point.position());
  }
  if (down.size() >= 2) {
    const QPointF centre = (down[0] + down[1]) / 2;
    const qreal distance = QLineF(down[0], down[1]).length();
    if (m_gesture != Gesture::Pinch) {
      // A second finger turns whatever the first began into a pinch.
      cancelGesture();
      m_gesture = Gesture::Pinch;
      m_pinchStartDistance = qMax(1.0, distance);
      m_pinchStartScale = zoomFactor();
      m_pinchAnchor = mapToPage(centre);
      return true;
    }
    const qreal scale =
        qBound(kMinZoom, m_pinchStartScale * distance / m_pinchStartDistance, kMaxZoom);
    const bool modeChanged = m_fitMode != FitMode::Custom;
    m_fitMode = FitMode::Custom;
    m_zoom = scale;
    // The page point that was under the fingers follows them: zoom and pan.
    m_offset = centre - m_pinchAnchor * scale;
    clampOffset();
    m_composedValid = false;
    scheduleRender();
    update();
    if (modeChanged) emit fitModeChanged(m_fitMode);
    emit zoomChanged(scale);
    return true;
  }
  if (m_gesture == Gesture::Pinch) {
    // Lifting one finger of two ends the pinch; the other does nothing
    // until it is lifted too.
    if (event->type() == QEvent::TouchEnd) m_gesture = Gesture::None;
    return true;
  }
  if (event->points().isEmpty()) return true;
  const QEventPoint& point = event->points().constFirst();
  switch (event->type()) {
    case QEvent::TouchBegin:
      pointerPress(point.position(), 1, false, true);
      break;
    case QEvent::TouchUpdate:
      pointerMove(point.position(), 1);
      break;
    case QEvent::TouchEnd:
      pointerRelease(point.position());
      break;
    default:
      break;
  }
  return true;
}

void PdfView::mousePressEvent(QMouseEvent* event) {
  // Touch and stylus are handled from their own events.
  if (event->source() != Qt::MouseEventNotSynthesized || event->button() != Qt::LeftButton) {
    event->ignore();
    return;
  }
  pointerPress(event->position(), 1, false, false);
}

void PdfView::mouseMoveEvent(QMouseEvent* event) {
  if (event->source() != Qt::MouseEventNotSynthesized) return;
  pointerMove(event->position(), 1);
}

void PdfView::mouseReleaseEvent(QMouseEvent* event) {
  if (event->source() != Qt::MouseEventNotSynthesized || event->button() != Qt::LeftButton) {
    return;
  }
  pointerRelease(event->position());
}

void PdfView::tabletEvent(QTabletEvent* event) {
  event->accept();
  m_stylusSeen = true;
  switch (event->type()) {
    case QEvent::TabletPress:
      m_tabletDown = true;
      pointerPress(event->position(), event->pressure(),
                   event->pointerType() == QPointingDevice::PointerType::Eraser, false);
      break;
    case QEvent::TabletMove:
      if (m_tabletDown) pointerMove(event->position(), event->pressure());
      break;
    case QEvent::TabletRelease:
      m_tabletDown = false;
      pointerRelease(event->position());
      break;
    default:
      break;
  }
}

void PdfView::pointerPress(QPointF pos, qreal pressure, bool eraserEnd, bool fromTouch) {
  if (m_pageSizes.isEmpty()) return;
  cancelGesture();
  m_pressPos = m_lastPos = pos;
  m_pressOffset = pageRect().topLeft();
  m_pressTime.start();
  setFocus(Qt::MouseFocusReason);

  Tool tool = eraserEnd ? Tool::Eraser : m_tool;
  // Once a stylus has been used, a finger pans: a resting palm must not draw.
  if (fromTouch && m_stylusSeen) tool = Tool::Pan;
  // Without a model there is nothing to annotate into.
  if (!m_model && tool != Tool::Pan) tool = Tool::Pan;
  const QPointF pagePos = mapToPage(pos);
  const bool onPage = QRectF(QPointF(), pagePointSize(m_page)).contains(pagePos);

  switch (tool) {
    case Tool::Ink:
      if (!onPage) break;
      m_stroke.setOptions({.smoothing = 0.45,
                           .minDistance = qMin(0.4, 0.75 / zoomFactor()),
                           .tolerance = qMin(0.2, 0.4 / zoomFactor()),
                           .baseWidth = m_inkWidth});
      m_stroke.begin(pagePos, pressure);
      m_gesture = Gesture::Stroke;
      update(QRectF(mapFromPage(m_stroke.lastSegmentBounds().topLeft()),
                    m_stroke.lastSegmentBounds().size() * zoomFactor())
                 .toAlignedRect());
      return;
    case Tool::Highlighter:
      if (!onPage) break;
      m_highlightStart = m_highlightEnd = pagePos;
      m_gesture = Gesture::Highlight;
      return;
    case Tool::Note:
      m_gesture = Gesture::NoteTap;
      return;
    case Tool::Eraser:
      m_gesture = Gesture::Erase;
      eraseAt(pos);
      return;
    case Tool::Pan:
      break;
  }
  m_gesture = Gesture::Pan;
}

void PdfView::pointerMove(QPointF pos, qreal pressure) {
  const QPointF previous = m_lastPos;
  m_lastPos = pos;
  switch (m_gesture) {
    case Gesture::Pan:
      m_offset = m_pressOffset + (pos - m_pressPos);
      clampOffset();
      update();
      break;
    case Gesture::Stroke:
      if (m_stroke.addPoint(clampToPage(mapToPage(pos), pagePointSize(m_page)), pressure)) {
        const QRectF bounds = m_stroke.lastSegmentBounds();
        update(QRectF(mapFromPage(bounds.topLeft()), bounds.size() * zoomFactor())
                   .toAlignedRect()
                   .adjusted(-2, -2, 2, 2));
      }
      break;
    case Gesture::Highlight: {
      const QRectF before = QRectF(m_highlightStart, m_highlightEnd).normalized();
      m_highlightEnd = clampToPage(mapToPage(pos), pagePointSize(m_page));
      const QRectF area = before.united(QRectF(m_highlightStart, m_highlightEnd).normalized());
      update(QRectF(mapFromPage(area.topLeft()), area.size() * zoomFactor())
                 .toAlignedRect()
                 .adjusted(-2, -2, 2, 2));
      break;
    }
    case Gesture::Erase: {
      // Erase along the path, not only where move events happen to land.
      const qreal step = kEraserRadius / 2;
      const int steps = qMax(1, int(QLineF(previous, pos).length() / step));
      for (int i = 1; i <= steps; ++i) eraseAt(previous + (pos - previous) * i / steps);
      break;
    }
    default:
      break;
  }
}

void PdfView::pointerRelease(QPointF pos) {
  const Gesture gesture = m_gesture;
  switch (gesture) {
    case Gesture::Pan: {
      m_gesture = Gesture::None;
      // A quick horizontal flick turns the page, unless the page was being
      // panned sideways (zoomed in, not yet at its edge).
      const QPointF moved = pos - m_pressPos;
      const bool horizontal = std::abs(moved.x()) > qMax(48.0, width() * 0.1) &&
                              std::abs(moved.x()) > 1.5 * std::abs(moved.y());
      const bool panned = pageRect().left() != m_pressOffset.x();
      if (horizontal && !panned && m_pressTime.elapsed() < 800) {
        if (moved.x() < 0) {
          nextPage();
        } else {
          previousPage();
        }
      } else if (QLineF(pos, m_pressPos).length() < kTapSlop) {
        if (const v1::Annotation* note = noteAt(mapToPage(pos))) openNote(note, {});
      }
      break;
    }
    case Gesture::Stroke:
      finishStroke();
      break;
    case Gesture::Highlight:
      finishHighlight();
      break;
    case Gesture::NoteTap:
      m_gesture = Gesture::None;
      if (QLineF(pos, m_pressPos).length() < kTapSlop) tapNote(pos);
      break;
    case Gesture::Erase:
      m_gesture = Gesture::None;
      if (m_eraseMacro && m_model) m_model->undoStack()->endMacro();
      m_eraseMacro = false;
      break;
    default:
      m_gesture = Gesture::None;
      break;
  }
}

void PdfView::cancelGesture() {
  if (m_gesture == Gesture::Erase && m_eraseMacro && m_model) m_model->undoStack()->endMacro();
  m_eraseMacro = false;
  if (m_gesture == Gesture::Stroke || m_gesture == Gesture::Highlight) update();
  m_stroke.cancel();
  m_gesture = Gesture::None;
}

void PdfView::finishStroke() {
  m_gesture = Gesture::None;
  const QList<StrokePoint> points = m_stroke.finish();
  update();
  if (!m_model || points.isEmpty()) return;
  v1::Annotation ink;
  ink.set_page(m_page);
  ink.set_kind(v1::ANNOTATION_KIND_INK);
  ink.set_color(m_inkColor.rgba());
  ink.set_width(float(m_inkWidth));
  for (const StrokePoint& p : points) {
    v1::InkPoint* point = ink.add_points();
    point->set_x(float(p.pos.x()));
    point->set_y(float(p.pos.y()));
    point->set_pressure(p.pressure);
  }
  m_model->add(std::move(ink));
}

void PdfView::finishHighlight() {
  m_gesture = Gesture::None;
  update();
  if (!m_model) return;
  const QRectF dragged = QRectF(m_highlightStart, m_highlightEnd).normalized();
  if (dragged.width() < kMinHighlight && dragged.height() < kMinHighlight) return;
  QList<QRectF> rects = textLines(m_page, m_highlightStart, m_highlightEnd);
  if (rects.isEmpty()) {
    QRectF r = dragged;
    if (r.height() < kMinHighlight) {
      r = QRectF(r.left(), r.center().y() - kHighlightLine / 2, r.width(), kHighlightLine);
    }
    rects.append(r);
  }
  v1::Annotation highlight;
  highlight.set_page(m_page);
  highlight.set_kind(v1::ANNOTATION_KIND_HIGHLIGHT);
  highlight.set_color(m_highlightColor.rgba());
  for (const QRectF& r : rects) {
    v1::PageRect* out = highlight.add_rects();
    out->set_x(float(r.x()));
    out->set_y(float(r.y()));
    out->set_width(float(r.width()));
    out->set_height(float(r.height()));
  }
  m_model->add(std::move(highlight));
}

const QVector<PdfView::TextLine>& PdfView::textLinesOf(int page) const {
  auto it = m_textLines.find(page);
  if (it != m_textLines.end()) return *it;
  // QtPdf gives a box per character in reading order; consecutive boxes
  // whose middles share a band form a line.
  QVector<TextLine> lines;
  for (const QPolygonF& glyph : m_document->getAllText(page).bounds()) {
    const QRectF box = glyph.boundingRect();
    if (box.isEmpty()) continue;
    if (!lines.isEmpty() && box.center().y() >= lines.last().box.top() &&
        box.center().y() <= lines.last().box.bottom() && box.left() >= lines.last().box.left()) {
      lines.last().box = lines.last().box.united(box);
      lines.last().glyphs.append(box);
    } else {
      lines.append(TextLine{box, {box}});
    }
  }
  return *m_textLines.insert(page, lines);
}

QList<QRectF> PdfView::textLines(int page, QPointF from, QPointF to) const {
  // Like a marker on paper: the lines the drag crosses, from the letter
  // under its start to the letter under its end, whole lines in between.
  // Worked out here from the page's character boxes rather than with
  // QPdfDocument::getSelection, which gives nothing when an end lies in the
  // margin and costs a text lookup per try.
  const QVector<TextLine>& lines = textLinesOf(page);
  const qreal top = qMin(from.y(), to.y());
  const qreal bottom = qMax(from.y(), to.y());
  QVector<const TextLine*> crossed;
  for (const TextLine& line : lines) {
    if (line.box.bottom() >= top && line.box.top() <= bottom) crossed.append(&line);
  }
  std::sort(crossed.begin(), crossed.end(),
            [](const TextLine* a, const TextLine* b) { return a->box.top() < b->box.top(); });
  QList<QRectF> out;
  if (crossed.isEmpty()) return out;
  const QPointF first = from.y() <= to.y() ? from : to;
  const QPointF last = from.y() <= to.y() ? to : from;
  for (int i = 0; i < crossed.size(); ++i) {
    qreal left = -1e9, right = 1e9;
    if (crossed.size() == 1) {
      left = qMin(from.x(), to.x());
      right = qMax(from.x(), to.x());
    } else if (i == 0) {
      left = first.x();
    } else if (i == crossed.size() - 1) {
      right = last.x();
    }
    QRectF covered;
    for (const QRectF& glyph : crossed[i]->glyphs) {
      if (glyph.right() >= left && glyph.left() <= right) covered = covered.united(glyph);
    }
    if (!covered.isEmpty()) out.append(covered);
  }
  return out;
}

void PdfView::eraseAt(QPointF pos) {
  if (!m_model) return;
  const QString id = m_model->hitTest(m_page, mapToPage(pos), kEraserRadius / zoomFactor());
  if (id.isEmpty()) return;
  // One undo step for everything a drag erases.
  if (!m_eraseMacro) {
    m_model->undoStack()->beginMacro(tr("Erase"));
    m_eraseMacro = true;
  }
  m_model->remove(id);
}

const v1::Annotation* PdfView::noteAt(QPointF pagePos) const {
  if (!m_model) return nullptr;
  const QList<v1::Annotation> annotations = m_model->annotationsOnPage(m_page);
  const qreal slop = kTapSlop / zoomFactor();
  for (auto it = annotations.crbegin(); it != annotations.crend(); ++it) {
    if (it->kind() != v1::ANNOTATION_KIND_NOTE || it->rects().empty()) continue;
    const v1::PageRect& r = it->rects(0);
    if (QRectF(r.x(), r.y(), r.width(), r.height())
            .adjusted(-slop, -slop, slop, slop)
            .contains(pagePos)) {
      return m_model->annotation(QString::fromStdString(it->id()));
    }
  }
  return nullptr;
}

void PdfView::tapNote(QPointF pos) {
  const QPointF pagePos = mapToPage(pos);
  if (const v1::Annotation* note = noteAt(pagePos)) {
    openNote(note, {});
    return;
  }
  if (!QRectF(QPointF(), pagePointSize(m_page)).contains(pagePos)) return;
  openNote(nullptr, pagePos);
}

void PdfView::openNote(const v1::Annotation* existing, QPointF pagePos) {
  if (!m_model) return;
  const bool mine = !existing || m_model->isMine(*existing);
  const QString id = existing ? QString::fromStdString(existing->id()) : QString();
  auto* dialog = new NoteDialog(existing ? QString::fromStdString(existing->text()) : QString(),
                                mine, existing != nullptr,
                                existing ? QString::fromStdString(existing->author_name())
                                         : QString(),
                                this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  const QPointer<AnnotationModel> model = m_model;
  const int page = m_page;
  const QSizeF pageSize = pagePointSize(page);
  connect(dialog, &QDialog::accepted, this, [this, dialog, model, id, page, pagePos, pageSize] {
    if (!model || model != m_model) return;
    if (!id.isEmpty()) {
      if (dialog->deleteRequested()) {
        model->remove(id);
      } else {
        model->editNote(id, dialog->text());
      }
      return;
    }
    if (dialog->text().trimmed().isEmpty()) return;
    // The icon sits with its top-left corner at the tap, inside the page.
    const QPointF corner(qBound(0.0, pagePos.x(), pageSize.width() - kNoteIconSize),
                         qBound(0.0, pagePos.y(), pageSize.height() - kNoteIconSize));
    v1::Annotation note;
    note.set_page(page);
    note.set_kind(v1::ANNOTATION_KIND_NOTE);
    note.set_color(kDefaultNoteColor);
    note.set_text(dialog->text().toStdString());
    v1::PageRect* r = note.add_rects();
    r->set_x(float(corner.x()));
    r->set_y(float(corner.y()));
    r->set_width(float(kNoteIconSize));
    r->set_height(float(kNoteIconSize));
    model->add(std::move(note));
  });
  dialog->open();
}

void PdfView::setTool(Tool tool) {
  if (tool == m_tool) return;
  cancelGesture();
  m_tool = tool;
  setCursor(tool == Tool::Pan ? Qt::OpenHandCursor : Qt::CrossCursor);
  emit toolChanged(tool);
}

void PdfView::wheelEvent(QWheelEvent* event) {
  if (m_pageSizes.isEmpty()) return;
  const QPoint angle = event->angleDelta();
  if (event->modifiers() & Qt::ControlModifier) {
    // 120 units (one notch) = ×1.2.
    zoomBy(std::pow(1.2, angle.y() / 120.0), event->position());
    return;
  }
  const QPointF delta = !event->pixelDelta().isNull() ? QPointF(event->pixelDelta())
                                                      : QPointF(angle) / 120.0 * 60.0;
  const QRectF before = pageRect();
  panBy(delta);
  if (pageRect() != before) {
    m_wheelAccumulated = 0;
    return;
  }
  // At the page's edge, further scrolling turns the page (a notch's worth,
  // so that a trackpad's inertia does not flip through several).
  m_wheelAccumulated += angle.y();
  if (m_wheelAccumulated <= -120) {
    m_wheelAccumulated = 0;
    goToPage(m_page + 1, false);
  } else if (m_wheelAccumulated >= 120) {
    m_wheelAccumulated = 0;
    goToPage(m_page - 1, true);
  }
}

void PdfView::keyPressEvent(QKeyEvent* event) {
  if (event->matches(QKeySequence::ZoomIn) ||
      (event->modifiers() & Qt::ControlModifier && event->key() == Qt::Key_Equal)) {
    zoomIn();
    return;
  }
  if (event->matches(QKeySequence::ZoomOut)) {
    zoomOut();
    return;
  }
  const qreal step = height() * 0.15;
  switch (event->key()) {
    case Qt::Key_Right:
    case Qt::Key_PageDown:
    case Qt::Key_Space:
      nextPage();
      return;
    case Qt::Key_Left:
    case Qt::Key_PageUp:
    case Qt::Key_Backspace:
      previousPage();
      return;
    case Qt::Key_Home:
      setCurrentPage(0);
      return;
    case Qt::Key_End:
      setCurrentPage(pageCount() - 1);
      return;
    case Qt::Key_Down:
    case Qt::Key_Up: {
      const QRectF before = pageRect();
      const bool down = event->key() == Qt::Key_Down;
      panBy(QPointF(0, down ? -step : step));
      if (pageRect() == before) goToPage(m_page + (down ? 1 : -1), !down);
      return;
    }
    case Qt::Key_0:
      if (event->modifiers() & Qt::ControlModifier) {
        setFitMode(FitMode::FitWidth);
        return;
      }
      break;
    case Qt::Key_Escape:
      cancelGesture();
      return;
    default:
      break;
  }
  QWidget::keyPressEvent(event);
}

// ---------------------------------------------------------------------------
// Search

void PdfView::searchText(const QString& text) {
  m_scan.stop();
  m_hitPage = m_hitIndex = -1;
  m_search->setSearchString(text);
  update();
  emit searchHitChanged(-1);
  if (text.isEmpty() || m_pageSizes.isEmpty()) return;
  m_scanPage = m_page;
  m_scanLeft = pageCount();
  m_scan.start();
}

QString PdfView::searchString() const { return m_search->searchString(); }

int PdfView::searchResultCount() const { return m_search->rowCount(QModelIndex()); }

QRectF PdfView::searchHitRect() const {
  if (m_hitPage < 0) return {};
  const QList<QPdfLink> hits = m_search->resultsOnPage(m_hitPage);
  if (m_hitIndex < 0 || m_hitIndex >= hits.size()) return {};
  QRectF area;
  for (const QRectF& r : hits[m_hitIndex].rectangles()) area = area.united(r);
  return area;
}

// One page per event-loop turn, so typing and drawing stay smooth while a
// long document is searched.
void PdfView::scanStep() {
  if (m_scanLeft <= 0 || m_pageSizes.isEmpty()) {
    m_scan.stop();
    return;
  }
  if (!m_search->resultsOnPage(m_scanPage).isEmpty()) {
    m_scan.stop();
    showHit(m_scanPage, 0);
    return;
  }
  m_scanPage = (m_scanPage + 1) % pageCount();
  --m_scanLeft;
}

void PdfView::nextSearchResult() {
  if (m_search->searchString().isEmpty() || m_pageSizes.isEmpty()) return;
  m_scan.stop();
  int page = m_hitPage < 0 ? m_page : m_hitPage;
  int index = m_hitPage < 0 ? 0 : m_hitIndex + 1;
  for (int tried = 0; tried <= pageCount(); ++tried) {
    if (index < m_search->resultsOnPage(page).size()) {
      showHit(page, index);
      return;
    }
    page = (page + 1) % pageCount();
    index = 0;
  }
}

void PdfView::previousSearchResult() {
  if (m_search->searchString().isEmpty() || m_pageSizes.isEmpty()) return;
  m_scan.stop();
  int page = m_hitPage < 0 ? m_page : m_hitPage;
  int index = m_hitPage < 0 ? -1 : m_hitIndex - 1;
  for (int tried = 0; tried <= pageCount(); ++tried) {
    if (index >= 0) {
      showHit(page, index);
      return;
    }
    page = (page + pageCount() - 1) % pageCount();
    index = int(m_search->resultsOnPage(page).size()) - 1;
  }
}

void PdfView::showHit(int page, int index) {
  m_hitPage = page;
  m_hitIndex = index;
  setCurrentPage(page);
  ensureVisible(searchHitRect());
  update();
  emit searchHitChanged(page);
}

}  // namespace hopso::client
