// One meeting: its agenda (numbering, presenters, planned minutes, the
// current item marked live and followed), the documents of each item with
// their versions, and "download the meeting for offline".
#ifndef HOPSO_CLIENT_UI_MEETING_PAGE_H_
#define HOPSO_CLIENT_UI_MEETING_PAGE_H_

#include <QPointer>
#include <QWidget>

#include "client/net/meeting_watcher.h"

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTreeView;

namespace hopso::client {

class AgendaModel;
class Api;
class DocumentCache;

// What the viewer needs to open one version of a document.
struct DocumentRef {
  QString meetingId;
  QString documentId;
  QString title;
  QString sha256;  // lowercase hex
  int version = 0;
  int page = 0;    // 0-based page to open at
};

class MeetingPage : public QWidget {
  Q_OBJECT

 public:
  MeetingPage(Api* api, DocumentCache* cache, const QString& cacheDir, QWidget* parent = nullptr);
  ~MeetingPage() override;

  // Loads the meeting (cached copy first when offline) and follows it live.
  void open(const QString& meetingId);
  void close();
  QString meetingId() const;
  AgendaModel* model() const { return m_model; }
  QTreeView* agendaView() const { return m_tree; }
  MeetingWatcher* watcher() const { return m_watcher; }
  QString downloadStatus() const;

  // Selects the document's row and shows its versions.
  void selectDocument(const QString& documentId);
  void downloadForOffline();

 signals:
  void openDocument(const hopso::client::DocumentRef& ref);
  void scanRequested();
  void titleChanged(const QString& title);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  void updateHeader();
  void updateDetails();
  void followCurrentItem();
  void spanDocuments(const QModelIndex& parent);
  void showDownloadStatus(const QString& text, bool error);
  QString selectedDocumentId() const;

  Api* const m_api;
  DocumentCache* const m_cache;
  AgendaModel* m_model;
  QPointer<MeetingWatcher> m_watcher;
  QLabel* m_title;
  QLabel* m_when;
  QLabel* m_live;
  QPushButton* m_download;
  QProgressBar* m_progress;
  QLabel* m_downloadStatus;
  QPushButton* m_scan;
  QSplitter* m_splitter;
  QTreeView* m_tree;
  QWidget* m_details;
  QLabel* m_detailsTitle;
  QLabel* m_detailsInfo;
  QListWidget* m_versions;
  QPushButton* m_openButton;
};

}  // namespace hopso::client

Q_DECLARE_METATYPE(hopso::client::DocumentRef)

#endif  // HOPSO_CLIENT_UI_MEETING_PAGE_H_
