#include "server/store/group_writer.h"

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/util/status_macros.h"

namespace hopso::server {
namespace {

constexpr absl::Duration kPatience = absl::Seconds(30);

class GroupWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hopso-group-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto store = OpenSqliteStore(dir_ + "/hopso.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static v1::User User(const std::string& id) {
    v1::User u;
    u.set_id(id);
    u.set_username("user-" + id);
    u.set_full_name("Đại biểu " + id);
    u.set_role(v1::USER_ROLE_MEMBER);
    return u;
  }

  static GroupWriter::Work InsertUser(const std::string& id) {
    return [id](Transaction& tx, GroupWriter::Batch&) { return tx.InsertUser(User(id), ""); };
  }

  bool UserExists(const std::string& id) {
    return store_->Read([&](Transaction& tx) { return tx.GetUser(id).status(); }).ok();
  }

  // Occupies the writer thread until `release` is notified, so that what is
  // submitted meanwhile lands in the next batch together.
  void Block(GroupWriter& writer, absl::Notification& running, absl::Notification& release) {
    writer.Submit(
        [&](Transaction&, GroupWriter::Batch&) {
          running.Notify();
          release.WaitForNotification();
          return absl::OkStatus();
        },
        [](absl::Status) {});
    ASSERT_TRUE(running.WaitForNotificationWithTimeout(kPatience));
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
};

// Collects the statuses given to `done`, and waits for all of them.
class Outcomes {
 public:
  GroupWriter::Done Slot(size_t i) {
    absl::MutexLock lock(&mu_);
    if (statuses_.size() <= i) statuses_.resize(i + 1, absl::UnknownError("not done"));
    ++expected_;
    return [this, i](absl::Status s) {
      absl::MutexLock lock(&mu_);
      statuses_[i] = std::move(s);
      ++done_;
    };
  }
  std::vector<absl::Status> Wait() {
    absl::MutexLock lock(&mu_);
    EXPECT_TRUE(mu_.AwaitWithTimeout(
        absl::Condition(+[](Outcomes* o) { return o->done_ == o->expected_; }, this), kPatience));
    return statuses_;
  }

 private:
  absl::Mutex mu_;
  std::vector<absl::Status> statuses_;
  size_t expected_ = 0;
  size_t done_ = 0;
};

TEST_F(GroupWriterTest, ConcurrentSubmittersShareATransactionAndSeeTheirRowsCommitted) {
  GroupWriter writer(*store_);
  absl::Notification running, release;
  Block(writer, running, release);
  constexpr int kThreads = 8, kPerThread = 25;
  std::atomic<int> committed_when_done{0};
  Outcomes outcomes;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        GroupWriter::Done record = outcomes.Slot(t * kPerThread + i);
        writer.Submit(InsertUser(id), [&, id, record](absl::Status s) {
          // Acknowledged means durable: a fresh reader already sees the row.
          if (s.ok() && UserExists(id)) ++committed_when_done;
          record(std::move(s));
        });
      }
    });
  }
  for (std::thread& t : threads) t.join();
  release.Notify();
  for (const absl::Status& s : outcomes.Wait()) EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(committed_when_done.load(), kThreads * kPerThread);
  const GroupWriter::Stats stats = writer.stats();
  EXPECT_EQ(stats.items, kThreads * kPerThread + 1);
  // The blocker alone, then everything submitted meanwhile in one batch.
  EXPECT_EQ(stats.batches, 2);
}

TEST_F(GroupWriterTest, RespectsMaxBatch) {
  GroupWriter writer(*store_, GroupWriter::Options{.max_batch = 3});
  absl::Notification running, release;
  Block(writer, running, release);
  Outcomes outcomes;
  for (int i = 0; i < 7; ++i) writer.Submit(InsertUser("u" + std::to_string(i)), outcomes.Slot(i));
  release.Notify();
  for (const absl::Status& s : outcomes.Wait()) EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(writer.stats().batches, 1 + 3);  // the blocker, then 3 + 3 + 1
}

TEST_F(GroupWriterTest, AFailingItemIsUndoneAloneAndItsEndStepDropped) {
  GroupWriter writer(*store_);
  absl::Notification running, release;
  Block(writer, running, release);
  std::vector<std::string> end_steps;
  Outcomes outcomes;
  auto counted = [&](const std::string& id) {
    return [&, id](Transaction& tx, GroupWriter::Batch& batch) -> absl::Status {
      RETURN_IF_ERROR(tx.InsertUser(User(id), ""));
      ++batch.State<int>("count");
      batch.AtEnd("count", [&batch, &end_steps](Transaction&) {
        end_steps.push_back("count=" + std::to_string(batch.State<int>("count")));
        return absl::OkStatus();
      });
      return absl::OkStatus();
    };
  };
  writer.Submit(counted("a"), outcomes.Slot(0));
  // Writes, registers its own end step, then fails: nothing of it may stay.
  writer.Submit(
      [&](Transaction& tx, GroupWriter::Batch& batch) -> absl::Status {
        RETURN_IF_ERROR(tx.InsertUser(User("bad"), ""));
        batch.AtEnd("bad", [&end_steps](Transaction&) {
          end_steps.push_back("bad");
          return absl::OkStatus();
        });
        return absl::InvalidArgumentError("this ballot is not valid");
      },
      outcomes.Slot(1));
  writer.Submit(counted("a"), outcomes.Slot(2));  // duplicate: fails in SQLite
  writer.Submit(counted("b"), outcomes.Slot(3));
  release.Notify();
  std::vector<absl::Status> statuses = outcomes.Wait();
  EXPECT_TRUE(statuses[0].ok()) << statuses[0];
  EXPECT_EQ(statuses[1].code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(statuses[1].message(), "this ballot is not valid");
  EXPECT_EQ(statuses[2].code(), absl::StatusCode::kAlreadyExists) << statuses[2];
  EXPECT_TRUE(statuses[3].ok()) << statuses[3];
  EXPECT_TRUE(UserExists("a"));
  EXPECT_TRUE(UserExists("b"));
  EXPECT_FALSE(UserExists("bad"));
  EXPECT_EQ(end_steps, (std::vector<std::string>{"count=2"}));
  EXPECT_EQ(writer.stats().batches, 2);
}

TEST_F(GroupWriterTest, AFailingEndStepFailsTheWholeBatch) {
  GroupWriter writer(*store_);
  absl::Notification running, release;
  Block(writer, running, release);
  Outcomes outcomes;
  for (int i = 0; i < 3; ++i) {
    writer.Submit(
        [i](Transaction& tx, GroupWriter::Batch& batch) -> absl::Status {
          RETURN_IF_ERROR(tx.InsertUser(User("u" + std::to_string(i)), ""));
          batch.AtEnd("event", [](Transaction& tx) -> absl::Status {
            RETURN_IF_ERROR(tx.InsertUser(User("end"), ""));
            return absl::UnavailableError("the event log is unreachable");
          });
          return absl::OkStatus();
        },
        outcomes.Slot(i));
  }
  release.Notify();
  for (const absl::Status& s : outcomes.Wait()) {
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  }
  for (const char* id : {"u0", "u1", "u2", "end"}) EXPECT_FALSE(UserExists(id)) << id;
  // The writer goes on with the next batch.
  EXPECT_TRUE(writer.Write(InsertUser("later")).ok());
  EXPECT_TRUE(UserExists("later"));
}

TEST_F(GroupWriterTest, WriteWaitsForTheCommitAndDestructionDrainsTheQueue) {
  std::atomic<int> ok{0};
  {
    GroupWriter writer(*store_);
    EXPECT_TRUE(writer.Write(InsertUser("first")).ok());
    EXPECT_TRUE(UserExists("first"));
    EXPECT_EQ(writer.Write(InsertUser("first")).code(), absl::StatusCode::kAlreadyExists);
    absl::Notification running, release;
    Block(writer, running, release);
    for (int i = 0; i < 20; ++i) {
      writer.Submit(InsertUser("q" + std::to_string(i)), [&](absl::Status s) {
        if (s.ok()) ++ok;
      });
    }
    release.Notify();
  }
  EXPECT_EQ(ok.load(), 20);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(UserExists("q" + std::to_string(i)));
}

}  // namespace
}  // namespace hopso::server
