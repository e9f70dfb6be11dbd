// SIGTERM is a clean stop: open WatchMeeting streams end with a status, the
// server exits 0, and a restart on the same data serves what was there.
#include "gtest/gtest.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

namespace hopso::integration {
namespace {

using ShutdownTest = HopsodTest;

TEST_F(ShutdownTest, SigtermWithAnOpenWatchStreamExitsZero) {
  ASSERT_OK_AND_ASSIGN(Cast cast, MakeCast(*server_, "Sở Văn hóa tỉnh Hòa Bình", ""));
  ASSERT_OK_AND_ASSIGN(v1::Meeting meeting, MakeMeeting(cast, v1::MEETING_STATE_IN_PROGRESS));
  Watcher watcher(cast.delegate, meeting.id(), 0);
  v1::MeetingEvent event;
  // Through the replay, so that the stream is live and idle when the signal comes.
  do {
    ASSERT_TRUE(watcher.Next(&event)) << watcher.Finish();
  } while (event.seq() < meeting.last_event_seq());
  const int64_t last_seen = event.seq();

  // Stop() fails if hopsod has not exited within its timeout, which is far
  // shorter than the stream's deadline: a server waiting on the stream fails here.
  ASSERT_OK_AND_ASSIGN(int exit_code, server_->Stop());
  EXPECT_EQ(exit_code, 0) << server_->LogTail();
  while (watcher.Next(&event)) ADD_FAILURE() << "unexpected event " << event.DebugString();
  const absl::Status ended = watcher.Finish();
  EXPECT_FALSE(ended.ok());
  EXPECT_NE(ended.code(), absl::StatusCode::kDeadlineExceeded) << ended;

  // Everything is still there after a restart; so is the session.
  ASSERT_OK(server_->Launch());
  Client delegate = server_->Connect(cast.delegate.token);
  ASSERT_OK_AND_ASSIGN(v1::Meeting after, GetMeeting(delegate, meeting.id()));
  EXPECT_EQ(after.state(), v1::MEETING_STATE_IN_PROGRESS);
  EXPECT_EQ(after.last_event_seq(), meeting.last_event_seq());
  // A resumed watcher picks up from where the stream was cut, with nothing new.
  Watcher resumed(delegate, meeting.id(), last_seen);
  v1::SetCurrentItemRequest set;
  set.set_meeting_id(meeting.id());
  ASSERT_OK_AND_ASSIGN(v1::Agenda agenda, GetAgenda(delegate, meeting.id()));
  set.set_item_id(agenda.items(0).id());
  Client chair = server_->Connect(cast.chair.token);
  ASSERT_OK(Call(*chair.meetings, &v1::MeetingService::Stub::SetCurrentItem, set));
  ASSERT_TRUE(resumed.Next(&event)) << resumed.Finish();
  EXPECT_EQ(event.seq(), meeting.last_event_seq() + 1);
  EXPECT_TRUE(event.body().has_current_item_changed());
}

}  // namespace
}  // namespace hopso::integration
