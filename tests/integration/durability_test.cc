// kill -9 while acknowledged writes stream in from several clients: after a
// restart on the same data directory every write that got OK is there, and
// every meeting's event chain verifies.
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/store/event_chain.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/util/status_macros.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

namespace hopso::integration {
namespace {

constexpr int kThreads = 4;
constexpr int kMeetings = 2;
// Per thread; two threads share a meeting, whose agenda holds at most 200.
constexpr int kWritesPerThread = 90;
// The kill comes once this many writes were acknowledged, with more in flight.
constexpr int kKillAfterAcks = 100;

using DurabilityTest = HopsodTest;

// Titles of the meeting's agenda items and the number of its events, read
// from the database with the server down; checks the chain on the way.
struct Stored {
  std::set<std::string> titles;
  int64_t events = 0;
};
absl::StatusOr<Stored> ReadOffline(const std::string& db_path, const std::string& meeting_id) {
  ASSIGN_OR_RETURN(std::unique_ptr<server::Store> store, server::OpenSqliteStore(db_path));
  Stored stored;
  RETURN_IF_ERROR(store->Read([&](server::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<std::string> ids, tx.ListMeetingIds());
    for (const std::string& id : ids) {
      ASSIGN_OR_RETURN(std::vector<server::StoredEvent> events, tx.ReadEvents(id, 0, 1 << 20));
      ASSIGN_OR_RETURN(server::ChainHead head, tx.GetChainHead(id));
      RETURN_IF_ERROR(server::VerifyChain(id, events, head));
      if (id == meeting_id) stored.events = static_cast<int64_t>(events.size());
    }
    ASSIGN_OR_RETURN(std::vector<v1::AgendaItem> items, tx.ListAgendaItems(meeting_id));
    for (const v1::AgendaItem& item : items) stored.titles.insert(item.title());
    return absl::OkStatus();
  }));
  return stored;
}

TEST_F(DurabilityTest, AcknowledgedWritesSurviveKill9AndTheChainVerifies) {
  ASSERT_OK_AND_ASSIGN(Cast cast, MakeCast(*server_, "Sở Tư pháp tỉnh Tuyên Quang", ""));
  std::vector<v1::Meeting> meetings;
  std::vector<std::set<std::string>> initial(kMeetings);
  for (int m = 0; m < kMeetings; ++m) {
    ASSERT_OK_AND_ASSIGN(v1::Meeting meeting,
                         MakeMeeting(cast, v1::MEETING_STATE_PUBLISHED, absl::StrCat("Họp ", m)));
    ASSERT_OK_AND_ASSIGN(v1::Agenda agenda, GetAgenda(cast.secretary, meeting.id()));
    for (const v1::AgendaItem& item : agenda.items()) initial[m].insert(item.title());
    meetings.push_back(meeting);
  }

  std::mutex mu;
  std::condition_variable acked_enough;
  int total_acked = 0;
  int writers_done = 0;
  std::vector<std::vector<std::string>> acked(kThreads);
  std::vector<std::vector<std::string>> attempted(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    // Each writer has its own connection, as separate tablets would.
    threads.emplace_back([&, t, client = server_->Connect(cast.secretary.token)]() mutable {
      for (int i = 0; i < kWritesPerThread; ++i) {
        const std::string title = absl::StrCat("Mục ", t, "-", i);
        attempted[t].push_back(title);
        if (!AddAgendaItem(client, meetings[t % kMeetings].id(), title).ok()) break;
        acked[t].push_back(title);
        std::lock_guard<std::mutex> lock(mu);
        ++total_acked;
        acked_enough.notify_all();
      }
      std::lock_guard<std::mutex> lock(mu);
      ++writers_done;
      acked_enough.notify_all();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    acked_enough.wait(lock,
                      [&] { return total_acked >= kKillAfterAcks || writers_done == kThreads; });
  }
  server_->Kill9();
  for (std::thread& thread : threads) thread.join();
  int acked_total = 0;
  for (const auto& titles : acked) acked_total += static_cast<int>(titles.size());
  ASSERT_LT(acked_total, kThreads * kWritesPerThread) << "the kill came after every write";

  // Offline, straight from the file the killed server left.
  for (int m = 0; m < kMeetings; ++m) {
    SCOPED_TRACE(absl::StrCat("meeting ", m));
    ASSERT_OK_AND_ASSIGN(Stored stored, ReadOffline(server_->db_path(), meetings[m].id()));
    std::set<std::string> may_exist = initial[m];
    int acked_here = 0;
    for (int t = m; t < kThreads; t += kMeetings) {
      for (const std::string& title : acked[t]) {
        EXPECT_TRUE(stored.titles.contains(title)) << "acknowledged but lost: " << title;
      }
      acked_here += static_cast<int>(acked[t].size());
      may_exist.insert(attempted[t].begin(), attempted[t].end());
    }
    for (const std::string& title : stored.titles) {
      EXPECT_TRUE(may_exist.contains(title)) << "never written: " << title;
    }
    // One event per agenda change, each in the transaction of its change.
    EXPECT_EQ(stored.events, meetings[m].last_event_seq() +
                                 static_cast<int64_t>(stored.titles.size() - initial[m].size()));
    EXPECT_GE(static_cast<int>(stored.titles.size() - initial[m].size()), acked_here);
  }

  // The restarted server serves the same, and its chain goes on from there.
  ASSERT_OK(server_->Restart());
  {
    Client secretary = server_->Connect(cast.secretary.token);
    for (int m = 0; m < kMeetings; ++m) {
      SCOPED_TRACE(absl::StrCat("meeting ", m));
      ASSERT_OK_AND_ASSIGN(v1::Agenda agenda, GetAgenda(secretary, meetings[m].id()));
      std::set<std::string> titles;
      for (const v1::AgendaItem& item : agenda.items()) titles.insert(item.title());
      for (int t = m; t < kThreads; t += kMeetings) {
        for (const std::string& title : acked[t]) EXPECT_TRUE(titles.contains(title)) << title;
      }
      ASSERT_OK(AddAgendaItem(secretary, meetings[m].id(), "Sau khi khởi động lại"));
    }
  }  // disconnected: a connected client holds up a clean stop for its grace period
  ASSERT_OK_AND_ASSIGN(int exit_code, server_->Stop());
  EXPECT_EQ(exit_code, 0);
  for (int m = 0; m < kMeetings; ++m) {
    ASSERT_OK_AND_ASSIGN(Stored stored, ReadOffline(server_->db_path(), meetings[m].id()));
    EXPECT_TRUE(stored.titles.contains("Sau khi khởi động lại"));
  }
}

}  // namespace
}  // namespace hopso::integration
