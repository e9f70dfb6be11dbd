#include "client/model/meeting_list_model.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <algorithm>

#include "client/net/api.h"

namespace hopso::client {
namespace {

constexpr int kPageSize = 200;

bool isOver(v1::MeetingState state) {
  return state == v1::MEETING_STATE_ENDED || state == v1::MEETING_STATE_ARCHIVED;
}

}  // namespace

MeetingListModel::MeetingListModel(Api* api, const QString& cacheDir, QObject* parent)
    : QAbstractListModel(parent), m_api(api), m_cacheDir(cacheDir) {}

int MeetingListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(m_meetings.size());
}

QDateTime MeetingListModel::toDateTime(const v1::Timestamp& timestamp) {
  return QDateTime::fromMSecsSinceEpoch(timestamp.unix_micros() / 1000, Qt::UTC)
      .toLocalTime();
}

QString MeetingListModel::stateText(v1::MeetingState state) {
  switch (state) {
    case v1::MEETING_STATE_DRAFT: return tr("Draft");
    case v1::MEETING_STATE_PUBLISHED: return tr("Upcoming");
    case v1::MEETING_STATE_IN_PROGRESS: return tr("In progress");
    case v1::MEETING_STATE_ENDED: return tr("Ended");
    case v1::MEETING_STATE_ARCHIVED: return tr("Archived");
    default: return {};
  }
}

QVariant MeetingListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= m_meetings.size()) return {};
  const v1::Meeting& m = m_meetings.at(index.row());
  switch (role) {
    case Qt::DisplayRole:
    case TitleRole: return QString::fromStdString(m.title());
    case IdRole: return QString::fromStdString(m.id());
    case PlaceRole: return QString::fromStdString(m.place());
    case StartTimeRole: return toDateTime(m.start_time());
    case EndTimeRole: return toDateTime(m.end_time());
    case StateRole: return int(m.state());
    case MyRoleRole: return int(m.my_role());
    case UpcomingRole: return isUpcoming(m);
    case StateTextRole: return stateText(m.state());
    default: return {};
  }
}

QHash<int, QByteArray> MeetingListModel::roleNames() const {
  QHash<int, QByteArray> names = QAbstractListModel::roleNames();
  names.insert({{IdRole, "meetingId"},
                {TitleRole, "title"},
                {PlaceRole, "place"},
                {StartTimeRole, "startTime"},
                {EndTimeRole, "endTime"},
                {StateRole, "state"},
                {MyRoleRole, "myRole"},
                {UpcomingRole, "upcoming"},
                {StateTextRole, "stateText"}});
  return names;
}

int MeetingListModel::rowOf(const QString& meetingId) const {
  const std::string id = meetingId.toStdString();
  for (int row = 0; row < m_meetings.size(); ++row) {
    if (m_meetings.at(row).id() == id) return row;
  }
  return -1;
}

int MeetingListModel::firstPastRow() const {
  for (int row = 0; row < m_meetings.size(); ++row) {
    if (!isUpcoming(m_meetings.at(row))) return row;
  }
  return int(m_meetings.size());
}

bool MeetingListModel::isUpcoming(const v1::Meeting& meeting) const {
  if (meeting.state() == v1::MEETING_STATE_IN_PROGRESS) return true;
  if (isOver(meeting.state())) return false;
  const qint64 now = (m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc()).toMSecsSinceEpoch();
  // A meeting without an end time is upcoming until it has ended.
  return meeting.end_time().unix_micros() == 0 || meeting.end_time().unix_micros() / 1000 > now;
}

void MeetingListModel::setMeetings(const QList<v1::Meeting>& meetings) {
  beginResetModel();
  m_meetings = meetings;
  std::stable_sort(m_meetings.begin(), m_meetings.end(),
                   [this](const v1::Meeting& a, const v1::Meeting& b) {
                     const bool upA = isUpcoming(a), upB = isUpcoming(b);
                     if (upA != upB) return upA;
                     if (upA) {
                       const bool liveA = a.state() == v1::MEETING_STATE_IN_PROGRESS;
                       const bool liveB = b.state() == v1::MEETING_STATE_IN_PROGRESS;
                       if (liveA != liveB) return liveA;
                       return a.start_time().unix_micros() < b.start_time().unix_micros();
                     }
                     return a.start_time().unix_micros() > b.start_time().unix_micros();
                   });
  endResetModel();
}

void MeetingListModel::refresh() {
  if (m_loading) return;
  m_loading = true;
  emit loadingChanged(true);
  using Result = CallResult<QList<v1::Meeting>>;
  m_api->run<Result>(
      this,
      [connection = m_api->connection()] {
        Result result;
        v1::ListMeetingsRequest request;
        request.set_page_size(kPageSize);
        do {
          v1::ListMeetingsResponse response;
          result.status = connection->meetings().ListMeetings(connection->context().get(),
                                                              request, &response);
          if (!result.ok()) return result;
          for (const v1::Meeting& m : response.meetings()) result.value.append(m);
          request.set_page_token(response.next_page_token());
        } while (!request.page_token().empty());
        return result;
      },
      [this](const Result& result) {
        m_loading = false;
        emit loadingChanged(false);
        if (result.ok()) {
          setMeetings(result.value);
          saveCache();
          emit refreshed(false);
          return;
        }
        if (isTransient(result.status) && loadCache()) {
          emit refreshed(true);
          return;
        }
        emit errorOccurred(statusMessage(result.status));
      });
}

void MeetingListModel::saveCache() const {
  if (m_cacheDir.isEmpty()) return;
  v1::ListMeetingsResponse snapshot;
  for (const v1::Meeting& m : m_meetings) *snapshot.add_meetings() = m;
  QDir().mkpath(m_cacheDir);
  QSaveFile file(QDir(m_cacheDir).filePath(QStringLiteral("meetings.pb")));
  if (file.open(QIODevice::WriteOnly)) {
    file.write(QByteArray::fromStdString(snapshot.SerializeAsString()));
    file.commit();
  }
}

bool MeetingListModel::loadCache() {
  if (m_cacheDir.isEmpty()) return false;
  QFile file(QDir(m_cacheDir).filePath(QStringLiteral("meetings.pb")));
  v1::ListMeetingsResponse snapshot;
  if (!file.open(QIODevice::ReadOnly) || !snapshot.ParseFromString(file.readAll().toStdString())) {
    return false;
  }
  setMeetings(QList<v1::Meeting>(snapshot.meetings().begin(), snapshot.meetings().end()));
  return true;
}

}  // namespace hopso::client
