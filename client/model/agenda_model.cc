#include "client/model/agenda_model.h"

#include <utility>

#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QFont>
#include <QSaveFile>

#include "client/model/document_cache.h"
#include "client/model/meeting_list_model.h"
#include "client/net/api.h"
#include "client/net/meeting_watcher.h"

namespace hopso::client {
namespace {

constexpr int kColumns = 3;
constexpr int kPageSize = 200;
// Bumped when the cache layout changes; older files are ignored.
constexpr quint32 kCacheMagic = 0x484f4147;  // "HOAG"
constexpr quint32 kCacheVersion = 1;

struct Loaded {
  v1::Meeting meeting;
  v1::Agenda agenda;
  QList<v1::Document> documents;
};

}  // namespace

struct AgendaModel::Node {
  NodeKind kind = NodeKind::Group;
  Node* parent = nullptr;
  int row = 0;
  std::vector<std::unique_ptr<Node>> children;
  v1::AgendaItem item;      // kind == Item
  v1::Document document;    // kind == Document
  QString itemId() const {
    return QString::fromStdString(kind == NodeKind::Item ? item.id() : document.agenda_item_id());
  }
  Node* add(std::unique_ptr<Node> child) {
    child->parent = this;
    child->row = int(children.size());
    children.push_back(std::move(child));
    return children.back().get();
  }
};

AgendaModel::AgendaModel(Api* api, const QString& cacheDir, QObject* parent)
    : QAbstractItemModel(parent), m_api(api), m_cacheDir(cacheDir), m_root(new Node) {}

AgendaModel::~AgendaModel() = default;

AgendaModel::Node* AgendaModel::nodeOf(const QModelIndex& index) const {
  return index.isValid() ? static_cast<Node*>(index.internalPointer()) : m_root.get();
}

QModelIndex AgendaModel::indexOfNode(const Node* node, int column) const {
  if (node == nullptr || node == m_root.get()) return {};
  return createIndex(node->row, column, const_cast<Node*>(node));
}

QModelIndex AgendaModel::index(int row, int column, const QModelIndex& parent) const {
  const Node* node = nodeOf(parent);
  if (row < 0 || column < 0 || column >= kColumns || row >= int(node->children.size())) return {};
  return createIndex(row, column, node->children[size_t(row)].get());
}

QModelIndex AgendaModel::parent(const QModelIndex& child) const {
  if (!child.isValid()) return {};
  return indexOfNode(nodeOf(child)->parent);
}

int AgendaModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() && parent.column() != 0) return 0;
  return int(nodeOf(parent)->children.size());
}

int AgendaModel::columnCount(const QModelIndex&) const { return kColumns; }

QVariant AgendaModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case 0: return tr("Item");
    case 1: return tr("Presenter");
    case 2: return tr("Minutes");
    default: return {};
  }
}

QVariant AgendaModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  const Node* node = nodeOf(index);
  const bool live = !m_meeting.current_item_id().empty() && node->kind != NodeKind::Group &&
                    node->itemId().toStdString() == m_meeting.current_item_id();
  const v1::DocumentVersion* current =
      node->kind == NodeKind::Document && node->document.versions_size() > 0
          ? &node->document.versions(0)
          : nullptr;
  switch (role) {
    case Qt::DisplayRole:
      if (index.column() == 1 && node->kind == NodeKind::Item) {
        return QString::fromStdString(node->item.presenter());
      }
      if (index.column() == 2 && node->kind == NodeKind::Item && node->item.planned_minutes() > 0) {
        return tr("%n min", nullptr, node->item.planned_minutes());
      }
      if (index.column() != 0) return {};
      switch (node->kind) {
        case NodeKind::Group: return tr("Meeting documents");
        case NodeKind::Item:
          return QStringLiteral("%1. %2").arg(QString::fromStdString(node->item.number()),
                                              QString::fromStdString(node->item.title()));
        case NodeKind::Document:
          if (node->document.versions_size() > 1 && current != nullptr) {
            return tr("%1 (version %2)")
                .arg(QString::fromStdString(node->document.title()))
                .arg(current->number());
          }
          return QString::fromStdString(node->document.title());
      }
      return {};
    case Qt::FontRole:
      if (live && node->kind == NodeKind::Item) {
        QFont font;
        font.setBold(true);
        return font;
      }
      return {};
    case Qt::ToolTipRole:
      if (live && node->kind == NodeKind::Item) return tr("Being discussed now");
      return {};
    case KindRole: return int(node->kind);
    case IdRole:
      if (node->kind == NodeKind::Item) return QString::fromStdString(node->item.id());
      if (node->kind == NodeKind::Document) return QString::fromStdString(node->document.id());
      return {};
    case NumberRole:
      return node->kind == NodeKind::Item ? QString::fromStdString(node->item.number()) : QVariant();
    case TitleRole:
      if (node->kind == NodeKind::Item) return QString::fromStdString(node->item.title());
      if (node->kind == NodeKind::Document) return QString::fromStdString(node->document.title());
      return tr("Meeting documents");
    case PresenterRole:
      return node->kind == NodeKind::Item ? QString::fromStdString(node->item.presenter())
                                          : QVariant();
    case PlannedMinutesRole:
      return node->kind == NodeKind::Item ? node->item.planned_minutes() : QVariant();
    case LiveRole: return live;
    case DocumentIdRole:
      return node->kind == NodeKind::Document ? QString::fromStdString(node->document.id())
                                              : QVariant();
    case Sha256Role:
      return current != nullptr ? DocumentCache::hex(current->sha256()) : QVariant();
    case VersionRole: return current != nullptr ? current->number() : QVariant();
    case PageCountRole: return current != nullptr ? current->page_count() : QVariant();
    case SizeBytesRole:
      return current != nullptr ? QVariant::fromValue<qint64>(current->size_bytes()) : QVariant();
    case ConfidentialRole:
      return node->kind == NodeKind::Document ? node->document.confidential() : QVariant();
    case VersionsRole: {
      if (node->kind != NodeKind::Document) return {};
      QVariantList versions;
      for (const v1::DocumentVersion& v : node->document.versions()) {
        versions.append(QVariantMap{
            {QStringLiteral("number"), v.number()},
            {QStringLiteral("sha256"), DocumentCache::hex(v.sha256())},
            {QStringLiteral("sizeBytes"), QVariant::fromValue<qint64>(v.size_bytes())},
            {QStringLiteral("pageCount"), v.page_count()},
            {QStringLiteral("filename"), QString::fromStdString(v.filename())},
            {QStringLiteral("createTime"), MeetingListModel::toDateTime(v.create_time())},
        });
      }
      return versions;
    }
    default: return {};
  }
}

QList<v1::Document> AgendaModel::documents() const {
  QList<v1::Document> result;
  std::function<void(const Node*)> walk = [&](const Node* node) {
    if (node->kind == NodeKind::Document) result.append(node->document);
    for (const auto& child : node->children) walk(child.get());
  };
  walk(m_root.get());
  return result;
}

const v1::Document* AgendaModel::document(const QString& documentId) const {
  const std::string id = documentId.toStdString();
  for (const v1::Document& d : m_documents) {
    if (d.id() == id) return &d;
  }
  return nullptr;
}

QModelIndex AgendaModel::indexOfItem(const QString& itemId) const {
  const std::string id = itemId.toStdString();
  std::function<const Node*(const Node*)> find = [&](const Node* node) -> const Node* {
    if (node->kind == NodeKind::Item && node->item.id() == id) return node;
    for (const auto& child : node->children) {
      if (const Node* found = find(child.get())) return found;
    }
    return nullptr;
  };
  return indexOfNode(find(m_root.get()));
}

QModelIndex AgendaModel::indexOfDocument(const QString& documentId) const {
  const std::string id = documentId.toStdString();
  std::function<const Node*(const Node*)> find = [&](const Node* node) -> const Node* {
    if (node->kind == NodeKind::Document && node->document.id() == id) return node;
    for (const auto& child : node->children) {
      if (const Node* found = find(child.get())) return found;
    }
    return nullptr;
  };
  return indexOfNode(find(m_root.get()));
}

void AgendaModel::rebuild() {
  beginResetModel();
  m_root = std::make_unique<Node>();
  QHash<QString, QList<const v1::Document*>> byItem;
  QSet<QString> itemIds;
  for (const v1::AgendaItem& item : m_agenda.items()) itemIds.insert(QString::fromStdString(item.id()));
  QList<const v1::Document*> general;
  for (const v1::Document& d : m_documents) {
    const QString itemId = QString::fromStdString(d.agenda_item_id());
    if (itemId.isEmpty() || !itemIds.contains(itemId)) {
      general.append(&d);
    } else {
      byItem[itemId].append(&d);
    }
  }
  auto addDocuments = [](Node* parent, const QList<const v1::Document*>& docs) {
    for (const v1::Document* d : docs) {
      auto node = std::make_unique<Node>();
      node->kind = NodeKind::Document;
      node->document = *d;
      parent->add(std::move(node));
    }
  };
  if (!general.isEmpty()) {
    auto group = std::make_unique<Node>();
    group->kind = NodeKind::Group;
    addDocuments(m_root->add(std::move(group)), general);
  }
  QHash<QString, Node*> items;
  for (const v1::AgendaItem& item : m_agenda.items()) {
    auto node = std::make_unique<Node>();
    node->kind = NodeKind::Item;
    node->item = item;
    Node* parent = items.value(QString::fromStdString(item.parent_id()), m_root.get());
    Node* added = parent->add(std::move(node));
    items.insert(QString::fromStdString(item.id()), added);
    addDocuments(added, byItem.value(QString::fromStdString(item.id())));
  }
  endResetModel();
}

void AgendaModel::setMeeting(const v1::Meeting& meeting) {
  const std::string previous = m_meeting.current_item_id();
  m_meeting = meeting;
  emit meetingChanged();
  if (previous != meeting.current_item_id()) {
    for (const std::string& id : {previous, meeting.current_item_id()}) {
      const QModelIndex item = indexOfItem(QString::fromStdString(id));
      if (!item.isValid()) continue;
      emit dataChanged(item, item.siblingAtColumn(kColumns - 1));
      const int docs = rowCount(item);
      if (docs > 0) emit dataChanged(index(0, 0, item), index(docs - 1, kColumns - 1, item));
    }
    emit currentItemChanged(currentItemId());
  }
}

void AgendaModel::setAgenda(const v1::Agenda& agenda) {
  m_agenda = agenda;
  rebuild();
}

void AgendaModel::setDocuments(const QList<v1::Document>& documents) {
  m_documents = documents;
  rebuild();
  emit documentsChanged();
}

void AgendaModel::load(const QString& meetingId) {
  m_requested = meetingId;
  m_loading = true;
  m_pendingEvents.clear();
  emit loadingChanged(true);
  using Result = CallResult<Loaded>;
  m_api->run<Result>(
      this,
      [connection = m_api->connection(), id = meetingId.toStdString()] {
        Result result;
        // The meeting first: its last_event_seq is then no newer than the
        // agenda and documents read after it, so following the stream from
        // there misses nothing.
        v1::GetMeetingRequest meetingRequest;
        meetingRequest.set_id(id);
        result.status = connection->meetings().GetMeeting(connection->context().get(),
                                                          meetingRequest, &result.value.meeting);
        if (!result.ok()) return result;
        v1::GetAgendaRequest agendaRequest;
        agendaRequest.set_meeting_id(id);
        result.status = connection->meetings().GetAgenda(connection->context().get(),
                                                         agendaRequest, &result.value.agenda);
        if (!result.ok()) return result;
        v1::ListDocumentsRequest documentsRequest;
        documentsRequest.set_meeting_id(id);
        documentsRequest.set_page_size(kPageSize);
        do {
          v1::ListDocumentsResponse response;
          result.status = connection->documents().ListDocuments(connection->context().get(),
                                                                documentsRequest, &response);
          if (!result.ok()) return result;
          for (const v1::Document& d : response.documents()) result.value.documents.append(d);
          documentsRequest.set_page_token(response.next_page_token());
        } while (!documentsRequest.page_token().empty());
        return result;
      },
      [this, meetingId](const Result& result) {
        // The user opened another meeting meanwhile.
        if (meetingId != m_requested) return;
        m_loading = false;
        emit loadingChanged(false);
        const QList<v1::MeetingEvent> pending = std::exchange(m_pendingEvents, {});
        if (result.ok()) {
          m_meeting = result.value.meeting;
          m_agenda = result.value.agenda;
          m_documents = result.value.documents;
          rebuild();
          saveCache();
          emit meetingChanged();
          emit documentsChanged();
          emit currentItemChanged(currentItemId());
          emit loaded(false);
          for (const v1::MeetingEvent& event : pending) applyEvent(event);
          return;
        }
        if (isTransient(result.status) && loadCache(meetingId)) {
          emit loaded(true);
          for (const v1::MeetingEvent& event : pending) applyEvent(event);
          return;
        }
        emit errorOccurred(statusMessage(result.status));
      });
}

void AgendaModel::attach(MeetingWatcher* watcher) {
  connect(watcher, &MeetingWatcher::eventReceived, this, &AgendaModel::applyEvent);
}

void AgendaModel::applyEvent(const v1::MeetingEvent& event) {
  // Until the load answers, an event may be newer or older than what it
  // read: keep it and decide once the loaded state's last_event_seq is known.
  if (m_loading) {
    if (event.meeting_id() == m_requested.toStdString()) m_pendingEvents.append(event);
    return;
  }
  if (!m_meeting.id().empty() && event.meeting_id() != m_meeting.id()) return;
  // What the loaded state already reflects (a watcher that replays from 0).
  if (event.seq() > 0 && event.seq() <= m_meeting.last_event_seq()) return;
  const v1::EventBody& body = event.body();
  bool changed = true;
  switch (body.kind_case()) {
    case v1::EventBody::kAgendaChanged:
      setAgenda(body.agenda_changed().agenda());
      break;
    case v1::EventBody::kCurrentItemChanged: {
      v1::Meeting meeting = m_meeting;
      meeting.set_current_item_id(body.current_item_changed().item_id());
      setMeeting(meeting);
      break;
    }
    case v1::EventBody::kStateChanged: {
      v1::Meeting meeting = m_meeting;
      meeting.set_state(body.state_changed().to());
      setMeeting(meeting);
      break;
    }
    case v1::EventBody::kMeetingUpdated: {
      v1::Meeting meeting = body.meeting_updated().meeting();
      // The event tells what changed in the meeting, not the reader's role.
      meeting.set_my_role(m_meeting.my_role());
      setMeeting(meeting);
      break;
    }
    case v1::EventBody::kDocumentChanged:
      // A load under way reads every document anyway.
      refreshDocument(QString::fromStdString(body.document_changed().document_id()));
      changed = false;  // saved once the document is read
      break;
    default:
      changed = false;  // kinds this model does not show
      break;
  }
  if (event.seq() > m_meeting.last_event_seq()) {
    m_meeting.set_last_event_seq(event.seq());
    changed = true;
  }
  if (changed) saveCache();
}

void AgendaModel::refreshDocument(const QString& documentId) {
  using Result = CallResult<v1::Document>;
  m_api->run<Result>(
      this,
      [connection = m_api->connection(), id = documentId.toStdString()] {
        Result result;
        v1::GetDocumentRequest request;
        request.set_id(id);
        result.status =
            connection->documents().GetDocument(connection->context().get(), request, &result.value);
        return result;
      },
      [this, documentId](const Result& result) {
        const std::string id = documentId.toStdString();
        QList<v1::Document> documents = m_documents;
        auto it = std::find_if(documents.begin(), documents.end(),
                               [&](const v1::Document& d) { return d.id() == id; });
        if (result.ok()) {
          if (it != documents.end()) {
            *it = result.value;
          } else {
            documents.append(result.value);
          }
        } else if (result.status.error_code() == grpc::StatusCode::NOT_FOUND ||
                   result.status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
          // Made confidential (or removed): no longer ours to show.
          if (it == documents.end()) return;
          documents.erase(it);
        } else {
          emit errorOccurred(statusMessage(result.status));
          return;
        }
        setDocuments(documents);
        saveCache();
      });
}

QString AgendaModel::cachePath(const QString& meetingId) const {
  return QDir(m_cacheDir).filePath(QStringLiteral("meetings/%1.agenda").arg(meetingId));
}

void AgendaModel::saveCache() const {
  if (m_cacheDir.isEmpty() || m_meeting.id().empty()) return;
  const QString path = cachePath(meetingId());
  QDir().mkpath(QFileInfo(path).absolutePath());
  v1::ListDocumentsResponse documents;
  for (const v1::Document& d : m_documents) *documents.add_documents() = d;
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return;
  QDataStream out(&file);
  out << kCacheMagic << kCacheVersion << QByteArray::fromStdString(m_meeting.SerializeAsString())
      << QByteArray::fromStdString(m_agenda.SerializeAsString())
      << QByteArray::fromStdString(documents.SerializeAsString());
  file.commit();
}

bool AgendaModel::loadCache(const QString& meetingId) {
  if (m_cacheDir.isEmpty()) return false;
  QFile file(cachePath(meetingId));
  if (!file.open(QIODevice::ReadOnly)) return false;
  QDataStream in(&file);
  quint32 magic = 0, version = 0;
  QByteArray meeting, agenda, documents;
  in >> magic >> version >> meeting >> agenda >> documents;
  Loaded loaded;
  v1::ListDocumentsResponse list;
  if (in.status() != QDataStream::Ok || magic != kCacheMagic || version != kCacheVersion ||
      !loaded.meeting.ParseFromString(meeting.toStdString()) ||
      !loaded.agenda.ParseFromString(agenda.toStdString()) ||
      !list.ParseFromString(documents.toStdString())) {
    return false;
  }
  m_meeting = loaded.meeting;
  m_agenda = loaded.agenda;
  m_documents = QList<v1::Document>(list.documents().begin(), list.documents().end());
  rebuild();
  emit meetingChanged();
  emit documentsChanged();
  emit currentItemChanged(currentItemId());
  return true;
}

}  // namespace hopso::client
