#include "server/store/sqlite/sqlite_store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>

#include "gtest/gtest.h"
#include "server/store/event_chain.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

namespace hopso::server {
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

}  // namespace
}  // namespace hopso::server
