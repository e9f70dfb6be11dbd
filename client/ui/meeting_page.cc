#include "client/ui/meeting_page.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QResizeEvent>
#include <QScroller>
#include <QSplitter>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTreeView>
#include <QVBoxLayout>

#include "client/model/agenda_model.h"
#include "client/model/document_cache.h"
#include "client/model/meeting_list_model.h"
#include "client/net/meeting_watcher.h"
#include "client/ui/style.h"

namespace hopso::client {

namespace {

// The live item (and its documents) stand out with a warm background and a
// bar on the left; documents get a document mark so they read as openable.
class AgendaDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;

  void paint(QPainter* painter, const QStyleOptionViewItem& option,
             const QModelIndex& index) const override {
    const bool live = index.data(AgendaModel::LiveRole).toBool();
    const auto kind = AgendaModel::NodeKind(index.data(AgendaModel::KindRole).toInt());
    if (live && kind == AgendaModel::NodeKind::Item) {
      painter->fillRect(option.rect, palette::kLiveBackground);
      if (index.column() == 0) {
        painter->fillRect(QRect(option.rect.left(), option.rect.top(), 4, option.rect.height()),
                          palette::kLive);
      }
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    if (kind == AgendaModel::NodeKind::Document) {
      opt.palette.setColor(QPalette::Text, palette::kAccent);
      opt.font.setUnderline(false);
    }
    if (live && kind == AgendaModel::NodeKind::Item) opt.font.setBold(true);
    QStyledItemDelegate::paint(painter, opt, index);
  }

  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setHeight(qMax(size.height(), 48));
    return size;
  }
};

QString formatBytes(qint64 bytes) { return QLocale().formattedDataSize(bytes, 1); }

}  // namespace

MeetingPage::MeetingPage(Api* api, DocumentCache* cache, const QString& cacheDir, QWidget* parent)
    : QWidget(parent),
      m_api(api),
      m_cache(cache),
      m_model(new AgendaModel(api, cacheDir, this)),
      m_title(new QLabel(this)),
      m_when(new QLabel(this)),
      m_live(new QLabel(this)),
      m_download(new QPushButton(tr("Download the meeting for offline"), this)),
      m_progress(new QProgressBar(this)),
      m_downloadStatus(new QLabel(this)),
      m_scan(new QPushButton(tr("Scan QR code"), this)),
      m_splitter(new QSplitter(this)),
      m_tree(new QTreeView(this)),
      m_details(new QWidget(this)),
      m_detailsTitle(new QLabel(m_details)),
      m_detailsInfo(new QLabel(m_details)),
      m_versions(new QListWidget(m_details)),
      m_openButton(new QPushButton(tr("Open"), m_details)) {
  m_title->setProperty("role", "title");
  m_title->setWordWrap(true);
  m_title->setObjectName(QStringLiteral("meetingTitle"));
  m_when->setWordWrap(true);
  m_when->setProperty("role", "hint");
  m_live->setStyleSheet(QStringLiteral(
      "color: #c2410c; background: #ffedd5; border-radius: 12px; padding: 4px 12px; "
      "font-weight: 600;"));
  m_live->hide();
  m_download->setObjectName(QStringLiteral("downloadMeeting"));
  m_scan->setObjectName(QStringLiteral("scanButton"));
  m_scan->setProperty("role", "primary");
  m_progress->hide();
  m_progress->setTextVisible(false);
  m_downloadStatus->setWordWrap(true);
  m_downloadStatus->setObjectName(QStringLiteral("downloadStatus"));
  m_downloadStatus->hide();

  auto heading = new QHBoxLayout;
  heading->addWidget(m_title, 1);
  heading->addWidget(m_live, 0, Qt::AlignTop);
  auto actions = new QHBoxLayout;
  actions->addWidget(m_download);
  actions->addWidget(m_progress, 1);
  actions->addWidget(m_downloadStatus, 2);
  actions->addWidget(m_scan);

  m_tree->setObjectName(QStringLiteral("agenda"));
  m_tree->setModel(m_model);
  m_tree->setItemDelegate(new AgendaDelegate(m_tree));
  m_tree->setUniformRowHeights(false);
  m_tree->setWordWrap(true);
  m_tree->setIndentation(28);
  m_tree->setExpandsOnDoubleClick(false);
  m_tree->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
  m_tree->header()->setStretchLastSection(false);
  m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  m_tree->header()->setSectionResizeMode(1, QHeaderView::Interactive);
  m_tree->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
  QScroller::grabGesture(m_tree->viewport(), QScroller::LeftMouseButtonGesture);
  m_tree->installEventFilter(this);

  m_details->setObjectName(QStringLiteral("documentDetails"));
  m_detailsTitle->setProperty("role", "subtitle");
  m_detailsTitle->setWordWrap(true);
  m_detailsInfo->setWordWrap(true);
  m_detailsInfo->setProperty("role", "hint");
  m_versions->setObjectName(QStringLiteral("versions"));
  m_openButton->setObjectName(QStringLiteral("openDocument"));
  m_openButton->setProperty("role", "primary");
  auto detailsLayout = new QVBoxLayout(m_details);
  detailsLayout->setContentsMargins(12, 0, 0, 0);
  detailsLayout->addWidget(m_detailsTitle);
  detailsLayout->addWidget(m_detailsInfo);
  auto versionsLabel = new QLabel(tr("Versions"), m_details);
  versionsLabel->setProperty("role", "hint");
  detailsLayout->addWidget(versionsLabel);
  detailsLayout->addWidget(m_versions, 1);
  detailsLayout->addWidget(m_openButton);
  m_details->hide();

  m_splitter->addWidget(m_tree);
  m_splitter->addWidget(m_details);
  m_splitter->setStretchFactor(0, 3);
  m_splitter->setStretchFactor(1, 2);
  m_splitter->setChildrenCollapsible(false);

  auto layout = new QVBoxLayout(this);
  layout->setContentsMargins(24, 12, 24, 16);
  layout->addLayout(heading);
  layout->addWidget(m_when);
  layout->addLayout(actions);
  layout->addWidget(m_splitter, 1);

  connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
    m_tree->expandAll();
    spanDocuments({});
    updateHeader();
    updateDetails();
    followCurrentItem();
  });
  connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
    m_tree->expandAll();
    spanDocuments({});
  });
  connect(m_model, &AgendaModel::meetingChanged, this, &MeetingPage::updateHeader);
  connect(m_model, &AgendaModel::loaded, this, &MeetingPage::updateHeader);
  connect(m_model, &AgendaModel::currentItemChanged, this, &MeetingPage::followCurrentItem);
  connect(m_model, &AgendaModel::documentsChanged, this, &MeetingPage::updateDetails);
  connect(m_model, &AgendaModel::errorOccurred, this,
          [this](const QString& message) { showDownloadStatus(message, true); });
  connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
          &MeetingPage::updateDetails);
  connect(m_tree, &QTreeView::clicked, this, [this](const QModelIndex& index) {
    const auto kind = AgendaModel::NodeKind(index.data(AgendaModel::KindRole).toInt());
    if (kind != AgendaModel::NodeKind::Document) m_tree->setExpanded(index.siblingAtColumn(0), true);
  });
  connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex& index) {
    if (AgendaModel::NodeKind(index.data(AgendaModel::KindRole).toInt()) ==
        AgendaModel::NodeKind::Document)
      m_openButton->click();
  });
  connect(m_openButton, &QPushButton::clicked, this, [this] {
    const v1::Document* document = m_model->document(selectedDocumentId());
    if (!document || document->versions().empty()) return;
    int row = qMax(0, m_versions->currentRow());
    if (row >= document->versions_size()) row = 0;
    const v1::DocumentVersion& version = document->versions(row);
    DocumentRef ref;
    ref.meetingId = m_model->meetingId();
    ref.documentId = QString::fromStdString(document->id());
    ref.title = QString::fromStdString(document->title());
    ref.sha256 = DocumentCache::hex(version.sha256());
    ref.version = version.number();
    emit openDocument(ref);
  });
  connect(m_download, &QPushButton::clicked, this, &MeetingPage::downloadForOffline);
  connect(m_scan, &QPushButton::clicked, this, &MeetingPage::scanRequested);

  connect(m_cache, &DocumentCache::meetingProgress, this,
          [this](const QString& meetingId, int done, int total, qint64 bytesDone,
                 qint64 bytesTotal) {
            if (meetingId != this->meetingId()) return;
            m_progress->show();
            m_progress->setRange(0, bytesTotal > 0 ? 1000 : 0);
            if (bytesTotal > 0) m_progress->setValue(int(bytesDone * 1000 / bytesTotal));
            showDownloadStatus(tr("Downloading: document %1 of %2 (%3 of %4)")
                                   .arg(qMin(done + 1, total))
                                   .arg(total)
                                   .arg(formatBytes(bytesDone), formatBytes(bytesTotal)),
                               false);
          });
  connect(m_cache, &DocumentCache::meetingDownloaded, this, [this](const QString& meetingId) {
    if (meetingId != this->meetingId()) return;
    m_progress->hide();
    m_download->setEnabled(true);
    const int count = m_model->documents().size();
    showDownloadStatus(tr("All %n document(s) of this meeting are on this tablet and open "
                          "offline.",
                          nullptr, count),
                       false);
    updateDetails();
  });
  connect(m_cache, &DocumentCache::meetingDownloadFailed, this,
          [this](const QString& meetingId, const QString& message) {
            if (meetingId != this->meetingId()) return;
            m_progress->hide();
            m_download->setEnabled(true);
            showDownloadStatus(tr("The download stopped: %1").arg(message), true);
          });
  connect(m_cache, &DocumentCache::fetched, this, &MeetingPage::updateDetails);
}

MeetingPage::~MeetingPage() { close(); }

QString MeetingPage::meetingId() const { return m_model->meetingId(); }

QString MeetingPage::downloadStatus() const { return m_downloadStatus->text(); }

void MeetingPage::open(const QString& meetingId) {
  if (meetingId == this->meetingId() && m_watcher) return;
  close();
  m_downloadStatus->hide();
  m_progress->hide();
  m_download->setEnabled(true);
  m_model->load(meetingId);
  m_watcher = new MeetingWatcher(m_api, meetingId, 0, this);
  m_model->attach(m_watcher);
  connect(m_watcher, &MeetingWatcher::liveChanged, this, [this](bool) { updateHeader(); });
  m_watcher->start();
  updateHeader();
}

void MeetingPage::close() {
  if (m_watcher) {
    // Stopping reports "not live"; nobody is listening any more.
    m_watcher->disconnect(this);
    m_watcher->stop();
    delete m_watcher;
  }
}

void MeetingPage::updateHeader() {
  const v1::Meeting& meeting = m_model->meeting();
  m_title->setText(QString::fromStdString(meeting.title()));
  emit titleChanged(m_title->text());
  const QLocale locale;
  const QDateTime start = MeetingListModel::toDateTime(meeting.start_time());
  const QDateTime end = MeetingListModel::toDateTime(meeting.end_time());
  QStringList parts;
  if (start.isValid()) {
    QString when = locale.toString(start.date(), QLocale::LongFormat) + QStringLiteral(", ") +
                   locale.toString(start.time(), QLocale::ShortFormat);
    if (end.isValid()) when += QStringLiteral("–") + locale.toString(end.time(), QLocale::ShortFormat);
    parts << when;
  }
  if (!meeting.place().empty()) parts << QString::fromStdString(meeting.place());
  parts << MeetingListModel::stateText(meeting.state());
  m_when->setText(parts.join(QStringLiteral(" · ")));
  const bool inProgress = meeting.state() == v1::MEETING_STATE_IN_PROGRESS;
  m_live->setText(m_watcher && m_watcher->isLive() ? tr("● Live") : tr("○ Not following"));
  m_live->setVisible(inProgress);
}

void MeetingPage::followCurrentItem() {
  const QModelIndex index = m_model->indexOfItem(m_model->currentItemId());
  if (!index.isValid()) return;
  m_tree->expand(index);
  m_tree->scrollTo(index, QAbstractItemView::PositionAtCenter);
  m_tree->viewport()->update();
}

QString MeetingPage::selectedDocumentId() const {
  const QModelIndex index = m_tree->currentIndex();
  if (!index.isValid() || AgendaModel::NodeKind(index.data(AgendaModel::KindRole).toInt()) !=
                              AgendaModel::NodeKind::Document)
    return {};
  return index.data(AgendaModel::DocumentIdRole).toString();
}

void MeetingPage::selectDocument(const QString& documentId) {
  const QModelIndex index = m_model->indexOfDocument(documentId);
  if (!index.isValid()) return;
  m_tree->setCurrentIndex(index);
  m_tree->scrollTo(index);
}

void MeetingPage::updateDetails() {
  const v1::Document* document = m_model->document(selectedDocumentId());
  m_details->setVisible(document != nullptr);
  if (!document) return;
  const int keepRow = m_versions->currentRow();
  m_detailsTitle->setText(QString::fromStdString(document->title()));
  QStringList info;
  if (document->confidential()) info << tr("Confidential");
  m_detailsInfo->setText(info.join(QStringLiteral(" · ")));
  m_detailsInfo->setVisible(!info.isEmpty());
  m_versions->clear();
  const QLocale locale;
  for (int i = 0; i < document->versions_size(); ++i) {
    const v1::DocumentVersion& v = document->versions(i);
    QString line = i == 0 ? tr("Version %1 (current)").arg(v.number())
                          : tr("Version %1").arg(v.number());
    line += QStringLiteral("\n") + tr("%n page(s)", nullptr, v.page_count()) +
            QStringLiteral(" · ") + formatBytes(v.size_bytes());
    if (m_cache->isCached(DocumentCache::hex(v.sha256())))
      line += QStringLiteral(" · ") + tr("on this tablet");
    m_versions->addItem(line);
  }
  m_versions->setCurrentRow(keepRow >= 0 && keepRow < m_versions->count() ? keepRow : 0);
}

void MeetingPage::downloadForOffline() {
  if (meetingId().isEmpty()) return;
  m_download->setEnabled(false);
  m_progress->show();
  m_progress->setRange(0, 0);
  showDownloadStatus(tr("Preparing the download…"), false);
  m_cache->downloadMeeting(meetingId());
}

void MeetingPage::showDownloadStatus(const QString& text, bool error) {
  m_downloadStatus->setText(text);
  m_downloadStatus->setStyleSheet(error ? QStringLiteral("color: #8a1c1c;") : QString());
  m_downloadStatus->setVisible(!text.isEmpty());
}

void MeetingPage::spanDocuments(const QModelIndex& parent) {
  // A document's title gets the whole row: it has no presenter or minutes.
  for (int row = 0; row < m_model->rowCount(parent); ++row) {
    const QModelIndex index = m_model->index(row, 0, parent);
    const auto kind = AgendaModel::NodeKind(index.data(AgendaModel::KindRole).toInt());
    m_tree->setFirstColumnSpanned(row, parent, kind == AgendaModel::NodeKind::Document);
    spanDocuments(index);
  }
}

bool MeetingPage::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_tree && event->type() == QEvent::Resize) {
    // Titles matter most; presenters get about a quarter of the width. (The
    // filter runs before the viewport follows, so the tree's new size.)
    m_tree->setColumnWidth(1, static_cast<QResizeEvent*>(event)->size().width() / 4);
  }
  return QWidget::eventFilter(watched, event);
}

void MeetingPage::resizeEvent(QResizeEvent* event) {
  // Portrait: the document panel goes under the agenda instead of beside it.
  m_splitter->setOrientation(event->size().width() < 900 ? Qt::Vertical : Qt::Horizontal);
  QWidget::resizeEvent(event);
}

}  // namespace hopso::client
