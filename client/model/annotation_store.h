// The tablet's copy of annotations and the changes not yet on the server.
#ifndef HOPSO_CLIENT_MODEL_ANNOTATION_STORE_H_
#define HOPSO_CLIENT_MODEL_ANNOTATION_STORE_H_

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>

#include <map>
#include <utility>
#include <vector>

#include "hopso/v1/annotation.pb.h"

namespace hopso::client {

class Api;

// AnnotationStore
//
// Keeps, per opened document version ("view": document id + version number),
// the annotations shown there — the user's own and the shared ones of others —
// in `dir`/annotations/, and an outbox of the user's changes not yet
// acknowledged, in `dir`/annotations/outbox.bin. The outbox is written
// atomically on every change, before anything is sent, so a crash or a
// restart loses nothing; the views follow within a second.
//
// sync() pushes the outbox with SaveAnnotations (at most 500 per call) and
// then pulls ListAnnotations (with tombstones) for every view it knows. Every
// change carries a client-chosen id and a revision that only grows, so
// sending the same outbox twice (a lost answer) changes nothing on the
// server. An entry leaves the outbox only when the server acknowledged that
// revision (or holds a newer one). A failed sync is retried when the Api is
// online again; a record() while online syncs shortly after.
class AnnotationStore : public QObject {
  Q_OBJECT

 public:
  static constexpr int kMaxBatch = 500;

  AnnotationStore(Api* api, const QString& dir, QObject* parent = nullptr);
  // Writes what is not written yet.
  ~AnnotationStore() override;

  // The logged-in user: new annotations are theirs, and only theirs may be
  // changed. Set it before recording anything.
  void setUserId(const QString& userId) { m_userId = userId; }
  QString userId() const { return m_userId; }

  // newId
  //
  // 22 random characters of [A-Za-z0-9_-] (128 bits).
  static QString newId();

  // annotations
  //
  // What the view shows: not deleted, own and shared, in drawing order.
  QList<v1::Annotation> annotations(const QString& documentId, int version) const;
  // The annotation with that id in the view, tombstones included; nullptr
  // when unknown.
  const v1::Annotation* find(const QString& documentId, int version, const QString& id) const;

  // record
  //
  // Stores a change made by the user on the view (documentId, version) and
  // queues it for the server; emits annotationsChanged. The caller sets the
  // revision (higher than before) and the deleted flag.
  void record(const QString& documentId, int version, const v1::Annotation& annotation);
  // The pending change of that id (nullptr when none), e.g. for tests.
  const v1::Annotation* pending(const QString& id) const;

  // open
  //
  // Remembers the view (so sync() pulls it) and pulls it now when online.
  void open(const QString& documentId, int version);

  int pendingCount() const { return int(m_outbox.size()); }
  bool isSyncing() const { return m_syncing; }

  // sync
  //
  // Push, then pull. A sync() while one runs runs again after it.
  void sync();

 signals:
  void annotationsChanged(const QString& documentId, int version);
  void pendingCountChanged(int pending);
  // After a sync that reached the server (push and pull both done).
  void synced();
  void syncFailed(const QString& message);

 private:
  struct View {
    QString documentId;
    int version = 0;
    // By id; the order of first appearance is kept in `order`.
    std::map<std::string, v1::Annotation> byId;
    std::vector<std::string> order;
  };

  static QString viewKey(const QString& documentId, int version);
  View& view(const QString& documentId, int version);
  // Puts `annotation` into the view unless the view holds a newer revision.
  static bool putInView(View& view, const v1::Annotation& annotation);
  QString viewPath(const View& view) const;
  QString outboxPath() const;
  void loadFromDisk();
  bool saveView(const View& view) const;
  void markDirty(const QString& viewKey);
  void flushViews();
  bool saveOutbox() const;
  void scheduleSync();
  void push();
  void pull();
  void finishSync(bool ok, const QString& message);
  void onOnline(bool online);

  Api* const m_api;
  const QString m_dir;
  QString m_userId;
  QHash<QString, View> m_views;
  // Views opened in this run: the ones a sync pulls.
  QSet<QString> m_openViews;
  // Pending changes by id, with the view they were recorded in. Only the
  // newest revision of an annotation needs sending.
  std::map<std::string, std::pair<QString, v1::Annotation>> m_outbox;
  // After the server refused a batch, changes go one by one so that one bad
  // annotation cannot hold back the others.
  int m_batchLimit = kMaxBatch;
  QSet<QString> m_dirtyViews;
  QTimer m_flushTimer;
  bool m_syncing = false;
  bool m_syncAgain = false;
  bool m_syncScheduled = false;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_MODEL_ANNOTATION_STORE_H_
