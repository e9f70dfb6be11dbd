#include "server/store/sqlite/sqlite_store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <span>
#include <thread>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "server/store/event_chain.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

namespace hopso::server {

// The migrations compiled in (sqlite_migrations.cc), to build an old database.
std::span<const char* const> SqliteMigrations();

namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hopso-store-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/hopso.db";
    auto store = OpenSqliteStore(path_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // An organisation, a user and a meeting to hang things on.
  void Seed() {
    ASSERT_TRUE(store_->Write([&](Transaction& tx) -> absl::Status {
      v1::Organization org;
      org.set_id("o1");
      org.set_name("Ủy ban nhân dân tỉnh");
      RETURN_IF_ERROR(tx.InsertOrganization(org));
      v1::User user;
      user.set_id("u1");
      user.set_organization_id("o1");
      user.set_username("thuky");
      user.set_full_name("Nguyễn Thị Thu Hà");
      user.set_role(v1::USER_ROLE_SECRETARY);
      RETURN_IF_ERROR(tx.InsertUser(user, ""));
      v1::Meeting m;
      m.set_id("m1");
      m.set_organization_id("o1");
      m.set_title("Phiên họp thường kỳ");
      m.set_state(v1::MEETING_STATE_DRAFT);
      m.set_created_by("u1");
      RETURN_IF_ERROR(tx.InsertMeeting(m));
      return tx.UpsertParticipant("m1", "u1", v1::MEETING_ROLE_SECRETARY);
    }).ok());
  }

  // Seed(), then delegates u2..u5, the chair u6 and the default rules.
  void SeedMembers() {
    Seed();
    ASSERT_TRUE(store_->Write([&](Transaction& tx) -> absl::Status {
      const std::vector<std::string> names = {"Trần Văn Bình", "Lê Thị Hạnh", "Phạm Quốc Huy",
                                              "Võ Minh Châu", "Đặng Văn Sơn"};
      for (int i = 2; i <= 6; ++i) {
        v1::User u;
        u.set_id("u" + std::to_string(i));
        u.set_organization_id("o1");
        u.set_username("daibieu" + std::to_string(i));
        u.set_full_name(names[i - 2]);
        u.set_role(v1::USER_ROLE_MEMBER);
        RETURN_IF_ERROR(tx.InsertUser(u, ""));
        RETURN_IF_ERROR(tx.UpsertParticipant(
            "m1", u.id(), i == 6 ? v1::MEETING_ROLE_CHAIR : v1::MEETING_ROLE_DELEGATE));
      }
      return tx.PutMeetingRules("m1", DefaultRules());
    }).ok());
  }

  static MeetingRulesRecord DefaultRules(int max_proxies = 1) {
    MeetingRulesRecord r;
    r.rules.mutable_quorum()->set_numerator(1);
    r.rules.mutable_quorum()->set_denominator(2);
    r.rules.mutable_quorum()->set_strict(true);
    r.rules.set_max_proxies_per_holder(max_proxies);
    r.rules.set_speaking_limit_seconds(300);
    return r;
  }

  absl::StatusCode WriteCode(const std::function<absl::Status(Transaction&)>& fn) {
    return store_->Write(fn).code();
  }

  // What a raw SQL statement does to the file, bypassing the store: "ok" or
  // SQLite's message.
  std::string RawSql(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA foreign_keys=ON", nullptr, nullptr, nullptr);
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    std::string out = rc == SQLITE_OK ? "ok" : (error ? error : sqlite3_errstr(rc));
    sqlite3_free(error);
    sqlite3_close(db);
    return out;
  }

  std::string dir_, path_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, KeepsVietnameseTextExactly) {
  Seed();
  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(UserRecord u, tx.GetUserByUsername("thuky"));
    EXPECT_EQ(u.user.full_name(), "Nguyễn Thị Thu Hà");
    return absl::OkStatus();
  }).ok());
}

TEST_F(SqliteStoreTest, KeepsAnnotationsAndListsOwnAndSharedOnes) {
  Seed();
  auto annotation = [](const std::string& id, const std::string& author, bool shared,
                       bool deleted) {
    v1::Annotation a;
    a.set_id(id);
    a.set_document_id("d1");
    a.set_version(1);
    a.set_page(3);
    a.set_kind(v1::ANNOTATION_KIND_NOTE);
    a.set_visibility(shared ? v1::ANNOTATION_VISIBILITY_SHARED : v1::ANNOTATION_VISIBILITY_PRIVATE);
    a.set_revision(4);
    a.set_deleted(deleted);
    a.set_text("Ghi chú: cần xem lại điều 5");
    a.set_author_user_id(author);
    a.mutable_update_time()->set_unix_micros(77);
    return a;
  };
  const v1::Annotation mine = annotation("a-mine", "u1", false, false);
  ASSERT_TRUE(store_->Write([&](Transaction& tx) -> absl::Status {
    v1::User other;
    other.set_id("u2");
    other.set_organization_id("o1");
    other.set_username("daibieu");
    other.set_full_name("Lê Thị Hạnh");
    other.set_role(v1::USER_ROLE_MEMBER);
    RETURN_IF_ERROR(tx.InsertUser(other, ""));
    v1::Document d;
    d.set_id("d1");
    d.set_meeting_id("m1");
    d.set_title("Tờ trình");
    RETURN_IF_ERROR(tx.InsertDocument(d));
    RETURN_IF_ERROR(tx.PutAnnotation(mine));
    RETURN_IF_ERROR(tx.PutAnnotation(annotation("b-theirs-private", "u2", false, false)));
    RETURN_IF_ERROR(tx.PutAnnotation(annotation("c-theirs-shared", "u2", true, false)));
    return tx.PutAnnotation(annotation("d-theirs-deleted", "u2", true, true));
  }).ok());
  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::Annotation got, tx.GetAnnotation("a-mine"));
    v1::Annotation want = mine;
    want.set_author_name("Nguyễn Thị Thu Hà");
    EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString()) << got.DebugString();
    auto ids = [&](bool include_deleted) {
      std::vector<std::string> out;
      absl::StatusOr<std::vector<v1::Annotation>> list =
          tx.ListAnnotations("d1", {1}, "u1", include_deleted);
      EXPECT_TRUE(list.ok()) << list.status();
      for (const v1::Annotation& a : list.value_or(std::vector<v1::Annotation>())) {
        out.push_back(a.id());
      }
      return out;
    };
    EXPECT_EQ(ids(false), (std::vector<std::string>{"a-mine", "c-theirs-shared"}));
    EXPECT_EQ(ids(true),
              (std::vector<std::string>{"a-mine", "c-theirs-shared", "d-theirs-deleted"}));
    ASSIGN_OR_RETURN(std::vector<v1::Annotation> other_version,
                     tx.ListAnnotations("d1", {2}, "u1", true));
    EXPECT_TRUE(other_version.empty());
    EXPECT_EQ(tx.GetAnnotation("zz").status().code(), absl::StatusCode::kNotFound);
    return absl::OkStatus();
  }).ok());
}

TEST_F(SqliteStoreTest, AFailedTransactionLeavesNothingBehind) {
  Seed();
  absl::Status s = store_->Write([&](Transaction& tx) -> absl::Status {
    v1::EventBody body;
    body.mutable_state_changed()->set_to(v1::MEETING_STATE_PUBLISHED);
    RETURN_IF_ERROR(tx.AppendEvent("m1", "u1", 1, body).status());
    v1::User dup;
    dup.set_id("u2");
    dup.set_username("thuky");
    dup.set_full_name("x");
    return tx.InsertUser(dup, "");  // duplicate username
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(ChainHead head, tx.GetChainHead("m1"));
    EXPECT_EQ(head.seq, 0);
    EXPECT_EQ(tx.GetUser("u2").status().code(), absl::StatusCode::kNotFound);
    return absl::OkStatus();
  }).ok());
}

TEST_F(SqliteStoreTest, AppendsAChainedLogAndTellsTheListenerAfterCommit) {
  Seed();
  std::vector<int64_t> heard;
  store_->SetEventListener([&](const std::vector<StoredEvent>& events) {
    for (const StoredEvent& e : events) heard.push_back(e.seq);
  });
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store_->Write([&](Transaction& tx) -> absl::Status {
      v1::EventBody body;
      body.mutable_current_item_changed()->set_item_id("item" + std::to_string(i));
      return tx.AppendEvent("m1", "u1", 100 + i, body).status();
    }).ok());
  }
  (void)store_->Write([&](Transaction& tx) -> absl::Status {
    v1::EventBody body;
    RETURN_IF_ERROR(tx.AppendEvent("m1", "u1", 200, body).status());
    return absl::AbortedError("changed my mind");
  });
  EXPECT_EQ(heard, (std::vector<int64_t>{1, 2, 3}));
  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<StoredEvent> events, tx.ReadEvents("m1", 0, 100));
    ASSIGN_OR_RETURN(ChainHead head, tx.GetChainHead("m1"));
    EXPECT_EQ(events.size(), 3u);
    EXPECT_TRUE(VerifyChain("m1", events, head).ok());
    ASSIGN_OR_RETURN(std::vector<StoredEvent> tail, tx.ReadEvents("m1", 2, 100));
    EXPECT_EQ(tail.size(), 1u);
    return absl::OkStatus();
  }).ok());
}

TEST_F(SqliteStoreTest, PagesThroughMeetingsUpcomingFirst) {
  Seed();
  const int64_t now = absl::ToUnixMicros(absl::Now());
  const int64_t day = 86400LL * 1000000;
  ASSERT_TRUE(store_->Write([&](Transaction& tx) -> absl::Status {
    // m1 (seeded) starts at 0: long past. Add two past and three upcoming.
    const std::vector<std::pair<std::string, int64_t>> starts = {
        {"past1", now - 10 * day}, {"past2", now - 2 * day}, {"soon", now + day},
        {"later", now + 5 * day}, {"latest", now + 9 * day}};
    for (const auto& [id, start] : starts) {
      v1::Meeting m;
      m.set_id(id);
      m.set_organization_id("o1");
      m.set_title(id);
      m.set_state(v1::MEETING_STATE_PUBLISHED);
      m.set_created_by("u1");
      m.mutable_start_time()->set_unix_micros(start);
      m.mutable_end_time()->set_unix_micros(start + 3600LL * 1000000);
      RETURN_IF_ERROR(tx.InsertMeeting(m));
      RETURN_IF_ERROR(tx.UpsertParticipant(id, "u1", v1::MEETING_ROLE_SECRETARY));
    }
    return absl::OkStatus();
  }).ok());
  std::vector<std::string> order;
  PageQuery page{.after = "", .limit = 2};
  do {
    ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(Page<v1::Meeting> p, tx.ListMeetingsOf("u1", page));
      for (const v1::Meeting& m : p.items) {
        order.push_back(m.id());
        EXPECT_EQ(m.my_role(), v1::MEETING_ROLE_SECRETARY);
      }
      page.after = p.next;
      return absl::OkStatus();
    }).ok());
  } while (!page.after.empty());
  EXPECT_EQ(order, (std::vector<std::string>{"soon", "later", "latest", "past2", "past1", "m1"}));
  page.after = "garbage";
  EXPECT_EQ(store_->Read([&](Transaction& tx) { return tx.ListMeetingsOf("u1", page).status(); })
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerHopso) {
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  absl::StatusOr<std::unique_ptr<Store>> reopened = OpenSqliteStore(path_);
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(reopened.status().message().find("newer"), std::string::npos);
}

TEST_F(SqliteStoreTest, ReopensWithoutReapplyingMigrations) {
  Seed();
  store_.reset();
  absl::StatusOr<std::unique_ptr<Store>> reopened = OpenSqliteStore(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_TRUE((*reopened)->Read([](Transaction& tx) { return tx.GetMeeting("m1").status(); }).ok());
}

TEST(OpenSqliteStore, SaysWhenTheFileCannotBeOpened) {
  absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore("/nonexistent-dir/x/hopso.db");
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable) << store.status();
}

TEST_F(SqliteStoreTest, KeepsMeetingRulesAndTheirRoomSecret) {
  Seed();
  EXPECT_EQ(store_->Read([](Transaction& tx) { return tx.GetMeetingRules("m1").status(); }).code(),
            absl::StatusCode::kNotFound);
  MeetingRulesRecord rules = DefaultRules(2);
  rules.rules.set_proxies_count_for_quorum(true);
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.PutMeetingRules("m1", rules); }).ok());
  std::string secret;
  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(MeetingRulesRecord got, tx.GetMeetingRules("m1"));
    EXPECT_EQ(got.room_secret.size(), 32u);
    EXPECT_EQ(got.rules.meeting_id(), "m1");
    EXPECT_EQ(got.rules.max_proxies_per_holder(), 2);
    EXPECT_TRUE(got.rules.proxies_count_for_quorum());
    EXPECT_TRUE(got.rules.quorum().strict());
    EXPECT_EQ(got.rules.quorum().denominator(), 2);
    EXPECT_EQ(got.rules.speaking_limit_seconds(), 300);
    secret = got.room_secret;
    return absl::OkStatus();
  }).ok());
  // New rules without a secret keep the room codes.
  rules.rules.set_speaking_limit_seconds(120);
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.PutMeetingRules("m1", rules); }).ok());
  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(MeetingRulesRecord got, tx.GetMeetingRules("m1"));
    EXPECT_EQ(got.room_secret, secret);
    EXPECT_EQ(got.rules.speaking_limit_seconds(), 120);
    return absl::OkStatus();
  }).ok());
  MeetingRulesRecord bad = rules;
  bad.rules.mutable_quorum()->set_denominator(0);
  EXPECT_EQ(WriteCode([&](Transaction& tx) { return tx.PutMeetingRules("m1", bad); }),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteCode([&](Transaction& tx) { return tx.PutMeetingRules("nope", rules); }),
            absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, RecordsAttendanceWithNamesAndRoles) {
  SeedMembers();
  v1::AttendanceRecord r;
  r.set_meeting_id("m1");
  r.set_user_id("u3");
  r.set_status(v1::ATTENDANCE_STATUS_PRESENT);
  r.set_late(true);
  r.set_method(v1::CHECK_IN_METHOD_ROOM_CODE);
  r.mutable_arrive_time()->set_unix_micros(1000);
  r.set_recorded_by("u3");
  r.mutable_update_time()->set_unix_micros(1000);
  v1::AttendanceRecord absent;
  absent.set_meeting_id("m1");
  absent.set_user_id("u2");
  absent.set_status(v1::ATTENDANCE_STATUS_ABSENT);
  absent.set_reason("Đi công tác");
  absent.set_method(v1::CHECK_IN_METHOD_MANUAL);
  absent.set_recorded_by("u1");
  absent.mutable_update_time()->set_unix_micros(900);
  ASSERT_TRUE(store_->Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.PutAttendanceRecord(r));
    return tx.PutAttendanceRecord(absent);
  }).ok());
  r.set_status(v1::ATTENDANCE_STATUS_LEFT);
  r.mutable_leave_time()->set_unix_micros(5000);
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.PutAttendanceRecord(r); }).ok());
  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::AttendanceRecord got, tx.GetAttendanceRecord("m1", "u3"));
    v1::AttendanceRecord want = r;
    want.set_full_name("Lê Thị Hạnh");
    want.set_role(v1::MEETING_ROLE_DELEGATE);
    EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString()) << got.DebugString();
    ASSIGN_OR_RETURN(std::vector<v1::AttendanceRecord> all, tx.ListAttendance("m1"));
    EXPECT_EQ(all.size(), 2u);
    if (all.size() == 2) {
      EXPECT_EQ(all[0].user_id(), "u2");
      EXPECT_EQ(all[0].reason(), "Đi công tác");
      EXPECT_EQ(all[0].full_name(), "Trần Văn Bình");
      EXPECT_FALSE(all[0].has_arrive_time());
      EXPECT_EQ(all[1].user_id(), "u3");
    }
    EXPECT_EQ(tx.GetAttendanceRecord("m1", "u4").status().code(), absl::StatusCode::kNotFound);
    return absl::OkStatus();
  }).ok());
  absent.set_user_id("ghost");
  EXPECT_EQ(WriteCode([&](Transaction& tx) { return tx.PutAttendanceRecord(absent); }),
            absl::StatusCode::kNotFound);
}

v1::Proxy MakeProxy(const std::string& giver, const std::string& holder) {
  v1::Proxy p;
  p.set_meeting_id("m1");
  p.set_giver_user_id(giver);
  p.set_holder_user_id(holder);
  p.mutable_create_time()->set_unix_micros(42);
  p.set_recorded_by("u1");
  return p;
}

TEST_F(SqliteStoreTest, TheSchemaRefusesProxyChainsAndTooManyProxies) {
  SeedMembers();
  auto give = [&](const std::string& giver, const std::string& holder) {
    return store_->Write([&](Transaction& tx) { return tx.InsertProxy(MakeProxy(giver, holder)); });
  };
  ASSERT_TRUE(give("u2", "u3").ok());
  EXPECT_EQ(give("u2", "u4").code(), absl::StatusCode::kAlreadyExists);
  // u4 -> u2 -> u3 and u2 -> u3 -> u5 would be chains.
  absl::Status chain = give("u4", "u2");
  EXPECT_EQ(chain.code(), absl::StatusCode::kFailedPrecondition) << chain;
  EXPECT_NE(chain.message().find("cannot be passed on"), std::string::npos) << chain;
  EXPECT_EQ(give("u3", "u5").code(), absl::StatusCode::kFailedPrecondition);
  // u3 holds one, the limit.
  absl::Status limit = give("u4", "u3");
  EXPECT_EQ(limit.code(), absl::StatusCode::kFailedPrecondition) << limit;
  EXPECT_NE(limit.message().find("as many proxies as the meeting rules allow"), std::string::npos);
  EXPECT_EQ(give("u4", "u4").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(give("u4", "ghost").code(), absl::StatusCode::kNotFound);
  // Straight SQL meets the same walls.
  EXPECT_NE(RawSql("INSERT INTO proxies VALUES ('m1', 'u4', 'u3', 0, 'x')").find("as many"),
            std::string::npos);
  EXPECT_NE(RawSql("INSERT INTO proxies VALUES ('m1', 'u4', 'u2', 0, 'x')").find("passed on"),
            std::string::npos);
  EXPECT_NE(RawSql("UPDATE proxies SET holder_id = 'u5'").find("not changed in place"),
            std::string::npos);
  // A higher limit lets u3 hold two.
  ASSERT_TRUE(store_->Write([](Transaction& tx) {
    return tx.PutMeetingRules("m1", DefaultRules(2));
  }).ok());
  ASSERT_TRUE(give("u4", "u3").ok());
  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<v1::Proxy> proxies, tx.ListProxies("m1"));
    EXPECT_EQ(proxies.size(), 2u);
    if (proxies.size() == 2) {
      EXPECT_EQ(proxies[0].giver_user_id(), "u2");
      EXPECT_EQ(proxies[0].giver_name(), "Trần Văn Bình");
      EXPECT_EQ(proxies[0].holder_name(), "Lê Thị Hạnh");
      EXPECT_EQ(proxies[0].recorded_by(), "u1");
      EXPECT_EQ(proxies[0].create_time().unix_micros(), 42);
      EXPECT_EQ(proxies[1].giver_user_id(), "u4");
    }
    return absl::OkStatus();
  }).ok());
  ASSERT_TRUE(store_->Write([](Transaction& tx) { return tx.DeleteProxy("m1", "u2"); }).ok());
  EXPECT_EQ(WriteCode([](Transaction& tx) { return tx.DeleteProxy("m1", "u2"); }),
            absl::StatusCode::kNotFound);
  // Once u2's proxy ended, u2 may hold one.
  EXPECT_TRUE(give("u5", "u2").ok());
}

v1::Poll MakePoll(const std::string& id, const std::string& item, v1::PollSecrecy secrecy) {
  v1::Poll p;
  p.set_id(id);
  p.set_meeting_id("m1");
  p.set_agenda_item_id(item);
  p.set_title("Thông qua tờ trình " + id);
  p.set_kind(v1::POLL_KIND_YES_NO_ABSTAIN);
  p.set_secrecy(secrecy);
  for (const char* option : {"yes", "no", "abstain"}) p.add_options()->set_id(option);
  p.set_state(v1::POLL_STATE_DRAFT);
  p.mutable_create_time()->set_unix_micros(id == "p1" ? 10 : 20);
  return p;
}

TEST_F(SqliteStoreTest, KeepsPollsWithoutLiveCounts) {
  SeedMembers();
  v1::Poll p1 = MakePoll("p1", "item1", v1::POLL_SECRECY_NAMED);
  p1.set_voted(3);
  p1.add_counts()->set_option_id("yes");
  ASSERT_TRUE(store_->Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.InsertPoll(p1));
    return tx.InsertPoll(MakePoll("p2", "item2", v1::POLL_SECRECY_SECRET));
  }).ok());
  EXPECT_EQ(WriteCode([&](Transaction& tx) { return tx.InsertPoll(p1); }),
            absl::StatusCode::kAlreadyExists);
  p1.set_state(v1::POLL_STATE_CLOSED);
  p1.set_eligible(5);
  p1.mutable_result()->set_outcome(v1::POLL_OUTCOME_PASSED);
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.UpdatePoll(p1); }).ok());
  EXPECT_EQ(WriteCode([&](Transaction& tx) {
              return tx.UpdatePoll(MakePoll("p9", "", v1::POLL_SECRECY_NAMED));
            }),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::Poll got, tx.GetPoll("p1"));
    EXPECT_EQ(got.state(), v1::POLL_STATE_CLOSED);
    EXPECT_EQ(got.eligible(), 5);
    EXPECT_EQ(got.result().outcome(), v1::POLL_OUTCOME_PASSED);
    EXPECT_EQ(got.voted(), 0);
    EXPECT_EQ(got.counts_size(), 0);
    EXPECT_EQ(got.title(), "Thông qua tờ trình p1");
    ASSIGN_OR_RETURN(std::vector<v1::Poll> all, tx.ListPolls("m1", ""));
    EXPECT_EQ(all.size(), 2u);
    if (all.size() == 2) {
      EXPECT_EQ(all[0].id(), "p1");
      EXPECT_EQ(all[1].id(), "p2");
    }
    ASSIGN_OR_RETURN(std::vector<v1::Poll> item2, tx.ListPolls("m1", "item2"));
    EXPECT_EQ(item2.size(), 1u);
    EXPECT_EQ(tx.GetPoll("p9").status().code(), absl::StatusCode::kNotFound);
    return absl::OkStatus();
  }).ok());
}

VoterRecord Voter(const std::string& poll, const std::string& principal,
                  const std::string& caster, const std::string& choices, int64_t micros) {
  return VoterRecord{poll, principal, caster, "ballot-" + principal, choices, micros};
}

TEST_F(SqliteStoreTest, OneBallotPerVotingRightAndOnlyByItsCaster) {
  SeedMembers();
  ASSERT_TRUE(store_->Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.InsertPoll(MakePoll("p1", "item1", v1::POLL_SECRECY_NAMED)));
    // u5 holds u2's proxy.
    return tx.InsertVotingRights({{"p1", "u3", "u3"}, {"p1", "u2", "u5"}, {"p1", "u5", "u5"}});
  }).ok());
  EXPECT_EQ(WriteCode([](Transaction& tx) { return tx.InsertVotingRights({{"p1", "u3", "u3"}}); }),
            absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(store_->Write([](Transaction& tx) {
    return tx.InsertVoter(Voter("p1", "u2", "u5", "no", 100));
  }).ok());
  absl::Status again = store_->Write([](Transaction& tx) {
    return tx.InsertVoter(Voter("p1", "u2", "u5", "yes", 101));
  });
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
  absl::Status no_right = store_->Write([](Transaction& tx) {
    return tx.InsertVoter(Voter("p1", "u4", "u4", "yes", 100));
  });
  EXPECT_EQ(no_right.code(), absl::StatusCode::kFailedPrecondition) << no_right;
  // u3's own right cast by someone else.
  EXPECT_EQ(WriteCode([](Transaction& tx) {
              return tx.InsertVoter(Voter("p1", "u3", "u5", "yes", 100));
            }),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(RawSql("INSERT INTO poll_voters VALUES ('p1', 'u4', 'u4', x'00', 'yes', 1)")
                .find("FOREIGN KEY"),
            std::string::npos);
  ASSERT_TRUE(store_->Write([](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.InsertVoter(Voter("p1", "u3", "u3", "yes", 102)));
    return tx.UpdateVoter(Voter("p1", "u2", "u5", "abstain", 103));
  }).ok());
  EXPECT_EQ(WriteCode([](Transaction& tx) {
              return tx.UpdateVoter(Voter("p1", "u5", "u5", "yes", 1));
            }),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->Read([](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(VotingRightRecord right, tx.GetVotingRight("p1", "u2"));
    EXPECT_EQ(right.caster_user_id, "u5");
    EXPECT_EQ(tx.GetVotingRight("p1", "u4").status().code(), absl::StatusCode::kNotFound);
    ASSIGN_OR_RETURN(std::vector<VotingRightRecord> held, tx.ListVotingRightsOf("p1", "u5"));
    EXPECT_EQ(held.size(), 2u);
    if (held.size() == 2) {
      EXPECT_EQ(held[0].principal_user_id, "u2");
      EXPECT_EQ(held[1].principal_user_id, "u5");
    }
    ASSIGN_OR_RETURN(VoterRecord v, tx.GetVoter("p1", "u2"));
    EXPECT_EQ(v.choices, "abstain");
    EXPECT_EQ(v.cast_micros, 103);
    EXPECT_EQ(v.caster_user_id, "u5");
    EXPECT_EQ(v.ballot_ref, "ballot-u2");
    EXPECT_EQ(tx.GetVoter("p1", "u5").status().code(), absl::StatusCode::kNotFound);
    ASSIGN_OR_RETURN(std::vector<VoterRecord> voters, tx.ListVoters("p1"));
    EXPECT_EQ(voters.size(), 2u);
    if (voters.size() == 2) {
      EXPECT_EQ(voters[0].principal_user_id, "u2");
    }
    ASSIGN_OR_RETURN(int64_t count, tx.CountVoters("p1"));
    EXPECT_EQ(count, 2);
    return absl::OkStatus();
  }).ok());
}

// The secret ballot keys as stored, by receipt.
std::map<std::string, std::string> BallotKeys(const std::string& path) {
  std::map<std::string, std::string> keys;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT receipt, ballot_key FROM secret_ballots", -1, &stmt,
                               nullptr),
            SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    keys[reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))] = std::string(
        static_cast<const char*>(sqlite3_column_blob(stmt, 1)), sqlite3_column_bytes(stmt, 1));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return keys;
}

TEST_F(SqliteStoreTest, SecretBallotsKeepNoVoterAndAreResealedUnderNewKeys) {
  SeedMembers();
  ASSERT_TRUE(store_->Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.InsertPoll(MakePoll("p2", "item1", v1::POLL_SECRECY_SECRET)));
    RETURN_IF_ERROR(tx.InsertVotingRights(
        {{"p2", "u2", "u2"}, {"p2", "u3", "u3"}, {"p2", "u4", "u4"}, {"p2", "u5", "u5"}}));
    for (const char* u : {"u4", "u2", "u5"}) {
      RETURN_IF_ERROR(tx.InsertVoter(Voter("p2", u, u, "", 0)));
    }
    RETURN_IF_ERROR(tx.InsertSecretBallot({"p2", "RCPTBBBBBBBBBBBB", "no"}));
    RETURN_IF_ERROR(tx.InsertSecretBallot({"p2", "RCPTAAAAAAAAAAAA", "yes"}));
    return tx.InsertSecretBallot({"p2", "RCPTCCCCCCCCCCCC", "yes"});
  }).ok());
  // A secret poll's voter row cannot say what or when, even by mistake.
  absl::Status leak = store_->Write([](Transaction& tx) {
    return tx.InsertVoter(Voter("p2", "u3", "u3", "yes", 0));
  });
  EXPECT_EQ(leak.code(), absl::StatusCode::kFailedPrecondition) << leak;
  EXPECT_EQ(WriteCode([](Transaction& tx) {
              return tx.InsertVoter(Voter("p2", "u3", "u3", "", 12345));
            }),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(WriteCode([](Transaction& tx) {
              return tx.InsertSecretBallot({"p2", "RCPTAAAAAAAAAAAA", "no"});
            }),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(WriteCode([](Transaction& tx) {
              return tx.DeleteSecretBallot("p2", "RCPTZZZZZZZZZZZZ");
            }),
            absl::StatusCode::kNotFound);
  const std::map<std::string, std::string> keys_before = BallotKeys(path_);
  ASSERT_EQ(keys_before.size(), 3u);
  for (const auto& [receipt, key] : keys_before) EXPECT_EQ(key.size(), 16u);

  std::vector<SecretBallotRecord> ballots_before;
  std::vector<VoterRecord> voters_before;
  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(ballots_before, tx.ListSecretBallots("p2"));
    ASSIGN_OR_RETURN(voters_before, tx.ListVoters("p2"));
    ASSIGN_OR_RETURN(SecretBallotRecord b, tx.GetSecretBallot("p2", "RCPTBBBBBBBBBBBB"));
    EXPECT_EQ(b.choices, "no");
    EXPECT_EQ(tx.GetSecretBallot("p2", "RCPTZZZZZZZZZZZZ").status().code(),
              absl::StatusCode::kNotFound);
    return absl::OkStatus();
  }).ok());
  ASSERT_TRUE(store_->Write([](Transaction& tx) { return tx.ResealSecretPoll("p2"); }).ok());
  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<SecretBallotRecord> ballots, tx.ListSecretBallots("p2"));
    ASSIGN_OR_RETURN(std::vector<VoterRecord> voters, tx.ListVoters("p2"));
    EXPECT_EQ(ballots.size(), 3u);
    EXPECT_EQ(voters.size(), 3u);
    for (size_t i = 0; i < std::min(ballots.size(), ballots_before.size()); ++i) {
      EXPECT_EQ(ballots[i].receipt, ballots_before[i].receipt);
      EXPECT_EQ(ballots[i].choices, ballots_before[i].choices);
    }
    for (size_t i = 0; i < std::min(voters.size(), voters_before.size()); ++i) {
      EXPECT_EQ(voters[i].principal_user_id, voters_before[i].principal_user_id);
      EXPECT_EQ(voters[i].ballot_ref, voters_before[i].ballot_ref);
      EXPECT_EQ(voters[i].choices, "");
      EXPECT_EQ(voters[i].cast_micros, 0);
    }
    return absl::OkStatus();
  }).ok());
  const std::map<std::string, std::string> keys_after = BallotKeys(path_);
  ASSERT_EQ(keys_after.size(), 3u);
  for (const auto& [receipt, key] : keys_after) EXPECT_NE(key, keys_before.at(receipt));
  ASSERT_TRUE(store_->Write([](Transaction& tx) {
    return tx.DeleteSecretBallot("p2", "RCPTAAAAAAAAAAAA");
  }).ok());
  EXPECT_EQ(BallotKeys(path_).size(), 2u);
}

TEST_F(SqliteStoreTest, KeepsRequestsToSpeakWithTheSpeakersName) {
  SeedMembers();
  auto request = [](const std::string& id, const std::string& user, const std::string& item) {
    v1::SpeakRequest r;
    r.set_id(id);
    r.set_meeting_id("m1");
    r.set_agenda_item_id(item);
    r.set_user_id(user);
    r.set_full_name("ignored");
    r.set_kind(v1::SPEAK_KIND_QUESTION);
    r.set_state(v1::SPEAK_STATE_WAITING);
    r.set_topic("Về kinh phí");
    r.mutable_request_time()->set_unix_micros(7);
    return r;
  };
  v1::SpeakRequest r1 = request("s1", "u3", "item1");
  ASSERT_TRUE(store_->Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.InsertSpeakRequest(r1));
    RETURN_IF_ERROR(tx.InsertSpeakRequest(request("s2", "u4", "item1")));
    return tx.InsertSpeakRequest(request("s3", "u4", "item2"));
  }).ok());
  EXPECT_EQ(WriteCode([&](Transaction& tx) { return tx.InsertSpeakRequest(r1); }),
            absl::StatusCode::kAlreadyExists);
  r1.set_state(v1::SPEAK_STATE_SPEAKING);
  r1.set_limit_seconds(300);
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.UpdateSpeakRequest(r1); }).ok());
  EXPECT_EQ(WriteCode([&](Transaction& tx) {
              return tx.UpdateSpeakRequest(request("s9", "u3", "item1"));
            }),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::SpeakRequest got, tx.GetSpeakRequest("s1"));
    v1::SpeakRequest want = r1;
    want.set_full_name("Lê Thị Hạnh");
    EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString()) << got.DebugString();
    ASSIGN_OR_RETURN(std::vector<v1::SpeakRequest> item1, tx.ListSpeakRequests("m1", "item1"));
    EXPECT_EQ(item1.size(), 2u);
    for (const v1::SpeakRequest& r : item1) EXPECT_NE(r.full_name(), "ignored");
    EXPECT_EQ(tx.GetSpeakRequest("s9").status().code(), absl::StatusCode::kNotFound);
    return absl::OkStatus();
  }).ok());
}

TEST_F(SqliteStoreTest, ANestedFailureUndoesOnlyItsOwnWritesAndEvents) {
  SeedMembers();
  std::vector<int64_t> heard;
  store_->SetEventListener([&](const std::vector<StoredEvent>& events) {
    for (const StoredEvent& e : events) heard.push_back(e.seq);
  });
  v1::EventBody body;
  body.mutable_current_item_changed()->set_item_id("item1");
  absl::Status inner_status;
  ASSERT_TRUE(store_->Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.InsertProxy(MakeProxy("u2", "u3")));
    inner_status = tx.Nested([&](Transaction& inner) -> absl::Status {
      RETURN_IF_ERROR(inner.InsertProxy(MakeProxy("u4", "u5")));
      RETURN_IF_ERROR(inner.AppendEvent("m1", "u1", 1, body).status());
      // A nested success inside the failure is undone with it.
      RETURN_IF_ERROR(inner.Nested([&](Transaction& t) {
        return t.InsertProxy(MakeProxy("u6", "u1"));
      }));
      return inner.InsertProxy(MakeProxy("u2", "u4"));  // u2 gave one already
    });
    EXPECT_TRUE(tx.Nested([&](Transaction& inner) {
      return inner.AppendEvent("m1", "u1", 2, body).status();
    }).ok());
    return tx.InsertProxy(MakeProxy("u4", "u6"));
  }).ok());
  EXPECT_EQ(inner_status.code(), absl::StatusCode::kAlreadyExists) << inner_status;
  EXPECT_EQ(heard, (std::vector<int64_t>{1}));
  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<v1::Proxy> proxies, tx.ListProxies("m1"));
    std::vector<std::string> givers;
    for (const v1::Proxy& p : proxies) {
      givers.push_back(p.giver_user_id() + ">" + p.holder_user_id());
    }
    EXPECT_EQ(givers, (std::vector<std::string>{"u2>u3", "u4>u6"}));
    ASSIGN_OR_RETURN(std::vector<StoredEvent> events, tx.ReadEvents("m1", 0, 10));
    EXPECT_EQ(events.size(), 1u);
    ASSIGN_OR_RETURN(ChainHead head, tx.GetChainHead("m1"));
    EXPECT_TRUE(VerifyChain("m1", events, head).ok());
    return absl::OkStatus();
  }).ok());
}

int64_t FileSize(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  return error ? -1 : static_cast<int64_t>(size);
}

TEST_F(SqliteStoreTest, ForgetHistoryEmptiesTheWriteAheadLogOnceReadersLetGo) {
  SeedMembers();
  const std::string wal = path_ + "-wal";
  ASSERT_GT(FileSize(wal), 0);
  ASSERT_TRUE(store_->ForgetHistory().ok());
  EXPECT_EQ(FileSize(wal), 0);
  ASSERT_TRUE(store_->Write([](Transaction& tx) {
    return tx.InsertProxy(MakeProxy("u2", "u3"));
  }).ok());
  ASSERT_GT(FileSize(wal), 0);
  // A reader in the middle of a transaction keeps the log busy.
  absl::Notification reading, release;
  std::thread reader([&] {
    EXPECT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
      RETURN_IF_ERROR(tx.ListProxies("m1").status());
      reading.Notify();
      release.WaitForNotification();
      return absl::OkStatus();
    }).ok());
  });
  reading.WaitForNotification();
  absl::Status busy;
  std::thread forget([&] { busy = store_->ForgetHistory(); });
  // Writes go on between the attempts.
  EXPECT_TRUE(store_->Write([](Transaction& tx) { return tx.DeleteProxy("m1", "u2"); }).ok());
  forget.join();
  EXPECT_EQ(busy.code(), absl::StatusCode::kUnavailable) << busy;
  release.Notify();
  reader.join();
  ASSERT_TRUE(store_->ForgetHistory().ok());
  EXPECT_EQ(FileSize(wal), 0);
}

TEST(SqliteMigration, GivesExistingMeetingsRulesAndARoomSecret) {
  char tmpl[] = "/tmp/hopso-migrate-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl, path = dir + "/hopso.db";
  {
    // A database as the previous release left it, with a meeting in it.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::span<const char* const> migrations = SqliteMigrations();
    ASSERT_GE(migrations.size(), 4u);
    for (size_t v = 0; v < 3; ++v) {
      ASSERT_EQ(sqlite3_exec(db, migrations[v], nullptr, nullptr, nullptr), SQLITE_OK) << v;
    }
    ASSERT_EQ(sqlite3_exec(db,
                           "PRAGMA user_version = 3;"
                           "INSERT INTO organizations (id, name, create_time) VALUES ('o1','O',0);"
                           "INSERT INTO users (id, username, full_name, role, create_time) "
                           "VALUES ('u1','a','A',1,0);"
                           "INSERT INTO meetings (id, organization_id, title, start_time, "
                           "end_time, state, created_by, create_time) "
                           "VALUES ('old','o1','T',0,0,1,'u1',0)",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(path);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Read([](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(MeetingRulesRecord r, tx.GetMeetingRules("old"));
    EXPECT_EQ(r.room_secret.size(), 32u);
    EXPECT_EQ(r.rules.quorum().numerator(), 1);
    EXPECT_EQ(r.rules.quorum().denominator(), 2);
    EXPECT_TRUE(r.rules.quorum().strict());
    EXPECT_EQ(r.rules.max_proxies_per_holder(), 1);
    EXPECT_FALSE(r.rules.proxies_count_for_quorum());
    EXPECT_EQ(r.rules.speaking_limit_seconds(), 300);
    return absl::OkStatus();
  }).ok());
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hopso::server
