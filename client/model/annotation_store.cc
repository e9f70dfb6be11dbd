#include "client/model/annotation_store.h"

#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QTimer>

#include <functional>

#include "client/net/api.h"

Q_LOGGING_CATEGORY(lcAnnotations, "hopso.annotations")

namespace hopso::client {
namespace {

// Strokes come in quick succession: one push for a burst of them.
constexpr int kSyncDelayMs = 300;
// Views are a cache of what the outbox and the server hold; writing them
// once per burst keeps a long stroke session from rewriting them per stroke.
constexpr int kFlushDelayMs = 1000;

// Both files are QDataStream records of serialized protobuf messages: small,
// fast to write on every stroke, and versioned by a header.
constexpr quint32 kViewMagic = 0x484f4156;    // "HOAV"
constexpr quint32 kOutboxMagic = 0x484f414f;  // "HOAO"
constexpr quint32 kFormat = 1;

bool commit(const QString& path, const std::function<void(QDataStream&)>& write) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return false;
  QDataStream out(&file);
  write(out);
  return out.status() == QDataStream::Ok && file.commit();
}

QByteArray bytesOf(const v1::Annotation& annotation) {
  return QByteArray::fromStdString(annotation.SerializeAsString());
}

// Refusals that will not go away by sending the same change again.
bool isRefusal(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return true;
    default:
      return false;
  }
}

}  // namespace

AnnotationStore::AnnotationStore(Api* api, const QString& dir, QObject* parent)
    : QObject(parent), m_api(api), m_dir(QDir(dir).filePath(QStringLiteral("annotations"))) {
  QDir().mkpath(m_dir);
  m_flushTimer.setSingleShot(true);
  m_flushTimer.setInterval(kFlushDelayMs);
  connect(&m_flushTimer, &QTimer::timeout, this, &AnnotationStore::flushViews);
  loadFromDisk();
  connect(m_api, &Api::onlineChanged, this, &AnnotationStore::onOnline);
  // Changes left from the last run go out without waiting for the next one.
  if (!m_outbox.empty()) scheduleSync();
}

AnnotationStore::~AnnotationStore() { flushViews(); }

QString AnnotationStore::newId() {
  quint32 words[4];
  QRandomGenerator::system()->fillRange(words);
  return QString::fromLatin1(
      QByteArray(reinterpret_cast<const char*>(words), sizeof(words))
          .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString AnnotationStore::viewKey(const QString& documentId, int version) {
  return documentId + u'@' + QString::number(version);
}

AnnotationStore::View& AnnotationStore::view(const QString& documentId, int version) {
  const QString key = viewKey(documentId, version);
  auto it = m_views.find(key);
  if (it == m_views.end()) {
    it = m_views.insert(key, View{documentId, version, {}, {}});
  }
  return *it;
}

bool AnnotationStore::putInView(View& view, const v1::Annotation& annotation) {
  auto [it, inserted] = view.byId.try_emplace(annotation.id(), annotation);
  if (inserted) {
    view.order.push_back(annotation.id());
    return true;
  }
  if (it->second.revision() > annotation.revision()) return false;
  it->second = annotation;
  return true;
}

QString AnnotationStore::viewPath(const View& view) const {
  return QDir(m_dir).filePath(QStringLiteral("%1@v%2.annotations")
                                  .arg(QString::fromLatin1(view.documentId.toUtf8().toPercentEncoding()))
                                  .arg(view.version));
}

QString AnnotationStore::outboxPath() const {
  return QDir(m_dir).filePath(QStringLiteral("outbox.bin"));
}

void AnnotationStore::loadFromDisk() {
  const QStringList files =
      QDir(m_dir).entryList({QStringLiteral("*@v*.annotations")}, QDir::Files, QDir::Name);
  for (const QString& name : files) {
    QFile file(QDir(m_dir).filePath(name));
    if (!file.open(QIODevice::ReadOnly)) continue;
    QDataStream in(&file);
    quint32 magic = 0, format = 0;
    QString documentId;
    qint32 version = 0;
    QList<QByteArray> records;
    in >> magic >> format >> documentId >> version >> records;
    if (in.status() != QDataStream::Ok || magic != kViewMagic || format != kFormat) {
      qCWarning(lcAnnotations) << "ignoring unreadable annotation cache" << name;
      continue;
    }
    View& v = view(documentId, version);
    for (const QByteArray& record : records) {
      v1::Annotation a;
      if (a.ParseFromString(record.toStdString())) putInView(v, a);
    }
  }
  QFile file(outboxPath());
  if (file.open(QIODevice::ReadOnly)) {
    QDataStream in(&file);
    quint32 magic = 0, format = 0;
    QList<QPair<QString, QByteArray>> records;
    in >> magic >> format >> records;
    if (in.status() != QDataStream::Ok || magic != kOutboxMagic || format != kFormat) {
      qCWarning(lcAnnotations) << "the outbox" << outboxPath() << "cannot be read";
    } else {
      for (const auto& [key, record] : records) {
        v1::Annotation a;
        if (!a.ParseFromString(record.toStdString()) || a.id().empty()) continue;
        m_outbox[a.id()] = {key, a};
        // The outbox is written at once, views a little later: after a
        // crash the outbox is the newer of the two.
        const qsizetype at = key.lastIndexOf(u'@');
        putInView(view(key.left(at), key.mid(at + 1).toInt()), a);
      }
    }
  }
  if (!m_outbox.empty()) {
    qCInfo(lcAnnotations) << m_outbox.size() << "annotation changes wait for the server";
  }
}

bool AnnotationStore::saveView(const View& view) const {
  QList<QByteArray> records;
  records.reserve(qsizetype(view.order.size()));
  for (const std::string& id : view.order) records.append(bytesOf(view.byId.at(id)));
  if (commit(viewPath(view), [&](QDataStream& out) {
        out << kViewMagic << kFormat << view.documentId << qint32(view.version) << records;
      })) {
    return true;
  }
  qCWarning(lcAnnotations) << "cannot write" << viewPath(view);
  return false;
}

void AnnotationStore::markDirty(const QString& key) {
  m_dirtyViews.insert(key);
  if (!m_flushTimer.isActive()) m_flushTimer.start();
}

void AnnotationStore::flushViews() {
  m_flushTimer.stop();
  for (const QString& key : std::as_const(m_dirtyViews)) {
    const auto it = m_views.constFind(key);
    if (it != m_views.constEnd()) saveView(*it);
  }
  m_dirtyViews.clear();
}

bool AnnotationStore::saveOutbox() const {
  QList<QPair<QString, QByteArray>> records;
  for (const auto& [id, entry] : m_outbox) records.append({entry.first, bytesOf(entry.second)});
  if (commit(outboxPath(), [&](QDataStream& out) { out << kOutboxMagic << kFormat << records; })) {
    return true;
  }
  qCWarning(lcAnnotations) << "cannot write" << outboxPath();
  return false;
}

QList<v1::Annotation> AnnotationStore::annotations(const QString& documentId, int version) const {
  QList<v1::Annotation> result;
  const auto it = m_views.constFind(viewKey(documentId, version));
  if (it == m_views.constEnd()) return result;
  for (const std::string& id : it->order) {
    const v1::Annotation& a = it->byId.at(id);
    if (!a.deleted()) result.append(a);
  }
  return result;
}

const v1::Annotation* AnnotationStore::find(const QString& documentId, int version,
                                            const QString& id) const {
  const auto it = m_views.constFind(viewKey(documentId, version));
  if (it == m_views.constEnd()) return nullptr;
  const auto found = it->byId.find(id.toStdString());
  return found == it->byId.end() ? nullptr : &found->second;
}

const v1::Annotation* AnnotationStore::pending(const QString& id) const {
  const auto it = m_outbox.find(id.toStdString());
  return it == m_outbox.end() ? nullptr : &it->second.second;
}

void AnnotationStore::record(const QString& documentId, int version,
                             const v1::Annotation& annotation) {
  View& v = view(documentId, version);
  putInView(v, annotation);
  markDirty(viewKey(documentId, version));
  // The outbox is on disk before anything is sent: a crash now loses nothing.
  auto& entry = m_outbox[annotation.id()];
  if (entry.second.revision() <= annotation.revision()) entry = {viewKey(documentId, version), annotation};
  saveOutbox();
  emit annotationsChanged(documentId, version);
  emit pendingCountChanged(pendingCount());
  scheduleSync();
}

void AnnotationStore::open(const QString& documentId, int version) {
  view(documentId, version);
  m_openViews.insert(viewKey(documentId, version));
  sync();
}

void AnnotationStore::scheduleSync() {
  // Offline, the Api's probe has the backoff; its return to online syncs.
  if (m_syncScheduled || !m_api->isOnline()) return;
  m_syncScheduled = true;
  QTimer::singleShot(kSyncDelayMs, this, [this] {
    m_syncScheduled = false;
    sync();
  });
}

void AnnotationStore::onOnline(bool online) {
  if (online && (!m_outbox.empty() || !m_openViews.isEmpty())) sync();
}

void AnnotationStore::sync() {
  if (m_syncing) {
    m_syncAgain = true;
    return;
  }
  m_syncing = true;
  push();
}

void AnnotationStore::push() {
  if (m_outbox.empty()) {
    m_batchLimit = kMaxBatch;
    pull();
    return;
  }
  v1::SaveAnnotationsRequest request;
  for (const auto& [id, entry] : m_outbox) {
    if (request.annotations_size() >= m_batchLimit) break;
    *request.add_annotations() = entry.second;
  }
  using Result = CallResult<v1::SaveAnnotationsResponse>;
  m_api->run<Result>(
      this,
      [connection = m_api->connection(), request] {
        Result result;
        result.status = connection->annotations().SaveAnnotations(connection->context().get(),
                                                                  request, &result.value);
        return result;
      },
      [this, request](const Result& result) {
        if (!result.ok()) {
          if (isRefusal(result.status) && request.annotations_size() == 1) {
            // This one change will never be accepted: drop it rather than
            // hold back everything after it.
            const v1::Annotation& refused = request.annotations(0);
            qCWarning(lcAnnotations) << "server refused annotation"
                                     << QString::fromStdString(refused.id()) << ":"
                                     << QString::fromStdString(result.status.error_message());
            const auto it = m_outbox.find(refused.id());
            if (it != m_outbox.end() && it->second.second.revision() == refused.revision()) {
              m_outbox.erase(it);
              saveOutbox();
              emit pendingCountChanged(pendingCount());
            }
            emit syncFailed(statusMessage(result.status));
            push();
            return;
          }
          if (isRefusal(result.status) && request.annotations_size() > 1) {
            m_batchLimit = 1;
            push();
            return;
          }
          finishSync(false, statusMessage(result.status));
          return;
        }
        QSet<QString> changedViews;
        for (int i = 0; i < request.annotations_size(); ++i) {
          const v1::Annotation& sent = request.annotations(i);
          const v1::Annotation& stored =
              i < result.value.annotations_size() ? result.value.annotations(i) : sent;
          const auto it = m_outbox.find(sent.id());
          if (it == m_outbox.end()) continue;
          const QString key = it->second.first;
          // Acknowledged (or overtaken on the server) unless the user changed
          // it again meanwhile.
          if (it->second.second.revision() <= stored.revision()) m_outbox.erase(it);
          const auto v = m_views.find(key);
          if (v != m_views.end() && putInView(*v, stored)) changedViews.insert(key);
        }
        saveOutbox();
        for (const QString& key : changedViews) {
          const View& v = m_views[key];
          markDirty(key);
          emit annotationsChanged(v.documentId, v.version);
        }
        emit pendingCountChanged(pendingCount());
        push();
      });
}

void AnnotationStore::pull() {
  QList<QPair<QString, int>> views;
  for (const QString& key : std::as_const(m_openViews)) {
    const View& v = m_views[key];
    views.append({v.documentId, v.version});
  }
  if (views.isEmpty()) {
    finishSync(true, {});
    return;
  }
  using Lists = QList<QPair<QString, v1::ListAnnotationsResponse>>;
  using Result = CallResult<Lists>;
  m_api->run<Result>(
      this,
      [connection = m_api->connection(), views] {
        Result result;
        for (const auto& [documentId, version] : views) {
          v1::ListAnnotationsRequest request;
          request.set_document_id(documentId.toStdString());
          request.set_version(version);
          request.set_include_deleted(true);
          v1::ListAnnotationsResponse response;
          const grpc::Status status = connection->annotations().ListAnnotations(
              connection->context().get(), request, &response);
          if (isTransient(status) || status.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
              status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
            result.status = status;
            return result;
          }
          // A document the user may no longer read keeps its cached view.
          if (!status.ok()) continue;
          result.value.append({viewKey(documentId, version), response});
        }
        return result;
      },
      [this](const Result& result) {
        if (!result.ok()) {
          finishSync(false, statusMessage(result.status));
          return;
        }
        for (const auto& [key, list] : result.value) {
          const auto v = m_views.find(key);
          if (v == m_views.end()) continue;
          View merged{v->documentId, v->version, {}, {}};
          // The server's list is the truth, except for what we have not
          // sent yet (or sent after this list was read).
          for (const v1::Annotation& a : list.annotations()) putInView(merged, a);
          for (const std::string& id : v->order) {
            const auto pending = m_outbox.find(id);
            if (pending != m_outbox.end() && pending->second.first == key) {
              putInView(merged, pending->second.second);
            }
          }
          bool same = merged.order.size() == v->order.size();
          for (auto it = merged.byId.begin(); same && it != merged.byId.end(); ++it) {
            const auto old = v->byId.find(it->first);
            same = old != v->byId.end() &&
                   old->second.SerializeAsString() == it->second.SerializeAsString();
          }
          if (same) continue;
          *v = std::move(merged);
          markDirty(key);
          emit annotationsChanged(v->documentId, v->version);
        }
        // Changes recorded while the pull ran go out now.
        if (!m_outbox.empty()) m_syncAgain = true;
        finishSync(true, {});
      });
}

void AnnotationStore::finishSync(bool ok, const QString& message) {
  m_syncing = false;
  if (ok) {
    emit synced();
  } else {
    qCInfo(lcAnnotations) << "sync failed:" << message << "-" << pendingCount() << "pending";
    emit syncFailed(message);
  }
  // While offline the Api's return to online starts the next sync.
  if (m_syncAgain && (ok || m_api->isOnline())) {
    m_syncAgain = false;
    sync();
  }
}

}  // namespace hopso::client
