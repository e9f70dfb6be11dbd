// The meetings the user takes part in, for the first screen after login.
#ifndef HOPSO_CLIENT_MODEL_MEETING_LIST_MODEL_H_
#define HOPSO_CLIENT_MODEL_MEETING_LIST_MODEL_H_

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>
#include <QString>

#include "hopso/v1/meeting.pb.h"

namespace hopso::client {

class Api;

// MeetingListModel
//
// Upcoming meetings first (in progress, then by start time, soonest first),
// then the recent past (latest first). A meeting is past once it has ended
// (state ended/archived, or its end time has passed while not in progress).
// refresh() fetches every page of ListMeetings; the last list is kept in
// `cacheDir` (when given) so that the list shows offline too.
// DisplayRole is the title; see Role for the rest.
class MeetingListModel : public QAbstractListModel {
  Q_OBJECT

 public:
  enum Role {
    IdRole = Qt::UserRole + 1,
    TitleRole,
    PlaceRole,
    StartTimeRole,  // QDateTime, local time
    EndTimeRole,
    StateRole,      // int, v1::MeetingState
    MyRoleRole,     // int, v1::MeetingRole
    UpcomingRole,   // bool
    StateTextRole,  // translated state, e.g. "In progress"
  };

  explicit MeetingListModel(Api* api, const QString& cacheDir = {}, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QHash<int, QByteArray> roleNames() const override;

  const v1::Meeting& meeting(int row) const { return m_meetings.at(row); }
  int rowOf(const QString& meetingId) const;
  // Index of the first past meeting (== rowCount() when none), for a
  // "Past meetings" separator.
  int firstPastRow() const;
  bool isLoading() const { return m_loading; }

  void refresh();
  // Replaces the list (sorted as above); refresh() ends here.
  void setMeetings(const QList<v1::Meeting>& meetings);
  // "Now" for the upcoming/past split; the system clock unless set (tests).
  void setCurrentTime(const QDateTime& now) { m_now = now; }

  static QString stateText(v1::MeetingState state);
  static QDateTime toDateTime(const v1::Timestamp& timestamp);

 signals:
  void loadingChanged(bool loading);
  // After a refresh; `fromCache` when the server was not reached and the
  // saved list is shown instead.
  void refreshed(bool fromCache);
  void errorOccurred(const QString& message);

 private:
  bool isUpcoming(const v1::Meeting& meeting) const;
  void saveCache() const;
  bool loadCache();

  Api* const m_api;
  const QString m_cacheDir;
  QList<v1::Meeting> m_meetings;
  QDateTime m_now;
  bool m_loading = false;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_MODEL_MEETING_LIST_MODEL_H_
