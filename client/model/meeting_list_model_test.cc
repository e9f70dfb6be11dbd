#include "client/model/meeting_list_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include "client/net/test_util.h"

namespace hopso::client {
namespace {

constexpr qint64 kHour = 3600LL * 1000 * 1000;
// 1 Dec 2026 08:00 UTC, in micros.
constexpr qint64 kNow = 1796112000LL * 1000 * 1000;

v1::Meeting meeting(const char* id, v1::MeetingState state, qint64 startOffsetHours) {
  v1::Meeting m;
  m.set_id(id);
  m.set_title(std::string("Họp ") + id);
  m.set_state(state);
  m.mutable_start_time()->set_unix_micros(kNow + startOffsetHours * kHour);
  m.mutable_end_time()->set_unix_micros(kNow + (startOffsetHours + 2) * kHour);
  return m;
}

TEST(MeetingListModel, UpcomingFirstThenRecentPast) {
  std::unique_ptr<Api> api = testing::unreachableApi();
  MeetingListModel model(api.get());
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  model.setCurrentTime(QDateTime::fromMSecsSinceEpoch(kNow / 1000, Qt::UTC));
  model.setMeetings({
      meeting("past-old", v1::MEETING_STATE_ARCHIVED, -24 * 30),
      meeting("next-week", v1::MEETING_STATE_PUBLISHED, 24 * 7),
      meeting("yesterday", v1::MEETING_STATE_ENDED, -24),
      meeting("tomorrow", v1::MEETING_STATE_PUBLISHED, 24),
      // Late: planned to end an hour ago but still running.
      meeting("running", v1::MEETING_STATE_IN_PROGRESS, -3),
      // Published but its time has passed without it being held.
      meeting("missed", v1::MEETING_STATE_PUBLISHED, -48),
  });
  QStringList order;
  for (int row = 0; row < model.rowCount(); ++row) {
    order << model.data(model.index(row), MeetingListModel::IdRole).toString();
  }
  EXPECT_EQ(order, (QStringList{"running", "tomorrow", "next-week", "yesterday", "missed",
                                "past-old"}));
  EXPECT_EQ(model.firstPastRow(), 3);
  EXPECT_TRUE(model.data(model.index(0), MeetingListModel::UpcomingRole).toBool());
  EXPECT_FALSE(model.data(model.index(3), MeetingListModel::UpcomingRole).toBool());
  EXPECT_EQ(model.data(model.index(1), Qt::DisplayRole).toString(), QString::fromUtf8("Họp tomorrow"));
  EXPECT_EQ(model.data(model.index(1), MeetingListModel::StartTimeRole).toDateTime().toUTC(),
            QDateTime::fromMSecsSinceEpoch((kNow + 24 * kHour) / 1000, Qt::UTC));
  EXPECT_FALSE(model.data(model.index(0), MeetingListModel::StateTextRole).toString().isEmpty());
  EXPECT_EQ(model.rowOf("yesterday"), 3);
  EXPECT_EQ(model.rowOf("nope"), -1);
}

TEST(MeetingListModel, OfflineWithoutCacheReportsTheError) {
  std::unique_ptr<Api> api = testing::unreachableApi();
  QTemporaryDir dir;
  MeetingListModel model(api.get(), dir.path());
  QSignalSpy error(&model, &MeetingListModel::errorOccurred);
  QSignalSpy refreshed(&model, &MeetingListModel::refreshed);
  model.refresh();
  HOPSO_WAIT_UNTIL(error.count() == 1);
  EXPECT_FALSE(error.at(0).at(0).toString().isEmpty());
  EXPECT_EQ(refreshed.count(), 0);
  EXPECT_FALSE(model.isLoading());
}

}  // namespace
}  // namespace hopso::client
