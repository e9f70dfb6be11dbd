// One meeting's agenda as a tree, with the documents of each item.
#ifndef HOPSO_CLIENT_MODEL_AGENDA_MODEL_H_
#define HOPSO_CLIENT_MODEL_AGENDA_MODEL_H_

#include <QAbstractItemModel>
#include <QList>
#include <QString>

#include <memory>
#include <vector>

#include "hopso/v1/document.pb.h"
#include "hopso/v1/meeting.pb.h"

namespace hopso::client {

class Api;
class MeetingWatcher;

// AgendaModel
//
// Tree: agenda items in their order (sub-items under their item); under each
// item first its documents, then its sub-items. Documents that belong to the
// meeting as a whole sit under a first node "Meeting documents" (only when
// there are any). Columns: 0 number and title, 1 presenter, 2 planned
// minutes. The current item is marked live (LiveRole, bold font).
//
// load() reads GetMeeting, GetAgenda and ListDocuments; attach() follows a
// MeetingWatcher so that agenda, current item and documents stay current
// (applyEvent). The last state is kept in `cacheDir` (when given) so that
// the agenda opens offline.
class AgendaModel : public QAbstractItemModel {
  Q_OBJECT

 public:
  enum class NodeKind { Group, Item, Document };
  enum Role {
    KindRole = Qt::UserRole + 1,  // int, NodeKind
    IdRole,                       // agenda item id or document id
    NumberRole,                   // "1.2"
    TitleRole,
    PresenterRole,
    PlannedMinutesRole,
    LiveRole,                     // bool: the current item (or a document of it)
    DocumentIdRole,
    Sha256Role,                   // current version, lowercase hex
    VersionRole,                  // current version number
    VersionsRole,                 // QVariantList of QVariantMap {number, sha256, sizeBytes,
                                  // pageCount, filename, createTime}, newest first
    PageCountRole,
    SizeBytesRole,
    ConfidentialRole,
  };

  explicit AgendaModel(Api* api, const QString& cacheDir = {}, QObject* parent = nullptr);
  ~AgendaModel() override;

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

  QString meetingId() const { return QString::fromStdString(m_meeting.id()); }
  const v1::Meeting& meeting() const { return m_meeting; }
  QString currentItemId() const { return QString::fromStdString(m_meeting.current_item_id()); }
  // The documents currently known, in agenda order.
  QList<v1::Document> documents() const;
  // nullptr when unknown.
  const v1::Document* document(const QString& documentId) const;
  QModelIndex indexOfItem(const QString& itemId) const;
  QModelIndex indexOfDocument(const QString& documentId) const;
  bool isLoading() const { return m_loading; }

  // load
  //
  // Fetches meeting, agenda and documents (every page). Offline, shows the
  // cached copy and emits loaded(true).
  void load(const QString& meetingId);
  // attach
  //
  // Applies every event of `watcher` (which must follow the same meeting).
  void attach(MeetingWatcher* watcher);

  // Replace the pieces directly (load() ends here; also for tests).
  void setMeeting(const v1::Meeting& meeting);
  void setAgenda(const v1::Agenda& agenda);
  void setDocuments(const QList<v1::Document>& documents);

 public slots:
  // Agenda changes replace the agenda, current_item_changed moves the live
  // mark, state changes and meeting updates update the meeting, document
  // changes re-read that document (GetDocument; NOT_FOUND removes it).
  // Events the loaded state already includes (seq <= the meeting's
  // last_event_seq) are skipped, so a watcher may replay from 0.
  void applyEvent(const hopso::v1::MeetingEvent& event);

 signals:
  void loadingChanged(bool loading);
  void loaded(bool fromCache);
  void errorOccurred(const QString& message);
  void currentItemChanged(const QString& itemId);
  void documentsChanged();
  void meetingChanged();

 private:
  struct Node;
  void rebuild();
  QString cachePath(const QString& meetingId) const;
  void saveCache() const;
  bool loadCache(const QString& meetingId);
  void refreshDocument(const QString& documentId);
  Node* nodeOf(const QModelIndex& index) const;
  QModelIndex indexOfNode(const Node* node, int column = 0) const;

  Api* const m_api;
  const QString m_cacheDir;
  v1::Meeting m_meeting;
  v1::Agenda m_agenda;
  QList<v1::Document> m_documents;
  std::unique_ptr<Node> m_root;
  QString m_requested;  // the meeting of the latest load()
  bool m_loading = false;
  // Events that arrived while loading, applied when the load answers.
  QList<v1::MeetingEvent> m_pendingEvents;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_MODEL_AGENDA_MODEL_H_
