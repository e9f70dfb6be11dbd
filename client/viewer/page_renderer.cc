#include "client/viewer/page_renderer.h"

#include <QLoggingCategory>
#include <QMutex>
#include <QPdfDocument>
#include <QPointer>
#include <QThread>
#include <QWaitCondition>

#include <deque>
#include <optional>

namespace hopso::client {

Q_LOGGING_CATEGORY(lcRender, "hopso.viewer.render")

namespace {

struct Job {
  int page = 0;
  QSize size;
  qreal dpr = 1;
  PageRenderer::Priority priority = PageRenderer::Priority::Visible;
  quint64 sequence = 0;
};

bool sameImage(const Job& job, int page, QSize size) {
  return job.page == page && job.size == size;
}

// QtPdf renders the paper transparent; what a reader sees is white paper.
// Done in place, pixel by pixel: a QPainter composite onto a new image
// would cost another page-sized allocation (and its page faults) per render.
QImage overWhite(QImage image) {
  if (image.isNull()) return image;
  if (image.format() != QImage::Format_ARGB32_Premultiplied &&
      image.format() != QImage::Format_ARGB32) {
    return image.convertToFormat(QImage::Format_RGB32);
  }
  const bool premultiplied = image.format() == QImage::Format_ARGB32_Premultiplied;
  for (int y = 0; y < image.height(); ++y) {
    QRgb* line = reinterpret_cast<QRgb*>(image.scanLine(y));
    for (int x = 0; x < image.width(); ++x) {
      const QRgb p = line[x];
      const int a = qAlpha(p);
      if (a == 255) continue;
      if (a == 0) {
        line[x] = 0xffffffffu;
        continue;
      }
      const int paper = 255 - a;
      line[x] = premultiplied
                    ? qRgb(qRed(p) + paper, qGreen(p) + paper, qBlue(p) + paper)
                    : qRgb((qRed(p) * a + 255 * paper) / 255, (qGreen(p) * a + 255 * paper) / 255,
                           (qBlue(p) * a + 255 * paper) / 255);
    }
  }
  image.reinterpretAsFormat(QImage::Format_RGB32);
  return image;
}

}  // namespace

// State shared between the GUI side and the worker; everything under `mutex`.
struct PageRenderer::Shared {
  QMutex mutex;
  QWaitCondition wake;
  std::deque<Job> queue;
  std::optional<Job> running;
  QString path;
  quint64 generation = 0;
  quint64 sequence = 0;
  qint64 requests = 0;
  bool stop = false;
};

class PageRenderer::Worker : public QThread {
 public:
  Worker(std::shared_ptr<Shared> shared, PageRenderer* owner)
      : m_shared(std::move(shared)), m_owner(owner) {
    setObjectName(QStringLiteral("hopso-render"));
  }

  ~Worker() override {
    {
      QMutexLocker lock(&m_shared->mutex);
      m_shared->stop = true;
      m_shared->wake.wakeAll();
    }
    wait();
  }

 protected:
  void run() override {
    // Created, used and destroyed on this thread only.
    std::unique_ptr<QPdfDocument> document;
    quint64 openGeneration = ~quint64(0);
    bool sizesSent = false;
    for (;;) {
      Job job;
      QString path;
      quint64 generation;
      {
        QMutexLocker lock(&m_shared->mutex);
        while (m_shared->queue.empty() && !m_shared->stop) m_shared->wake.wait(&m_shared->mutex);
        if (m_shared->stop) return;
        auto best = m_shared->queue.begin();
        for (auto it = m_shared->queue.begin(); it != m_shared->queue.end(); ++it) {
          if (it->priority > best->priority ||
              (it->priority == best->priority && it->sequence > best->sequence)) {
            best = it;
          }
        }
        job = *best;
        m_shared->queue.erase(best);
        m_shared->running = job;
        path = m_shared->path;
        generation = m_shared->generation;
      }

      // A new generation may be the same path with new contents: reopen.
      if (generation != openGeneration) {
        openGeneration = generation;
        sizesSent = false;
        document = std::make_unique<QPdfDocument>();
        if (const QPdfDocument::Error error = document->load(path);
            error != QPdfDocument::Error::None) {
          qCWarning(lcRender) << "cannot open" << path << int(error);
          document.reset();
          deliverFailure(generation, path);
        }
      }

      QImage image;
      if (document && job.page >= 0 && job.page < document->pageCount()) {
        image = overWhite(document->render(job.page, job.size));
        image.setDevicePixelRatio(job.dpr);
      }
      {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->running.reset();
      }
      if (!image.isNull()) deliver(generation, job.page, image);
      if (document && !sizesSent) {
        sizesSent = true;
        QVector<QSizeF> sizes(document->pageCount());
        for (int page = 0; page < sizes.size(); ++page) sizes[page] = document->pagePointSize(page);
        deliverSizes(generation, sizes);
      }
    }
  }

 private:
  void deliver(quint64 generation, int page, const QImage& image) {
    const std::shared_ptr<Shared> shared = m_shared;
    QPointer<PageRenderer> owner = m_owner;
    // Queued to the owner's thread; dropped with it if it is gone.
    QMetaObject::invokeMethod(
        m_owner,
        [shared, owner, generation, page, image] {
          {
            QMutexLocker lock(&shared->mutex);
            if (shared->generation != generation) return;
          }
          if (owner) emit owner->rendered(page, image);
        },
        Qt::QueuedConnection);
  }

  void deliverSizes(quint64 generation, const QVector<QSizeF>& sizes) {
    const std::shared_ptr<Shared> shared = m_shared;
    QPointer<PageRenderer> owner = m_owner;
    QMetaObject::invokeMethod(
        m_owner,
        [shared, owner, generation, sizes] {
          {
            QMutexLocker lock(&shared->mutex);
            if (shared->generation != generation) return;
          }
          if (owner) emit owner->pageSizesRead(sizes);
        },
        Qt::QueuedConnection);
  }

  void deliverFailure(quint64 generation, const QString& path) {
    const std::shared_ptr<Shared> shared = m_shared;
    QPointer<PageRenderer> owner = m_owner;
    QMetaObject::invokeMethod(
        m_owner,
        [shared, owner, generation, path] {
          {
            QMutexLocker lock(&shared->mutex);
            if (shared->generation != generation) return;
          }
          if (owner) {
            emit owner->failed(PageRenderer::tr("Cannot open the document %1.").arg(path));
          }
        },
        Qt::QueuedConnection);
  }

  const std::shared_ptr<Shared> m_shared;
  PageRenderer* const m_owner;
};

PageRenderer::PageRenderer(QObject* parent)
    : QObject(parent),
      m_shared(std::make_shared<Shared>()),
      m_worker(std::make_unique<Worker>(m_shared, this)) {
  m_worker->start();
}

// The worker stops (and joins) before the shared state goes.
PageRenderer::~PageRenderer() { m_worker.reset(); }

void PageRenderer::setDocument(const QString& path) {
  m_path = path;
  QMutexLocker lock(&m_shared->mutex);
  m_shared->queue.clear();
  m_shared->path = path;
  ++m_shared->generation;
}

void PageRenderer::request(int page, QSize pixelSize, qreal devicePixelRatio,
                           Priority priority) {
  if (m_path.isEmpty() || pixelSize.isEmpty()) return;
  QMutexLocker lock(&m_shared->mutex);
  if (m_shared->running && sameImage(*m_shared->running, page, pixelSize)) return;
  for (Job& queued : m_shared->queue) {
    if (sameImage(queued, page, pixelSize)) {
      // Asked again: it moves up as if new, and never down in priority.
      queued.priority = std::max(queued.priority, priority);
      queued.sequence = ++m_shared->sequence;
      return;
    }
  }
  m_shared->queue.push_back(
      Job{page, pixelSize, devicePixelRatio, priority, ++m_shared->sequence});
  ++m_shared->requests;
  m_shared->wake.wakeOne();
}

void PageRenderer::cancelPending() {
  QMutexLocker lock(&m_shared->mutex);
  m_shared->queue.clear();
}

bool PageRenderer::isPending(int page, QSize pixelSize) const {
  QMutexLocker lock(&m_shared->mutex);
  if (m_shared->running && sameImage(*m_shared->running, page, pixelSize)) return true;
  for (const Job& queued : m_shared->queue) {
    if (sameImage(queued, page, pixelSize)) return true;
  }
  return false;
}

qint64 PageRenderer::requestCount() const {
  QMutexLocker lock(&m_shared->mutex);
  return m_shared->requests;
}

}  // namespace hopso::client
