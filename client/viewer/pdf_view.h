// The document viewer of hopso-tablet: one page at a time, zoom and pan,
// search, and annotating with a stylus, a finger or a mouse.
#ifndef HOPSO_CLIENT_VIEWER_PDF_VIEW_H_
#define HOPSO_CLIENT_VIEWER_PDF_VIEW_H_

#include <QElapsedTimer>
#include <QHash>
#include <QImage>
#include <QPointer>
#include <QTimer>
#include <QVector>
#include <QWidget>

#include "client/model/annotation_model.h"
#include "client/viewer/render_cache.h"
#include "client/viewer/stroke_builder.h"
#include "hopso/v1/annotation.pb.h"

class QPdfDocument;
class QPdfSearchModel;
class QToolButton;
class QTouchEvent;

namespace hopso::client {

class PageRenderer;

// PdfView
//
// Shows one page of a PDF file, rendered by a PageRenderer off the GUI
// thread and kept in a RenderCache with the neighbouring pages prefetched,
// so that turning a page is a copy from memory. Pages render at the screen's
// device pixel ratio, so they stay sharp on high-DPI tablets.
//
// Reading: page turns by swipe, keys (arrows, Page Up/Down, space, Home/End),
// the wheel at a page's edge and the two arrow buttons; fit width, fit page or
// a free zoom (Ctrl+wheel, pinch with two fingers, Ctrl +/-); pan by dragging
// (Pan tool, or one finger once a stylus has been seen, so a resting palm
// does not draw). Resizing (turning the tablet) keeps the fit mode and the
// place being read.
//
// Annotating (with an AnnotationModel set): Ink draws with the stylus'
// pressure (QTabletEvent), a finger or a mouse, through StrokeBuilder;
// Highlighter marks the text under the drag (snapped to the text lines where
// the PDF has text, else the dragged rectangle); Note places a note and opens
// NoteDialog; Eraser removes the user's own annotations it touches (one undo
// step per drag); a stylus' eraser end erases with any tool. Every change
// goes through the model, so undo and redo work. Everyone's visible
// annotations are drawn; others' carry their author's name.
//
// Page coordinates are PDF points with the origin at the page's top-left.
//
//   auto* view = new PdfView(this);
//   view->open(cachedPath);
//   view->setAnnotationModel(model);
//   view->setTool(PdfView::Tool::Ink);
class PdfView : public QWidget {
  Q_OBJECT

 public:
  enum class FitMode { FitWidth, FitPage, Custom };
  Q_ENUM(FitMode)
  enum class Tool { Pan, Ink, Highlighter, Note, Eraser };
  Q_ENUM(Tool)

  // Free zoom limits, in logical pixels per PDF point.
  static constexpr qreal kMinZoom = 0.2;
  static constexpr qreal kMaxZoom = 8;

  explicit PdfView(QWidget* parent = nullptr);
  ~PdfView() override;

  // Opens a PDF file at its first page; false (and errorOccurred) when it
  // cannot be read.
  bool open(const QString& path);
  void closeDocument();
  QString documentPath() const { return m_path; }
  // The GUI thread's document (text, search, page sizes); rendering uses
  // its own.
  QPdfDocument* document() const { return m_document; }
  int pageCount() const { return int(m_pageSizes.size()); }
  QSizeF pagePointSize(int page) const;

  // Not owned; may be null (reading only).
  void setAnnotationModel(AnnotationModel* model);
  AnnotationModel* annotationModel() const { return m_model; }

  int currentPage() const { return m_page; }
  FitMode fitMode() const { return m_fitMode; }
  // Logical pixels per PDF point on the current page.
  qreal zoomFactor() const { return scaleFor(m_page); }
  Tool tool() const { return m_tool; }

  QColor inkColor() const { return m_inkColor; }
  void setInkColor(const QColor& color) { m_inkColor = color; }
  // Base stroke width in PDF points.
  qreal inkWidth() const { return m_inkWidth; }
  void setInkWidth(qreal points) { m_inkWidth = points; }
  QColor highlightColor() const { return m_highlightColor; }
  void setHighlightColor(const QColor& color) { m_highlightColor = color; }

  // Where the current page is drawn, in widget coordinates, and mapping
  // between widget positions and page points.
  QRectF pageRect() const;
  QPointF mapToPage(QPointF widgetPos) const;
  QPointF mapFromPage(QPointF pagePos) const;
  // Device pixels a page renders at, with the current zoom and screen.
  QSize renderSize(int page) const;
  // Whether the current page is in the cache at exactly that size.
  bool isPageSharp() const;

  RenderCache& renderCache() { return m_cache; }
  const PageRenderer* renderer() const { return m_renderer; }

  // Searches the text of the document (QPdfSearchModel) and moves to the
  // first hit at or after the current page; hits are highlighted.
  void searchText(const QString& text);
  QString searchString() const;
  // Hits found so far (the search runs in the background).
  int searchResultCount() const;
  // The current hit: its page (-1 when none) and its area in page points.
  int searchHitPage() const { return m_hitPage; }
  QRectF searchHitRect() const;

 public slots:
  void setCurrentPage(int page);
  void nextPage();
  void previousPage();
  void setFitMode(FitMode mode);
  void setZoomFactor(qreal factor);
  void zoomIn();
  void zoomOut();
  // Zooms by `factor` keeping what is under `anchor` (widget coordinates)
  // in place.
  void zoomBy(qreal factor, QPointF anchor);
  void setTool(Tool tool);
  void nextSearchResult();
  void previousSearchResult();

 signals:
  void documentChanged();
  void currentPageChanged(int page);
  void zoomChanged(qreal factor);
  void fitModeChanged(FitMode mode);
  void toolChanged(Tool tool);
  // The current page arrived at full resolution.
  void pageRendered(int page);
  void searchResultsChanged(int count);
  void searchHitChanged(int page);
  void errorOccurred(const QString& message);

 protected:
  bool event(QEvent* event) override;
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void tabletEvent(QTabletEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  enum class Gesture { None, Pan, Stroke, Highlight, Erase, NoteTap, Pinch };

  // For `viewport`, or the widget's size when empty.
  qreal fitScale(FitMode mode, int page, QSizeF viewport = {}) const;
  qreal scaleFor(int page) const;
  QRectF pageRectFor(int page) const;
  void clampOffset();
  void goToPage(int page, bool atBottom);
  void requestPages();
  void scheduleRender();
  void onRendered(int page, const QImage& image);
  void onModelPageChanged(int page);
  void updateButtons();
  void ensureVisible(const QRectF& pageArea);
  QImage composedPage(const QImage& page);
  void paintAnnotationsDirect(QPainter& painter, const QRectF& target);

  void pointerPress(QPointF pos, qreal pressure, bool eraserEnd, bool fromTouch);
  void pointerMove(QPointF pos, qreal pressure);
  void pointerRelease(QPointF pos);
  void cancelGesture();
  void finishStroke();
  void finishHighlight();
  struct TextLine {
    QRectF box;
    QList<QRectF> glyphs;
  };
  const QVector<TextLine>& textLinesOf(int page) const;
  // The text a marker dragged from `from` to `to` covers: a rect per line,
  // in points.
  QList<QRectF> textLines(int page, QPointF from, QPointF to) const;
  void eraseAt(QPointF pos);
  void tapNote(QPointF pos);
  void openNote(const v1::Annotation* existing, QPointF pagePos);
  const v1::Annotation* noteAt(QPointF pagePos) const;
  void panBy(QPointF delta);
  bool handleTouch(QTouchEvent* event);

  void scanStep();
  void showHit(int page, int index);

  QPdfDocument* m_document;
  QPdfSearchModel* m_search;
  PageRenderer* m_renderer;
  RenderCache m_cache;
  QPointer<AnnotationModel> m_model;
  QString m_path;
  mutable QVector<QSizeF> m_pageSizes;  // invalid until first asked for
  mutable QHash<int, QVector<TextLine>> m_textLines;  // by page, filled on first use
  int m_page = 0;

  FitMode m_fitMode = FitMode::FitWidth;
  qreal m_zoom = 1;
  QPointF m_offset;  // the page's top-left when it overflows the widget
  QTimer m_settle;   // renders the final size once zooming or resizing stops

  // The current page with its annotations painted in.
  QImage m_composed;
  bool m_composedValid = false;

  Tool m_tool = Tool::Pan;
  QColor m_inkColor;
  qreal m_inkWidth = 1.6;
  QColor m_highlightColor;

  Gesture m_gesture = Gesture::None;
  QPointF m_pressPos;
  QPointF m_pressOffset;
  QPointF m_lastPos;
  QElapsedTimer m_pressTime;
  StrokeBuilder m_stroke;
  QPointF m_highlightStart;
  QPointF m_highlightEnd;
  bool m_eraseMacro = false;
  bool m_stylusSeen = false;
  bool m_tabletDown = false;
  qreal m_wheelAccumulated = 0;

  qreal m_pinchStartDistance = 0;
  qreal m_pinchStartScale = 1;
  QPointF m_pinchAnchor;  // page point under the fingers' centre

  QTimer m_scan;  // searching page by page for the first hit
  int m_scanPage = 0;
  int m_scanLeft = 0;
  int m_hitPage = -1;
  int m_hitIndex = -1;

  QToolButton* m_previousButton;
  QToolButton* m_nextButton;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_VIEWER_PDF_VIEW_H_
