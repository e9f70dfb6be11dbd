#include "client/ui/main_window.h"

#include <QCloseEvent>
#include <QResizeEvent>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QLoggingCategory>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "client/model/annotation_store.h"
#include "client/model/document_cache.h"
#include "client/model/meeting_list_model.h"
#include "client/net/api.h"
#include "client/scan/qr_payload.h"
#include "client/ui/meeting_list_page.h"
#include "client/ui/messages.h"
#include "client/ui/notice_bar.h"
#include "client/ui/offline_banner.h"
#include "client/ui/qr_scan_dialog.h"
#include "client/ui/settings_dialog.h"
#include "client/ui/viewer_page.h"

Q_LOGGING_CATEGORY(lcMainWindow, "hopso.ui.main")

namespace hopso::client {

namespace {

// What ResolveQr and GetDocument said about a scanned code.
struct Resolved {
  grpc::Status status;
  v1::QrTarget target;
  v1::Document document;
};

// Meetings, agendas and annotations (with their outbox) are per user: a
// tablet handed to the next delegate must neither show nor send the previous
// one's private notes. Documents are named by their hash and stay shared.
QString userCacheDir(const QString& dataDir, const Session& session) {
  return QDir(dataDir).filePath(
      QStringLiteral("users/%1/cache").arg(QString::fromStdString(session.user.id())));
}

}  // namespace

MainWindow::MainWindow(Api* api, const Session& session, const QString& dataDir,
                       const QString& language, QWidget* parent)
    : QMainWindow(parent),
      m_api(api),
      m_session(session),
      m_language(language),
      m_meetingList(new MeetingListModel(api, userCacheDir(dataDir, session), this)),
      m_cache(new DocumentCache(api, QDir(dataDir).filePath(QStringLiteral("cache/documents")), this)),
      m_annotations(new AnnotationStore(api, userCacheDir(dataDir, session), this)),
      m_banner(new OfflineBanner(this)),
      m_notice(new NoticeBar(this)),
      m_back(new QToolButton(this)),
      m_title(new QLabel(this)),
      m_user(new QLabel(this)),
      m_settings(new QToolButton(this)),
      m_stack(new QStackedWidget(this)) {
  m_annotations->setUserId(QString::fromStdString(session.user.id()));
  const QString cacheDir = userCacheDir(dataDir, session);
  m_listPage = new MeetingListPage(m_meetingList, this);
  m_meetingPage = new MeetingPage(api, m_cache, cacheDir, this);
  m_viewerPage = new ViewerPage(api, m_cache, m_annotations, this);
  m_stack->addWidget(m_listPage);
  m_stack->addWidget(m_meetingPage);
  m_stack->addWidget(m_viewerPage);

  auto bar = new QWidget(this);
  bar->setObjectName(QStringLiteral("titleBar"));
  bar->setStyleSheet(QStringLiteral(
      "#titleBar { background: #1d4e89; } #titleBar QLabel { color: white; }"
      "#titleBar QToolButton { color: white; background: transparent; border: none; "
      "font-size: 18px; min-height: 48px; min-width: 48px; padding: 0 12px; }"
      "#titleBar QToolButton:pressed { background: #163c69; }"));
  m_back->setObjectName(QStringLiteral("back"));
  m_back->setToolButtonStyle(Qt::ToolButtonTextOnly);
  m_settings->setObjectName(QStringLiteral("settings"));
  m_title->setStyleSheet(QStringLiteral("font-size: 19px; font-weight: 600;"));
  // A long document title must not widen the window (portrait): it is elided.
  m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  m_title->installEventFilter(this);
  m_user->setStyleSheet(QStringLiteral("color: #d7e3f1;"));
  m_user->setText(QString::fromStdString(session.user.full_name()));
  auto barLayout = new QHBoxLayout(bar);
  barLayout->setContentsMargins(8, 4, 8, 4);
  barLayout->addWidget(m_back);
  barLayout->addWidget(m_title, 1);
  barLayout->addWidget(m_user);
  barLayout->addWidget(m_settings);

  auto central = new QWidget(this);
  auto layout = new QVBoxLayout(central);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(bar);
  layout->addWidget(m_banner);
  layout->addWidget(m_notice);
  layout->addWidget(m_stack, 1);
  setCentralWidget(central);
  setWindowTitle(tr("Hopso"));

  m_back->setText(tr("‹ Back"));
  m_settings->setText(tr("Settings"));
  connect(m_back, &QToolButton::clicked, this, &MainWindow::goBack);
  connect(m_settings, &QToolButton::clicked, this, &MainWindow::showSettings);
  connect(api, &Api::onlineChanged, m_banner, &OfflineBanner::setOnline);
  m_banner->setOnline(api->isOnline());

  connect(m_listPage, &MeetingListPage::meetingActivated, this, &MainWindow::openMeeting);
  connect(m_listPage, &MeetingListPage::scanRequested, this, &MainWindow::scanQrCode);
  connect(m_meetingPage, &MeetingPage::openDocument, this, &MainWindow::openDocument);
  connect(m_meetingPage, &MeetingPage::scanRequested, this, &MainWindow::scanQrCode);
  connect(m_meetingPage, &MeetingPage::titleChanged, this, &MainWindow::updateTitle);
  connect(m_viewerPage, &ViewerPage::notice, this,
          [this](const QString& text, bool error) {
            m_notice->showNotice(text, error ? NoticeBar::Error : NoticeBar::Info);
          });
  connect(m_viewerPage, &ViewerPage::scanRequested, this, &MainWindow::scanQrCode);

  connect(m_cache, &DocumentCache::fetched, this,
          [this](const QString& documentId, const QString& sha256, const QString& path) {
            if (m_pending.sha256 != sha256 || m_pending.documentId != documentId) return;
            const DocumentRef ref = m_pending;
            m_pending = {};
            m_notice->clear();
            m_viewerPage->open(ref, path);
            setPage(Page::Viewer);
          });
  connect(m_cache, &DocumentCache::fetchProgress, this,
          [this](const QString&, const QString& sha256, qint64 received, qint64 total) {
            if (m_pending.sha256 != sha256 || total <= 0) return;
            m_notice->showNotice(tr("Downloading “%1”: %2 %")
                                     .arg(m_pending.title)
                                     .arg(received * 100 / total));
          });
  connect(m_cache, &DocumentCache::fetchFailed, this,
          [this](const QString&, const QString& sha256, const QString& message) {
            if (m_pending.sha256 != sha256) return;
            m_notice->showNotice(
                tr("“%1” could not be opened: %2").arg(m_pending.title, message),
                NoticeBar::Error);
            m_pending = {};
          });

  setPage(Page::Meetings);
  m_meetingList->refresh();
  m_annotations->sync();
}

MainWindow::~MainWindow() {
  // Before the pages and the stack go: closing them still signals.
  m_viewerPage->disconnect(this);
  m_meetingPage->disconnect(this);
  m_viewerPage->close();
  m_meetingPage->close();
}

MainWindow::Page MainWindow::page() const {
  if (m_stack->currentWidget() == m_viewerPage) return Page::Viewer;
  if (m_stack->currentWidget() == m_meetingPage) return Page::Meeting;
  return Page::Meetings;
}

void MainWindow::setPage(Page page) {
  switch (page) {
    case Page::Meetings:
      m_stack->setCurrentWidget(m_listPage);
      break;
    case Page::Meeting:
      m_stack->setCurrentWidget(m_meetingPage);
      break;
    case Page::Viewer:
      m_stack->setCurrentWidget(m_viewerPage);
      break;
  }
  m_back->setVisible(page != Page::Meetings);
  updateTitle();
}

void MainWindow::updateTitle() {
  switch (page()) {
    case Page::Meetings:
      m_fullTitle = tr("Hopso — My meetings");
      break;
    case Page::Meeting:
      m_fullTitle = tr("Agenda");
      break;
    case Page::Viewer:
      m_fullTitle = m_viewerPage->title();
      break;
  }
  elideTitle();
}

void MainWindow::elideTitle() {
  m_title->setText(
      m_title->fontMetrics().elidedText(m_fullTitle, Qt::ElideRight, qMax(0, m_title->width())));
  m_title->setToolTip(m_fullTitle);
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_title && event->type() == QEvent::Resize) elideTitle();
  return QMainWindow::eventFilter(watched, event);
}

void MainWindow::resizeEvent(QResizeEvent* event) {
  QMainWindow::resizeEvent(event);
  // Portrait: the title needs the room more than the user's name, and the
  // viewer's tool rows need symbols instead of words. The window's width
  // decides, not the viewer's: the viewer cannot shrink below its wide rows.
  m_user->setVisible(event->size().width() >= 1000);
  m_viewerPage->setCompact(event->size().width() < 1100);
}

void MainWindow::showMeetings() {
  m_meetingPage->close();
  setPage(Page::Meetings);
  m_meetingList->refresh();
}

void MainWindow::openMeeting(const QString& meetingId) {
  m_notice->clear();
  m_meetingPage->open(meetingId);
  setPage(Page::Meeting);
}

void MainWindow::goBack() {
  switch (page()) {
    case Page::Viewer:
      m_viewerPage->close();
      if (m_meetingPage->meetingId().isEmpty()) {
        setPage(Page::Meetings);
      } else {
        setPage(Page::Meeting);
      }
      break;
    case Page::Meeting:
      showMeetings();
      break;
    case Page::Meetings:
      break;
  }
}

void MainWindow::openDocument(const DocumentRef& ref) {
  const QString path = m_cache->cachedPath(ref.sha256);
  if (!path.isEmpty()) {
    m_pending = {};
    m_notice->clear();
    m_viewerPage->open(ref, path);
    setPage(Page::Viewer);
    return;
  }
  m_pending = ref;
  m_notice->showNotice(tr("Downloading “%1”…").arg(ref.title));
  m_cache->fetch(ref.documentId, ref.sha256);
}

void MainWindow::scanQrCode() {
  auto dialog = new QrScanDialog(QrPayload::Kind::Document, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QDialog::accepted, this,
          [this, dialog] { openQrPayload(dialog->payload().text); });
  dialog->open();
}

void MainWindow::openQrPayload(const QString& text) {
  const QrPayload payload = QrPayload::parse(text);
  if (payload.kind != QrPayload::Kind::Document) {
    m_notice->showNotice(tr("This QR code is not a Hopso document code."), NoticeBar::Error);
    return;
  }
  m_notice->showNotice(tr("Looking up the code…"));
  m_api->run<Resolved>(
      this,
      [c = m_api->connection(), text = payload.text, code = payload.code,
       hashPrefix = payload.hashPrefix] {
        Resolved r;
        v1::ResolveQrRequest request;
        request.set_payload(text.toStdString());
        r.status = c->documents().ResolveQr(c->context().get(), request, &r.target);
        // The server answers NOT_FOUND when the printed hash prefix is not its
        // content's. Asking again with the bare code tells an outdated or
        // forged print (refused below with its own message) from a code the
        // user may not see.
        if (r.status.error_code() == grpc::StatusCode::NOT_FOUND && !hashPrefix.isEmpty()) {
          request.set_payload(code.toStdString());
          v1::QrTarget bare;
          if (c->documents().ResolveQr(c->context().get(), request, &bare).ok()) {
            r.status = grpc::Status::OK;
            r.target = bare;
          }
        }
        if (!r.status.ok() || r.target.document_id().empty()) return r;
        v1::GetDocumentRequest get;
        get.set_id(r.target.document_id());
        r.status = c->documents().GetDocument(c->context().get(), get, &r.document);
        return r;
      },
      [this, payload](Resolved r) {
        m_api->reportStatus(r.status);
        if (!r.status.ok()) {
          m_notice->showNotice(Messages::document(r.status), NoticeBar::Error);
          return;
        }
        const QString meetingId = QString::fromStdString(r.target.meeting_id());
        if (r.target.document_id().empty()) {
          // A code for a meeting or an agenda item.
          m_notice->clear();
          openMeeting(meetingId);
          return;
        }
        const QString sha256 = DocumentCache::hex(r.target.sha256());
        // The code was printed for one exact content; what the server serves
        // now must be that content, or the delegate could be reading a
        // different text than the one in their hands.
        if (!payload.matchesHash(sha256)) {
          qCWarning(lcMainWindow) << "QR hash prefix" << payload.hashPrefix << "does not match"
                                  << sha256;
          m_notice->showNotice(
              tr("This QR code does not match the document on the server (the content hash "
                 "differs), so it was not opened. The printed copy may be outdated: ask the "
                 "secretary."),
              NoticeBar::Error);
          return;
        }
        DocumentRef ref;
        ref.meetingId = meetingId;
        ref.documentId = QString::fromStdString(r.target.document_id());
        ref.title = QString::fromStdString(r.target.title());
        if (ref.title.isEmpty()) ref.title = QString::fromStdString(r.document.title());
        ref.sha256 = sha256;
        for (const v1::DocumentVersion& v : r.document.versions()) {
          if (DocumentCache::hex(v.sha256()) == sha256) ref.version = v.number();
        }
        ref.page = qMax(0, r.target.page() - 1);
        // Back from the viewer leads to the meeting the document belongs to.
        if (m_meetingPage->meetingId() != meetingId) m_meetingPage->open(meetingId);
        openDocument(ref);
      });
}

void MainWindow::showSettings() {
  auto dialog = new SettingsDialog(m_session, m_language, m_annotations->pendingCount(), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &SettingsDialog::languageRequested, this, &MainWindow::languageRequested);
  connect(dialog, &SettingsDialog::logoutRequested, this, &MainWindow::logoutRequested);
  dialog->open();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  m_viewerPage->close();
  m_meetingPage->close();
  QMainWindow::closeEvent(event);
}

}  // namespace hopso::client
