// A tablet that loses its WatchMeeting stream resumes from the last seq it
// saw and gets exactly what it missed: every event once, in order, chained.
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/store/event_chain.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

namespace hopso::integration {
namespace {

constexpr int kMissed = 50;

using ResumeTest = HopsodTest;

// Reads until the stream has delivered the event with seq `last`.
absl::StatusOr<std::vector<v1::MeetingEvent>> ReadThrough(Watcher& watcher, int64_t last) {
  std::vector<v1::MeetingEvent> events;
  v1::MeetingEvent event;
  while (events.empty() || events.back().seq() < last) {
    if (!watcher.Next(&event)) {
      absl::Status ended = watcher.Finish();
      return absl::DataLossError(
          absl::StrCat("the stream ended before event ", last, ": ", ended.ToString()));
    }
    events.push_back(event);
  }
  return events;
}

TEST_F(ResumeTest, ReconnectingWatcherGetsExactlyTheMissedEventsOnce) {
  ASSERT_OK_AND_ASSIGN(Cast cast, MakeCast(*server_, "Sở Giáo dục tỉnh Điện Biên", ""));
  ASSERT_OK_AND_ASSIGN(v1::Meeting meeting, MakeMeeting(cast, v1::MEETING_STATE_PUBLISHED));

  // The tablet reads what there is, then its Wi-Fi drops.
  std::vector<v1::MeetingEvent> seen;
  {
    Watcher watcher(cast.delegate, meeting.id(), 0);
    ASSERT_OK_AND_ASSIGN(seen, ReadThrough(watcher, meeting.last_event_seq()));
    watcher.Cancel();
    v1::MeetingEvent ignored;
    while (watcher.Next(&ignored)) {
    }
    EXPECT_EQ(watcher.Finish().code(), absl::StatusCode::kCancelled);
  }
  ASSERT_EQ(seen.back().seq(), meeting.last_event_seq());
  ASSERT_OK(CheckChain(server::GenesisHash(), seen));

  for (int i = 0; i < kMissed; ++i) {
    ASSERT_OK(AddAgendaItem(cast.secretary, meeting.id(), absl::StrCat("Mục bổ sung ", i + 1)));
  }
  ASSERT_OK_AND_ASSIGN(v1::Meeting now, GetMeeting(cast.delegate, meeting.id()));
  ASSERT_EQ(now.last_event_seq(), seen.back().seq() + kMissed) << "one event per agenda change";

  // Reconnect from the last seq seen.
  Watcher watcher(cast.delegate, meeting.id(), seen.back().seq());
  ASSERT_OK_AND_ASSIGN(std::vector<v1::MeetingEvent> missed,
                       ReadThrough(watcher, now.last_event_seq()));
  ASSERT_EQ(missed.size(), static_cast<size_t>(kMissed));
  for (int i = 0; i < kMissed; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(missed[i].seq(), seen.back().seq() + 1 + i);
    EXPECT_EQ(missed[i].meeting_id(), meeting.id());
    ASSERT_TRUE(missed[i].body().has_agenda_changed());
    EXPECT_EQ(missed[i].body().agenda_changed().change(), v1::AgendaChanged::CHANGE_ADDED);
    // Each carries the agenda after its change: the i-th addition is last.
    const v1::Agenda& agenda = missed[i].body().agenda_changed().agenda();
    ASSERT_GT(agenda.items_size(), 0);
    EXPECT_EQ(agenda.items(agenda.items_size() - 1).title(), absl::StrCat("Mục bổ sung ", i + 1));
  }
  // The first missed event chains to the last one seen before the drop.
  EXPECT_OK(CheckChain(seen.back().hash(), missed));

  // Nothing is sent twice: the next event on the stream is a new one.
  ASSERT_OK(AddAgendaItem(cast.secretary, meeting.id(), "Mục cuối"));
  v1::MeetingEvent next;
  ASSERT_TRUE(watcher.Next(&next)) << watcher.Finish();
  EXPECT_EQ(next.seq(), now.last_event_seq() + 1);
  EXPECT_OK(CheckChain(missed.back().hash(), {next}));
}

TEST_F(ResumeTest, ReconnectingWhileWritesContinueMissesNothing) {
  ASSERT_OK_AND_ASSIGN(Cast cast, MakeCast(*server_, "Sở Xây dựng tỉnh Lai Châu", ""));
  ASSERT_OK_AND_ASSIGN(v1::Meeting meeting, MakeMeeting(cast, v1::MEETING_STATE_PUBLISHED));
  const int64_t start = meeting.last_event_seq();

  // The secretary keeps editing while the tablet reconnects, so the replay
  // and the live part of the stream meet while events are being committed.
  absl::Status writer_status;
  std::thread writer([&] {
    for (int i = 0; i < kMissed && writer_status.ok(); ++i) {
      writer_status = AddAgendaItem(cast.secretary, meeting.id(), absl::StrCat("Mục ", i)).status();
    }
  });
  Watcher watcher(cast.chair, meeting.id(), start);
  absl::StatusOr<std::vector<v1::MeetingEvent>> events = ReadThrough(watcher, start + kMissed);
  writer.join();
  ASSERT_OK(writer_status);
  ASSERT_OK(events);
  ASSERT_EQ(events->size(), static_cast<size_t>(kMissed));
  EXPECT_EQ(events->front().seq(), start + 1);
  ASSERT_OK_AND_ASSIGN(v1::Meeting now, GetMeeting(cast.chair, meeting.id()));
  EXPECT_EQ(now.last_event_seq(), start + kMissed);

  // Chains from the event before `start`, as the replay from 0 shows it.
  Watcher full(cast.chair, meeting.id(), 0);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::MeetingEvent> all, ReadThrough(full, start + kMissed));
  ASSERT_EQ(all.size(), static_cast<size_t>(start + kMissed));
  EXPECT_OK(CheckChain(server::GenesisHash(), all));
  EXPECT_OK(CheckChain(all[start - 1].hash(), *events));
}

}  // namespace
}  // namespace hopso::integration
