// hopso-tablet's windows against a real hopsod: signing in with
// pin-on-first-use, the meeting list, the agenda with its documents, opening
// a document from the agenda and from a QR code (with the hash check and a
// code the delegate may not see).
#include <QFile>
#include <QLabel>
#include <QPainter>
#include <QPdfDocument>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <gtest/gtest.h>

#include "client/model/agenda_model.h"
#include "client/model/meeting_list_model.h"
#include "client/net/api.h"
#include "client/scan/qr_decoder.h"
#include "client/scan/qr_payload.h"
#include "client/ui/login_window.h"
#include "client/ui/main_window.h"
#include "client/ui/meeting_list_page.h"
#include "client/ui/notice_bar.h"
#include "client/ui/offline_banner.h"
#include "client/ui/tablet_app.h"
#include "client/ui/trust_dialog.h"
#include "client/ui/viewer_page.h"
#include "tests/integration/fixtures.h"

namespace hopso::client {
namespace {

using integration::Cast;
using integration::HopsodProcess;

bool waitUntil(const std::function<bool()>& condition, int timeoutMs = 30000) {
  QDeadlineTimer deadline(timeoutMs);
  while (!condition()) {
    if (deadline.hasExpired()) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
  }
  return true;
}

class MainWindowTest : public integration::HopsodTest {
 protected:
  void SetUp() override {
    HopsodTest::SetUp();
    ASSERT_NE(server_, nullptr);
    ASSERT_OK_AND_ASSIGN(cast_, integration::MakeCast(*server_, "Sở Thông tin và Truyền thông", "ui"));
    ASSERT_OK_AND_ASSIGN(meeting_,
                         integration::MakeMeeting(cast_, v1::MEETING_STATE_PUBLISHED,
                                                  "Họp giao ban tháng 12"));
    ASSERT_OK_AND_ASSIGN(agenda_, integration::GetAgenda(cast_.secretary, meeting_.id()));
    ASSERT_OK_AND_ASSIGN(
        document_, integration::UploadDocument(
                       cast_.secretary, meeting_.id(), "Tờ trình về phòng họp không giấy",
                       integration::DemoPdf(*server_, "Về phòng họp không giấy", 3),
                       agenda_.items(1).id()));
    address_ = QString::fromStdString(server_->address());
    const QList<QSslCertificate> certs =
        QSslCertificate::fromData(QByteArray::fromStdString(server_->root_cert()));
    ASSERT_EQ(certs.size(), 1);
    certificate_ = certs.first();
    ASSERT_TRUE(dataDir_.isValid());
  }

  // A session of the delegate as the login window would have made it.
  Session delegateSession() {
    Session session;
    session.trust = ServerTrust::pinned(address_, certificate_);
    session.token = QString::fromStdString(cast_.delegate.token);
    session.user = cast_.delegate.user;
    return session;
  }

  Cast cast_;
  v1::Meeting meeting_;
  v1::Agenda agenda_;
  v1::Document document_;
  QString address_;
  QSslCertificate certificate_;
  QTemporaryDir dataDir_;
};

TEST_F(MainWindowTest, SignsInWithPinOnFirstUse) {
  LoginWindow window;
  window.show();
  window.findChild<QLineEdit*>(QStringLiteral("address"))->setText(address_);
  window.findChild<QLineEdit*>(QStringLiteral("username"))
      ->setText(QString::fromStdString(cast_.delegate.user.username()));
  window.findChild<QLineEdit*>(QStringLiteral("password"))->setText(QStringLiteral("sai mật khẩu"));
  window.signIn();
  // First contact: the certificate is shown for comparison before anything
  // is sent.
  ASSERT_TRUE(waitUntil([&] { return window.trustDialog() != nullptr; }));
  auto fingerprint = window.trustDialog()->findChild<QLabel*>(QStringLiteral("fingerprint"));
  ASSERT_NE(fingerprint, nullptr);
  EXPECT_EQ(fingerprint->text().remove(QRegularExpression(QStringLiteral("[:\\s]"))).toLower(),
            QString::fromLatin1(certificateFingerprint(certificate_)));
  window.trustDialog()->findChild<QPushButton*>(QStringLiteral("trustButton"))->click();
  ASSERT_TRUE(waitUntil([&] { return !window.isBusy() && !window.errorText().isEmpty(); }));
  EXPECT_EQ(window.errorText(), QStringLiteral("Wrong username or password."));

  // The trust is kept: the second attempt asks nothing and signs in.
  QSignalSpy loggedIn(&window, &LoginWindow::loggedIn);
  window.findChild<QLineEdit*>(QStringLiteral("password"))
      ->setText(QString::fromUtf8(integration::kPassword));
  window.signIn();
  EXPECT_EQ(window.trustDialog(), nullptr);
  ASSERT_TRUE(loggedIn.wait(30000));
  const auto session = loggedIn.first().first().value<Session>();
  EXPECT_EQ(session.trust.mode, ServerTrust::Pinned);
  EXPECT_EQ(session.trust.fingerprintSha256, certificateFingerprint(certificate_));
  EXPECT_EQ(session.user.id(), cast_.delegate.user.id());
  EXPECT_FALSE(session.token.isEmpty());
}

TEST_F(MainWindowTest, NavigatesFromMeetingsToTheViewerAndBack) {
  const Session session = delegateSession();
  std::shared_ptr<Connection> connection = session.connect();
  ASSERT_NE(connection, nullptr);
  Api api(connection);
  MainWindow window(&api, session, dataDir_.path(), QStringLiteral("en"));
  window.resize(1280, 800);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  EXPECT_EQ(window.page(), MainWindow::Page::Meetings);

  ASSERT_TRUE(waitUntil([&] { return window.meetingList()->rowCount() == 1; }));
  QListView* list = window.meetingListPage()->view();
  const QModelIndex first = window.meetingList()->index(0);
  EXPECT_EQ(first.data(MeetingListModel::TitleRole).toString(),
            QStringLiteral("Họp giao ban tháng 12"));
  QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(first).center());
  ASSERT_EQ(window.page(), MainWindow::Page::Meeting);

  AgendaModel* agenda = window.meetingPage()->model();
  ASSERT_TRUE(waitUntil([&] {
    return agenda->indexOfDocument(QString::fromStdString(document_.id())).isValid();
  }));
  const QModelIndex item = agenda->indexOfItem(QString::fromStdString(agenda_.items(1).id()));
  EXPECT_EQ(item.data(AgendaModel::NumberRole).toString(), QStringLiteral("2"));
  window.meetingPage()->selectDocument(QString::fromStdString(document_.id()));
  auto open = window.meetingPage()->findChild<QPushButton*>(QStringLiteral("openDocument"));
  ASSERT_NE(open, nullptr);
  ASSERT_TRUE(open->isVisible());
  open->click();
  // Downloaded, checked and shown.
  ASSERT_TRUE(waitUntil([&] { return window.page() == MainWindow::Page::Viewer; }))
      << window.noticeBar()->text().toStdString();
  EXPECT_EQ(window.viewerPage()->document().documentId, QString::fromStdString(document_.id()));
  EXPECT_EQ(window.viewerPage()->pageCount(), 3);
  EXPECT_EQ(window.viewerPage()->title(), QStringLiteral("Tờ trình về phòng họp không giấy"));

  // With sharing on, a new stroke is shared with the participants.
  ViewerPage* viewer = window.viewerPage();
  viewer->setSharesNewAnnotations(true);
  v1::Annotation ink;
  ink.set_page(0);
  ink.set_kind(v1::ANNOTATION_KIND_INK);
  ink.set_width(1.5f);
  for (int i = 0; i < 10; ++i) {
    v1::InkPoint* point = ink.add_points();
    point->set_x(100 + 10 * i);
    point->set_y(200);
    point->set_pressure(1);
  }
  const QString id = viewer->annotationModel()->add(ink);
  ASSERT_TRUE(waitUntil([&] {
    const v1::Annotation* a = viewer->annotationModel()->annotation(id);
    return a && a->visibility() == v1::ANNOTATION_VISIBILITY_SHARED;
  }));

  // "My annotated copy": the server's PDF with the stroke, saved whole.
  const QString copy = dataDir_.filePath(QStringLiteral("bản có ghi chú.pdf"));
  QSignalSpy exported(viewer, &ViewerPage::exported);
  viewer->exportAnnotatedCopyTo(copy, false);
  ASSERT_TRUE(exported.wait(30000)) << window.noticeBar()->text().toStdString();
  QFile file(copy);
  ASSERT_TRUE(file.open(QIODevice::ReadOnly));
  const QByteArray bytes = file.readAll();
  EXPECT_TRUE(bytes.startsWith("%PDF-"));
  EXPECT_TRUE(bytes.contains("/Annot")) << "no annotation written into the copy";

  window.goBack();
  EXPECT_EQ(window.page(), MainWindow::Page::Meeting);
  window.goBack();
  EXPECT_EQ(window.page(), MainWindow::Page::Meetings);
}

TEST_F(MainWindowTest, QrCodesOpenAtThePageAndRefuseWhatDoesNotMatch) {
  integration::Client& secretary = cast_.secretary;
  v1::GetQrCodeRequest request;
  request.set_meeting_id(meeting_.id());
  request.set_document_id(document_.id());
  request.set_page(2);
  ASSERT_OK_AND_ASSIGN(v1::QrCode qr, integration::Call(*integration::Documents(secretary),
                                                        &v1::DocumentService::Stub::GetQrCode,
                                                        request));
  // A confidential document the delegate is not named for.
  ASSERT_OK_AND_ASSIGN(
      v1::Document secret,
      integration::UploadDocument(secretary, meeting_.id(), "Báo cáo mật",
                                  integration::DemoPdf(*server_, "Báo cáo mật", 1,
                                                       pdf::DemoDocKind::kBaoCao)));
  request.set_document_id(secret.id());
  request.set_page(0);
  ASSERT_OK_AND_ASSIGN(v1::QrCode secretQr, integration::Call(*integration::Documents(secretary),
                                                              &v1::DocumentService::Stub::GetQrCode,
                                                              request));
  v1::SetConfidentialityRequest confidential;
  confidential.set_document_id(secret.id());
  confidential.set_confidential(true);
  ASSERT_OK(integration::Call(*integration::Documents(secretary),
                              &v1::DocumentService::Stub::SetConfidentiality, confidential));

  const Session session = delegateSession();
  Api api(session.connect());
  MainWindow window(&api, session, dataDir_.path(), QStringLiteral("en"));
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));

  // A code whose hash prefix differs from what the server serves.
  QString forged = QString::fromStdString(qr.payload());
  forged.replace(forged.size() - 8, 8, QStringLiteral("00000000"));
  window.openQrPayload(forged);
  ASSERT_TRUE(waitUntil([&] { return window.noticeBar()->kind() == NoticeBar::Error; }));
  EXPECT_TRUE(window.noticeBar()->text().contains(QStringLiteral("does not match")))
      << window.noticeBar()->text().toStdString();
  EXPECT_EQ(window.page(), MainWindow::Page::Meetings);

  window.noticeBar()->clear();
  window.openQrPayload(QString::fromStdString(secretQr.payload()));
  ASSERT_TRUE(waitUntil([&] { return !window.noticeBar()->text().isEmpty() &&
                                     window.noticeBar()->kind() == NoticeBar::Error; }));
  EXPECT_TRUE(window.noticeBar()->text().startsWith(
      QStringLiteral("This document does not exist or you may not see it.")))
      << window.noticeBar()->text().toStdString();
  EXPECT_EQ(window.page(), MainWindow::Page::Meetings);

  // The real code opens the document at its page (2, shown 0-based as 1),
  // with its meeting behind it.
  window.openQrPayload(QString::fromStdString(qr.payload()));
  ASSERT_TRUE(waitUntil([&] { return window.page() == MainWindow::Page::Viewer; }))
      << window.noticeBar()->text().toStdString();
  EXPECT_EQ(window.viewerPage()->document().documentId, QString::fromStdString(document_.id()));
  ASSERT_TRUE(waitUntil([&] { return window.viewerPage()->currentPage() == 1; }));
  window.goBack();
  EXPECT_EQ(window.page(), MainWindow::Page::Meeting);
  EXPECT_EQ(window.meetingPage()->meetingId(), QString::fromStdString(meeting_.id()));
}

// The handout is how delegates reach documents on paper: every code printed on
// it, photographed (here: rendered by QtPdf, as a camera would see the page),
// must open its own document.
TEST_F(MainWindowTest, EveryCodeOnTheHandoutOpensItsDocument) {
  integration::Client& secretary = cast_.secretary;
  ASSERT_OK_AND_ASSIGN(
      v1::Document second,
      integration::UploadDocument(secretary, meeting_.id(), "Dự thảo nghị quyết về chuyển đổi số",
                                  integration::DemoPdf(*server_, "Dự thảo nghị quyết", 2),
                                  agenda_.items(0).id()));
  v1::GenerateMeetingPdfRequest request;
  request.set_meeting_id(meeting_.id());
  ASSERT_OK_AND_ASSIGN(v1::Document handout,
                       integration::Call(*integration::Documents(secretary),
                                         &v1::DocumentService::Stub::GenerateHandout, request));
  ASSERT_OK_AND_ASSIGN(integration::Downloaded pdf, integration::Download(secretary, handout.id()));
  const QString path = dataDir_.filePath(QStringLiteral("handout.pdf"));
  QFile out(path);
  ASSERT_TRUE(out.open(QIODevice::WriteOnly));
  out.write(pdf.data.data(), qint64(pdf.data.size()));
  out.close();

  QPdfDocument document;
  ASSERT_EQ(document.load(path), QPdfDocument::Error::None);
  QStringList codes;
  for (int page = 0; page < document.pageCount(); ++page) {
    const QSize size = (document.pagePointSize(page) * 200.0 / 72.0).toSize();
    codes += decodeQrCodes(document.render(page, size));
  }
  QSet<QString> expected{QString::fromStdString(document_.id()),
                         QString::fromStdString(second.id())};
  QStringList documentCodes;
  for (const QString& code : codes) {
    if (!QrPayload::parse(code).hashPrefix.isEmpty()) documentCodes += code;
  }
  ASSERT_EQ(documentCodes.size(), expected.size()) << codes.join(u' ').toStdString();

  const Session session = delegateSession();
  Api api(session.connect());
  MainWindow window(&api, session, dataDir_.path(), QStringLiteral("vi"));
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  QSet<QString> opened;
  for (const QString& code : documentCodes) {
    window.openQrPayload(code);
    ASSERT_TRUE(waitUntil([&] {
      return window.page() == MainWindow::Page::Viewer &&
             !opened.contains(window.viewerPage()->document().documentId);
    })) << code.toStdString() << ": " << window.noticeBar()->text().toStdString();
    opened.insert(window.viewerPage()->document().documentId);
    window.goBack();
  }
  EXPECT_EQ(opened, expected);
}

TEST_F(MainWindowTest, StaysSignedInAcrossRestartsUntilSignOut) {
  SessionStore store(dataDir_.path());
  ASSERT_TRUE(store.save(delegateSession()));
  {
    TabletApp app({.dataDir = dataDir_.path(), .server = {}, .language = QStringLiteral("en")});
    app.start();
    ASSERT_NE(app.mainWindow(), nullptr);
    EXPECT_EQ(app.loginWindow(), nullptr);
    ASSERT_TRUE(waitUntil([&] { return app.mainWindow()->meetingList()->rowCount() == 1; }));
  }
  // A restart: the same data directory, straight to the meetings again.
  TabletApp app({.dataDir = dataDir_.path(), .server = {}, .language = QStringLiteral("en")});
  app.start();
  ASSERT_NE(app.mainWindow(), nullptr);
  app.logout();
  ASSERT_NE(app.loginWindow(), nullptr);
  EXPECT_FALSE(store.load().has_value());
  // The server and its trust are remembered, the token is not.
  EXPECT_EQ(app.loginWindow()->address(), address_);
  EXPECT_EQ(app.loginWindow()->findChild<QLineEdit*>(QStringLiteral("username"))->text(),
            QString::fromStdString(cast_.delegate.user.username()));
  EXPECT_TRUE(waitUntil([&] { return app.mainWindow() == nullptr; }));
}

TEST_F(MainWindowTest, SaysOfflineWhileTheServerIsDownAndCarriesOn) {
  const Session session = delegateSession();
  Api api(session.connect());
  MainWindow window(&api, session, dataDir_.path(), QStringLiteral("en"));
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  ASSERT_TRUE(waitUntil([&] { return window.meetingList()->rowCount() == 1; }));
  EXPECT_TRUE(window.offlineBanner()->isHidden());

  const int port = server_->port();
  ASSERT_OK(server_->Stop());
  window.meetingList()->refresh();
  ASSERT_TRUE(waitUntil([&] { return !window.offlineBanner()->isHidden(); }));
  EXPECT_TRUE(window.offlineBanner()->text().startsWith(QStringLiteral("Offline")));
  // The list stays, from the tablet's copy.
  EXPECT_EQ(window.meetingList()->rowCount(), 1);

  ASSERT_OK(server_->Launch(port));
  // The Api's probe notices on its own; no user action needed.
  ASSERT_TRUE(waitUntil([&] { return window.offlineBanner()->isHidden(); }, 60000));
}

}  // namespace
}  // namespace hopso::client
