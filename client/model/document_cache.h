// Document versions on the tablet's disk, named by their SHA-256, so that
// they open offline and are never trusted without checking their hash.
#ifndef HOPSO_CLIENT_MODEL_DOCUMENT_CACHE_H_
#define HOPSO_CLIENT_MODEL_DOCUMENT_CACHE_H_

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

#include <atomic>
#include <memory>

#include <grpcpp/support/status.h>

#include "client/net/call_canceller.h"
#include "hopso/v1/document.pb.h"

namespace hopso::client {

class Api;

// DocumentCache
//
// Files live in `dir` as "<sha256 hex>.pdf". A download is written to
// "<sha256 hex>.part" and continues from its size after an interruption
// (Download with offset); the whole file is hashed and renamed into place
// only when the SHA-256 matches, so a cached file is always complete.
// Transient failures (offline) keep the partial file and are retried when
// the Api is online again; other failures end the fetch with fetchFailed.
// All SHA-256 values here are lowercase hex.
// Example:
//   connect(cache, &DocumentCache::fetched, this, [](QString docId, QString sha, QString path) {...});
//   cache->fetch(docId, sha);       // emits fetched at once when cached
//   QString path = cache->cachedPath(sha);   // offline: "" when absent
class DocumentCache : public QObject {
  Q_OBJECT

 public:
  DocumentCache(Api* api, const QString& dir, QObject* parent = nullptr);
  // Cancels running downloads (their partial files stay for next time).
  ~DocumentCache() override;

  QString dir() const { return m_dir; }

  // The cached file of that version, or an empty string.
  QString cachedPath(const QString& sha256) const;
  bool isCached(const QString& sha256) const { return !cachedPath(sha256).isEmpty(); }
  // Hashes the cached file again; false (and the file removed) when it no
  // longer matches, e.g. after a disk error.
  bool verifyCached(const QString& sha256);
  // Bytes of a partial download (0 when none).
  qint64 partialSize(const QString& sha256) const;

  // fetch
  //
  // Downloads the version `sha256` of the document unless cached; emits
  // fetched, or fetchFailed for a lasting failure. A second fetch of the
  // same version while one runs only waits for it.
  void fetch(const QString& documentId, const QString& sha256);
  bool isFetching(const QString& sha256) const { return m_jobs.contains(sha256); }

  // downloadMeeting
  //
  // Lists the meeting's documents and fetches the current version of each,
  // one after the other, emitting meetingProgress on the way and
  // meetingDownloaded at the end, or meetingDownloadFailed with the first
  // lasting error. A download cut by the network waits and carries on (from
  // where it stopped) when the Api is online again; listing the documents
  // while offline fails at once.
  void downloadMeeting(const QString& meetingId);
  // The same for a list already at hand (e.g. AgendaModel::documents()).
  void downloadDocuments(const QString& meetingId, const QList<v1::Document>& documents);

  static QString hex(const std::string& sha256Bytes);

 signals:
  void fetched(const QString& documentId, const QString& sha256, const QString& path);
  void fetchFailed(const QString& documentId, const QString& sha256, const QString& message);
  void fetchProgress(const QString& documentId, const QString& sha256, qint64 received,
                     qint64 total);
  void meetingProgress(const QString& meetingId, int documentsDone, int documentsTotal,
                       qint64 bytesDone, qint64 bytesTotal);
  void meetingDownloaded(const QString& meetingId);
  void meetingDownloadFailed(const QString& meetingId, const QString& message);

 private:
  struct Job {
    QString documentId;
    std::shared_ptr<CallCanceller> cancel;
    bool waitingForNetwork = false;
  };
  struct MeetingJob;

  void startJob(const QString& sha256);
  void onJobDone(const QString& sha256, const grpc::Status& status, const QString& path);
  void onJobProgress(const QString& sha256, qint64 received, qint64 total);
  void continueMeeting(const QString& meetingId);
  void onOnline(bool online);
  QString finalPath(const QString& sha256) const;
  QString partPath(const QString& sha256) const;

  Api* const m_api;
  const QString m_dir;
  QHash<QString, Job> m_jobs;  // by sha256
  QHash<QString, std::shared_ptr<MeetingJob>> m_meetingJobs;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_MODEL_DOCUMENT_CACHE_H_
