// The window a delegate works in after login: meeting list → meeting page
// (agenda, documents) → viewer, with the offline banner always on top and
// QR scanning from every page.
#ifndef HOPSO_CLIENT_UI_MAIN_WINDOW_H_
#define HOPSO_CLIENT_UI_MAIN_WINDOW_H_

#include <QMainWindow>

#include "client/net/session_store.h"
#include "client/ui/meeting_page.h"

class QLabel;
class QStackedWidget;
class QToolButton;

namespace hopso::client {

class AnnotationStore;
class Api;
class DocumentCache;
class MeetingListModel;
class MeetingListPage;
class NoticeBar;
class OfflineBanner;
class ViewerPage;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  // `dataDir` holds the caches (documents, annotations, meeting lists).
  MainWindow(Api* api, const Session& session, const QString& dataDir,
             const QString& language, QWidget* parent = nullptr);
  ~MainWindow() override;

  enum class Page { Meetings, Meeting, Viewer };
  Page page() const;

  MeetingListModel* meetingList() const { return m_meetingList; }
  MeetingListPage* meetingListPage() const { return m_listPage; }
  MeetingPage* meetingPage() const { return m_meetingPage; }
  ViewerPage* viewerPage() const { return m_viewerPage; }
  DocumentCache* documentCache() const { return m_cache; }
  AnnotationStore* annotationStore() const { return m_annotations; }
  OfflineBanner* offlineBanner() const { return m_banner; }
  NoticeBar* noticeBar() const { return m_notice; }

  void showMeetings();
  void openMeeting(const QString& meetingId);
  // Opens the version (downloading it first when it is not on the tablet).
  void openDocument(const DocumentRef& ref);
  // The whole QR path for a scanned text: resolve, check the hash prefix,
  // download and verify, open at the page the code names.
  void openQrPayload(const QString& text);
  void scanQrCode();
  void goBack();

 signals:
  void logoutRequested();
  void languageRequested(const QString& language);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void setPage(Page page);
  void showSettings();
  void updateTitle();
  void elideTitle();

  Api* const m_api;
  const Session m_session;
  QString m_language;
  MeetingListModel* m_meetingList;
  DocumentCache* m_cache;
  AnnotationStore* m_annotations;
  OfflineBanner* m_banner;
  NoticeBar* m_notice;
  QToolButton* m_back;
  QLabel* m_title;
  QString m_fullTitle;
  QLabel* m_user;
  QToolButton* m_settings;
  QStackedWidget* m_stack;
  MeetingListPage* m_listPage;
  MeetingPage* m_meetingPage;
  ViewerPage* m_viewerPage;
  // The version being downloaded to open; cleared when it opens or fails.
  DocumentRef m_pending;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_UI_MAIN_WINDOW_H_
