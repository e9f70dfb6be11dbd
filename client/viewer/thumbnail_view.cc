#include "client/viewer/thumbnail_view.h"

#include <QAbstractListModel>
#include <QPixmap>
#include <QPointer>
#include <QSet>

#include "client/viewer/page_renderer.h"
#include "client/viewer/pdf_view.h"
#include "client/viewer/render_cache.h"

namespace hopso::client {

// Pages as rows: DisplayRole the page number, DecorationRole the rendered
// thumbnail, or blank paper of the right shape while it renders.
class ThumbnailModel : public QAbstractListModel {
 public:
  explicit ThumbnailModel(QObject* parent)
      : QAbstractListModel(parent), m_renderer(new PageRenderer(this)), m_cache(kCacheBytes) {
    QObject::connect(m_renderer, &PageRenderer::rendered, this,
                     [this](int page, const QImage& image) {
                       m_cache.insert(page, image);
                       m_requested.remove(page);
                       const QModelIndex changed = index(page);
                       emit dataChanged(changed, changed, {Qt::DecorationRole});
                     });
  }

  void setView(PdfView* view, qreal dpr) {
    beginResetModel();
    m_view = view;
    m_pages = view ? view->pageCount() : 0;
    m_renderer->setDocument(view ? view->documentPath() : QString());
    m_dpr = dpr;
    m_cache.clear();
    m_requested.clear();
    endResetModel();
  }

  int rowCount(const QModelIndex& parent) const override {
    return parent.isValid() ? 0 : m_pages;
  }

  QVariant data(const QModelIndex& index, int role) const override {
    if (!index.isValid() || index.row() >= m_pages || !m_view) return {};
    const int page = index.row();
    switch (role) {
      case Qt::DisplayRole:
        return QString::number(page + 1);
      case Qt::ToolTipRole:
        return ThumbnailView::tr("Page %1").arg(page + 1);
      case Qt::SizeHintRole:
        // Given, so that laying out the list never asks for (and renders)
        // every thumbnail.
        return QSize(ThumbnailView::kThumbnailWidth + 16, cellHeight() + 40);
      case Qt::DecorationRole: {
        const QSize size = pixelSize(page);
        const QImage image = m_cache.find(page, size);
        if (!image.isNull()) return QPixmap::fromImage(image);
        if (!m_requested.contains(page)) {
          m_requested.insert(page);
          m_renderer->request(page, size, m_dpr, PageRenderer::Priority::Background);
        }
        QPixmap blank(size);
        blank.setDevicePixelRatio(m_dpr);
        blank.fill(Qt::white);
        return blank;
      }
      default:
        return {};
    }
  }

  bool hasThumbnail(int page) const {
    return page >= 0 && page < m_pages && m_view && m_cache.contains(page, pixelSize(page));
  }

  // Cells all have the first page's shape (a uniform grid lets the list
  // ask only visible rows); other pages' thumbnails are fitted into it.
  int cellHeight() const { return m_pages > 0 && m_view ? logicalHeight(0) : 0; }

 private:
  static constexpr qint64 kCacheBytes = qint64(48) << 20;

  int logicalHeight(int page) const {
    const QSizeF size = m_view->pagePointSize(page);
    if (size.isEmpty()) return ThumbnailView::kThumbnailWidth;
    return qRound(ThumbnailView::kThumbnailWidth * size.height() / size.width());
  }

  QSize pixelSize(int page) const {
    return QSize(qRound(ThumbnailView::kThumbnailWidth * m_dpr),
                 qRound(logicalHeight(page) * m_dpr));
  }

  PageRenderer* m_renderer;
  // Mutable: rendering is requested, and the LRU order kept, from data().
  mutable RenderCache m_cache;
  mutable QSet<int> m_requested;
  QPointer<PdfView> m_view;
  int m_pages = 0;
  qreal m_dpr = 1;
};

ThumbnailView::ThumbnailView(QWidget* parent)
    : QListView(parent), m_model(new ThumbnailModel(this)) {
  setModel(m_model);
  setViewMode(QListView::IconMode);
  setFlow(QListView::TopToBottom);
  setWrapping(false);
  setMovement(QListView::Static);
  setResizeMode(QListView::Adjust);
  setUniformItemSizes(true);  // the view asks only visible rows for data
  setSelectionMode(QAbstractItemView::SingleSelection);
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
  setSpacing(6);
  setFixedWidth(kThumbnailWidth + 48);
  setAccessibleName(tr("Page thumbnails"));
  connect(this, &QListView::clicked, this, [this](const QModelIndex& index) {
    if (m_view) m_view->setCurrentPage(index.row());
    emit pageActivated(index.row());
  });
}

ThumbnailView::~ThumbnailView() = default;

void ThumbnailView::setPdfView(PdfView* view) {
  if (m_view) disconnect(m_view, nullptr, this, nullptr);
  m_view = view;
  if (m_view) {
    connect(m_view, &PdfView::documentChanged, this, &ThumbnailView::documentChanged);
    connect(m_view, &PdfView::currentPageChanged, this, &ThumbnailView::currentPageChanged);
  }
  documentChanged();
}

bool ThumbnailView::hasThumbnail(int page) const { return m_model->hasThumbnail(page); }

void ThumbnailView::documentChanged() {
  m_model->setView(m_view, devicePixelRatioF());
  const int height = m_model->cellHeight();
  setIconSize(QSize(kThumbnailWidth, height));
  setGridSize(QSize(kThumbnailWidth + 16, height + 40));
  if (m_view && m_view->pageCount() > 0) currentPageChanged(m_view->currentPage());
}

void ThumbnailView::currentPageChanged(int page) {
  const QModelIndex index = m_model->index(page);
  if (!index.isValid()) return;
  setCurrentIndex(index);
  scrollTo(index, QAbstractItemView::EnsureVisible);
}

}  // namespace hopso::client
