#include "client/model/document_cache.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTimer>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "client/net/api.h"

Q_LOGGING_CATEGORY(lcDocuments, "hopso.documents")

namespace hopso::client {
namespace {

constexpr int kPageSize = 200;

bool hashFile(QFile& file, QCryptographicHash& hash) {
  file.seek(0);
  return hash.addData(&file);
}

}  // namespace

struct DocumentCache::MeetingJob {
  QString meetingId;
  QList<v1::Document> documents;
  int next = 0;  // the document being fetched, or the next one
  qint64 bytesTotal = 0;
  qint64 bytesDone = 0;  // of documents finished
  QString currentSha;
};

DocumentCache::DocumentCache(Api* api, const QString& dir, QObject* parent)
    : QObject(parent), m_api(api), m_dir(dir) {
  QDir().mkpath(m_dir);
  connect(m_api, &Api::onlineChanged, this, &DocumentCache::onOnline);
}

DocumentCache::~DocumentCache() {
  for (const Job& job : std::as_const(m_jobs)) job.cancel->cancel();
}

QString DocumentCache::hex(const std::string& sha256Bytes) {
  return QString::fromLatin1(QByteArray::fromStdString(sha256Bytes).toHex());
}

QString DocumentCache::finalPath(const QString& sha256) const {
  return QDir(m_dir).filePath(sha256.toLower() + QStringLiteral(".pdf"));
}

QString DocumentCache::partPath(const QString& sha256) const {
  return QDir(m_dir).filePath(sha256.toLower() + QStringLiteral(".part"));
}

QString DocumentCache::cachedPath(const QString& sha256) const {
  if (sha256.size() != 64) return {};
  const QString path = finalPath(sha256);
  return QFileInfo::exists(path) ? path : QString();
}

bool DocumentCache::verifyCached(const QString& sha256) {
  const QString path = cachedPath(sha256);
  if (path.isEmpty()) return false;
  QFile file(path);
  QCryptographicHash hash(QCryptographicHash::Sha256);
  if (file.open(QIODevice::ReadOnly) && hashFile(file, hash) &&
      QString::fromLatin1(hash.result().toHex()) == sha256.toLower()) {
    return true;
  }
  qCWarning(lcDocuments) << "cached file" << path << "no longer matches its SHA-256; removing it";
  QFile::remove(path);
  return false;
}

qint64 DocumentCache::partialSize(const QString& sha256) const {
  return QFileInfo(partPath(sha256)).size();
}

void DocumentCache::fetch(const QString& documentId, const QString& sha256In) {
  const QString sha256 = sha256In.toLower();
  const QString cached = cachedPath(sha256);
  if (!cached.isEmpty()) {
    QTimer::singleShot(0, this, [this, documentId, sha256, cached] {
      emit fetched(documentId, sha256, cached);
    });
    return;
  }
  if (m_jobs.contains(sha256)) return;
  if (sha256.size() != 64 || QByteArray::fromHex(sha256.toLatin1()).size() != 32) {
    QTimer::singleShot(0, this, [this, documentId, sha256] {
      emit fetchFailed(documentId, sha256, DocumentCache::tr("“%1” is not a SHA-256.").arg(sha256));
    });
    return;
  }
  m_jobs.insert(sha256, Job{documentId, std::make_shared<CallCanceller>(), false});
  startJob(sha256);
}

void DocumentCache::startJob(const QString& sha256) {
  Job& job = m_jobs[sha256];
  job.waitingForNetwork = false;
  using Result = CallResult<QString>;
  m_api->runWithProgress<Result>(
      this,
      [connection = m_api->connection(), cancel = job.cancel,
       documentId = job.documentId.toStdString(), sha256, part = partPath(sha256),
       final = finalPath(sha256)](const Progress& progress) {
        Result result;
        const QByteArray wanted = QByteArray::fromHex(sha256.toLatin1());
        QFile file(part);
        if (!file.open(QIODevice::ReadWrite | QIODevice::Append)) {
          result.status = grpc::Status(grpc::StatusCode::INTERNAL,
                                       DocumentCache::tr("Cannot write %1: %2")
                                           .arg(part, file.errorString())
                                           .toStdString());
          return result;
        }
        // Resume: what is already on disk counts towards the hash.
        QCryptographicHash hash(QCryptographicHash::Sha256);
        hashFile(file, hash);
        qint64 offset = file.size();
        file.seek(offset);
        if (offset == 0 || hash.result() != wanted) {
          std::unique_ptr<grpc::ClientContext> context =
              connection->context(std::chrono::milliseconds(0));
          if (!cancel->attach(context.get())) {
            result.status = grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
            return result;
          }
          v1::DownloadRequest request;
          request.set_document_id(documentId);
          request.set_sha256(wanted.toStdString());
          request.set_offset(offset);
          std::unique_ptr<grpc::ClientReader<v1::DownloadChunk>> reader =
              connection->documents().Download(context.get(), request);
          v1::DownloadChunk chunk;
          qint64 total = 0;
          bool first = true;
          grpc::Status failure;
          while (reader->Read(&chunk)) {
            if (first) {
              first = false;
              total = chunk.size_bytes();
              if (!chunk.sha256().empty() && chunk.sha256() != wanted.toStdString()) {
                failure = grpc::Status(
                    grpc::StatusCode::DATA_LOSS,
                    DocumentCache::tr("The server sent another version than asked for.").toStdString());
              }
            }
            if (failure.ok() && chunk.offset() != offset) {
              failure = grpc::Status(
                  grpc::StatusCode::DATA_LOSS,
                  DocumentCache::tr("The server's download broke off in the middle; try again.").toStdString());
            }
            if (failure.ok() &&
                file.write(chunk.data().data(), qint64(chunk.data().size())) !=
                    qint64(chunk.data().size())) {
              failure = grpc::Status(grpc::StatusCode::INTERNAL,
                                     DocumentCache::tr("Cannot write %1: %2")
                                         .arg(part, file.errorString())
                                         .toStdString());
            }
            if (!failure.ok()) {
              context->TryCancel();
              break;
            }
            hash.addData(QByteArrayView(chunk.data().data(), qsizetype(chunk.data().size())));
            offset += qint64(chunk.data().size());
            if (total > 0) progress(offset, total);
          }
          grpc::Status status = reader->Finish();
          cancel->attach(nullptr);
          if (!failure.ok()) status = failure;
          file.flush();
          if (!status.ok()) {
            // Keep what arrived when the network is to blame, to resume it;
            // anything else would only fail the same way again.
            if (!isTransient(status) && status.error_code() != grpc::StatusCode::CANCELLED) {
              file.remove();
            }
            result.status = status;
            return result;
          }
        }
        if (hash.result() != wanted) {
          file.remove();
          result.status = grpc::Status(
              grpc::StatusCode::DATA_LOSS,
              DocumentCache::tr("The downloaded document does not match its SHA-256 and was "
                            "discarded.")
                  .toStdString());
          return result;
        }
        // Durable before it is visible under its final name.
        ::fsync(file.handle());
        file.close();
        if (std::rename(QFile::encodeName(part).constData(),
                        QFile::encodeName(final).constData()) != 0) {
          result.status = grpc::Status(grpc::StatusCode::INTERNAL,
                                       DocumentCache::tr("Cannot move the document into the cache: "
                                                     "%1")
                                           .arg(QString::fromLocal8Bit(std::strerror(errno)))
                                           .toStdString());
          return result;
        }
        // And the rename itself survives a power cut.
        const int dir = ::open(QFile::encodeName(QFileInfo(final).absolutePath()).constData(),
                               O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir >= 0) {
          ::fsync(dir);
          ::close(dir);
        }
        result.value = final;
        return result;
      },
      [this, sha256](qint64 received, qint64 total) { onJobProgress(sha256, received, total); },
      [this, sha256](const Result& result) {
        if (result.ok()) {
          const QString documentId = m_jobs.value(sha256).documentId;
          m_jobs.remove(sha256);
          emit fetched(documentId, sha256, result.value);
        }
        onJobDone(sha256, result.status, result.value);
      });
}

void DocumentCache::onJobProgress(const QString& sha256, qint64 received, qint64 total) {
  const auto job = m_jobs.constFind(sha256);
  if (job == m_jobs.constEnd()) return;
  emit fetchProgress(job->documentId, sha256, received, total);
  for (const std::shared_ptr<MeetingJob>& meeting : std::as_const(m_meetingJobs)) {
    if (meeting->currentSha != sha256) continue;
    emit meetingProgress(meeting->meetingId, meeting->next, int(meeting->documents.size()),
                         meeting->bytesDone + received, meeting->bytesTotal);
  }
}

void DocumentCache::onJobDone(const QString& sha256, const grpc::Status& status,
                              const QString& path) {
  if (!status.ok()) {
    auto job = m_jobs.find(sha256);
    if (job == m_jobs.end()) return;
    if (isTransient(status)) {
      // Api went offline with this failure; onOnline() resumes the download.
      qCInfo(lcDocuments) << "download of" << sha256 << "interrupted; resuming when online at"
              << partialSize(sha256);
      job->waitingForNetwork = true;
      if (m_api->isOnline()) startJob(sha256);
      return;
    }
    const QString documentId = job->documentId;
    m_jobs.erase(job);
    const QString message = statusMessage(status);
    emit fetchFailed(documentId, sha256, message);
    for (auto it = m_meetingJobs.begin(); it != m_meetingJobs.end();) {
      if ((*it)->currentSha == sha256) {
        const QString meetingId = (*it)->meetingId;
        it = m_meetingJobs.erase(it);
        emit meetingDownloadFailed(meetingId, message);
      } else {
        ++it;
      }
    }
    return;
  }
  Q_UNUSED(path);
  const QList<std::shared_ptr<MeetingJob>> meetings = m_meetingJobs.values();
  for (const std::shared_ptr<MeetingJob>& meeting : meetings) {
    if (meeting->currentSha != sha256) continue;
    meeting->bytesDone += meeting->documents.at(meeting->next).versions(0).size_bytes();
    meeting->currentSha.clear();
    ++meeting->next;
    continueMeeting(meeting->meetingId);
  }
}

void DocumentCache::onOnline(bool online) {
  if (!online) return;
  const QStringList waiting = [this] {
    QStringList shas;
    for (auto it = m_jobs.cbegin(); it != m_jobs.cend(); ++it) {
      if (it->waitingForNetwork) shas << it.key();
    }
    return shas;
  }();
  for (const QString& sha : waiting) startJob(sha);
}

void DocumentCache::downloadMeeting(const QString& meetingId) {
  using Result = CallResult<QList<v1::Document>>;
  m_api->run<Result>(
      this,
      [connection = m_api->connection(), id = meetingId.toStdString()] {
        Result result;
        v1::ListDocumentsRequest request;
        request.set_meeting_id(id);
        request.set_page_size(kPageSize);
        do {
          v1::ListDocumentsResponse response;
          result.status = connection->documents().ListDocuments(connection->context().get(),
                                                                request, &response);
          if (!result.ok()) return result;
          for (const v1::Document& d : response.documents()) result.value.append(d);
          request.set_page_token(response.next_page_token());
        } while (!request.page_token().empty());
        return result;
      },
      [this, meetingId](const Result& result) {
        if (!result.ok()) {
          emit meetingDownloadFailed(meetingId, statusMessage(result.status));
          return;
        }
        downloadDocuments(meetingId, result.value);
      });
}

void DocumentCache::downloadDocuments(const QString& meetingId,
                                      const QList<v1::Document>& documents) {
  auto job = std::make_shared<MeetingJob>();
  job->meetingId = meetingId;
  for (const v1::Document& d : documents) {
    if (d.versions_size() == 0) continue;
    job->documents.append(d);
    job->bytesTotal += d.versions(0).size_bytes();
  }
  m_meetingJobs.insert(meetingId, job);
  continueMeeting(meetingId);
}

void DocumentCache::continueMeeting(const QString& meetingId) {
  const std::shared_ptr<MeetingJob> job = m_meetingJobs.value(meetingId);
  if (!job) return;
  // Cached documents count as done straight away.
  while (job->next < job->documents.size() &&
         isCached(hex(job->documents.at(job->next).versions(0).sha256()))) {
    job->bytesDone += job->documents.at(job->next).versions(0).size_bytes();
    ++job->next;
  }
  emit meetingProgress(meetingId, job->next, int(job->documents.size()), job->bytesDone,
                       job->bytesTotal);
  if (job->next >= job->documents.size()) {
    m_meetingJobs.remove(meetingId);
    emit meetingDownloaded(meetingId);
    return;
  }
  const v1::Document& document = job->documents.at(job->next);
  job->currentSha = hex(document.versions(0).sha256());
  fetch(QString::fromStdString(document.id()), job->currentSha);
}

}  // namespace hopso::client
