// Rendering PDF pages off the GUI thread.
#ifndef HOPSO_CLIENT_VIEWER_PAGE_RENDERER_H_
#define HOPSO_CLIENT_VIEWER_PAGE_RENDERER_H_

#include <QImage>
#include <QObject>
#include <QSize>
#include <QString>
#include <QVector>

#include <memory>

namespace hopso::client {

// PageRenderer
//
// Renders pages of one PDF file on a worker thread that opens the file with a
// QPdfDocument of its own (QPdfDocument is not to be shared across threads).
// Images come back through rendered() on the renderer's thread, painted over
// white (QtPdf leaves the paper transparent) and tagged with the device pixel
// ratio they were asked for, so they can be drawn at logical size.
//
// Requests wait in a queue: the highest priority goes first and, among
// equals, the newest (what the user looks at now beats what they scrolled
// past). A request for an image already queued or being rendered is merged.
// cancelPending() drops what has not started, e.g. on a page turn the
// prefetches around the old page. One worker thread only: pdfium, under
// QtPdf, runs behind one process-wide lock, so a second thread would only
// wait for it. Once the first image of a file is out, the worker also reads
// the size of every page and reports them with pageSizesRead(), so that the
// GUI thread need not ask pdfium (and wait for its lock) on a page turn.
//
//   PageRenderer renderer;
//   connect(&renderer, &PageRenderer::rendered, this, &View::pageArrived);
//   renderer.setDocument(path);
//   renderer.request(0, QSize(1240, 1754), 2.0, PageRenderer::Priority::Visible);
class PageRenderer : public QObject {
  Q_OBJECT

 public:
  enum class Priority { Background = 0, Prefetch = 1, Visible = 2 };

  explicit PageRenderer(QObject* parent = nullptr);
  ~PageRenderer() override;

  // Switches to another file (or none, with an empty path): pending requests
  // are dropped and results for the old file are never delivered.
  void setDocument(const QString& path);
  QString documentPath() const { return m_path; }

  void request(int page, QSize pixelSize, qreal devicePixelRatio, Priority priority);
  void cancelPending();
  // Queued or being rendered.
  bool isPending(int page, QSize pixelSize) const;
  // Requests accepted so far (merged ones not counted): lets tests see that
  // a page came from the cache.
  qint64 requestCount() const;

 signals:
  void rendered(int page, const QImage& image);
  // Every page's size in PDF points, once per document.
  void pageSizesRead(const QVector<QSizeF>& sizes);
  void failed(const QString& message);

 private:
  struct Shared;
  class Worker;

  std::shared_ptr<Shared> m_shared;
  std::unique_ptr<Worker> m_worker;
  QString m_path;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_VIEWER_PAGE_RENDERER_H_
