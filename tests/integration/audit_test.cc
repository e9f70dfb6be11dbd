// `hopsoctl audit verify` against the database the real server wrote: an
// untouched file verifies; an event changed, removed or reordered by hand
// makes it fail and name that event. Each tampering works on its own copy.
#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <regex>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

#ifndef HOPSOCTL_PATH
#error "HOPSOCTL_PATH must name the hopsoctl binary"
#endif

namespace hopso::integration {
namespace {

// The event the tampering cases aim at: neither the first nor the last.
constexpr int64_t kTamperedSeq = 3;

class AuditTest : public HopsodTest {
 protected:
  void SetUp() override {
    HopsodTest::SetUp();
    if (HasFatalFailure()) return;
    {  // the clients disconnect before the stop: only the file matters from here
      ASSERT_OK_AND_ASSIGN(Cast cast, MakeCast(*server_, "Thanh tra tỉnh Hà Giang", ""));
      ASSERT_OK_AND_ASSIGN(meeting_, MakeMeeting(cast, v1::MEETING_STATE_ENDED, "Họp kết luận"));
      ASSERT_GT(meeting_.last_event_seq(), kTamperedSeq + 1);
      ASSERT_OK(MakeMeeting(cast, v1::MEETING_STATE_IN_PROGRESS, "Họp đang diễn ra"));
    }
    ASSERT_OK_AND_ASSIGN(int exit_code, server_->Stop());
    ASSERT_EQ(exit_code, 0);
  }

  // A copy of the data directory's database (and its WAL, if the server left
  // one) in a fresh directory; returns that directory.
  std::string CopyData(absl::string_view name) {
    const std::string dir = absl::StrCat(server_->scratch_dir(), "/", name);
    std::filesystem::create_directories(dir);
    for (const char* suffix : {"", "-wal"}) {
      const std::string from = server_->db_path() + suffix;
      if (std::filesystem::exists(from)) {
        std::filesystem::copy_file(from, absl::StrCat(dir, "/hopso.db", suffix));
      }
    }
    return dir;
  }

  absl::StatusOr<CommandResult> Verify(const std::string& data_dir) {
    return RunCommand({HOPSOCTL_PATH, "audit", "verify", "--data_dir", data_dir});
  }

  v1::Meeting meeting_;
};

// Runs `sql` on the database in `dir` with ?1 bound to `meeting_id` and ?2
// to `blob` (when given); returns the number of rows changed.
absl::StatusOr<int> Tamper(const std::string& dir, const std::string& sql,
                           const std::string& meeting_id, const std::string* blob = nullptr) {
  sqlite3* db = nullptr;
  const std::string path = absl::StrCat(dir, "/hopso.db");
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    absl::Status status =
        absl::InternalError(absl::StrCat("open ", path, ": ", sqlite3_errmsg(db)));
    sqlite3_close(db);
    return status;
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(stmt, 1, meeting_id.data(), static_cast<int>(meeting_id.size()),
                      SQLITE_TRANSIENT);
    if (blob != nullptr) {
      sqlite3_bind_blob(stmt, 2, blob->data(), static_cast<int>(blob->size()), SQLITE_TRANSIENT);
    }
    rc = sqlite3_step(stmt);
  }
  absl::Status status = rc == SQLITE_DONE
                            ? absl::OkStatus()
                            : absl::InternalError(absl::StrCat(sql, ": ", sqlite3_errmsg(db)));
  const int changed = sqlite3_changes(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  if (!status.ok()) return status;
  return changed;
}

absl::StatusOr<std::string> ReadBody(const std::string& dir, const std::string& meeting_id,
                                     int64_t seq) {
  sqlite3* db = nullptr;
  const std::string path = absl::StrCat(dir, "/hopso.db");
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  absl::StatusOr<std::string> body = absl::NotFoundError(absl::StrCat("event ", seq));
  if (sqlite3_prepare_v2(db, "SELECT body FROM meeting_events WHERE meeting_id = ?1 AND seq = ?2",
                         -1, &stmt, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(stmt, 1, meeting_id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 2, seq);
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      body = std::string(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                         static_cast<size_t>(sqlite3_column_bytes(stmt, 0)));
    }
  } else {
    body = absl::InternalError(sqlite3_errmsg(db));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return body;
}

bool NamesEvent(const std::string& output, int64_t seq) {
  return std::regex_search(output, std::regex(absl::StrCat("\\bevent ", seq, "\\b")));
}

TEST_F(AuditTest, UntouchedDatabaseVerifies) {
  ASSERT_OK_AND_ASSIGN(CommandResult result, Verify(server_->data_dir()));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  // A copy verifies too: the check needs nothing but the file.
  ASSERT_OK_AND_ASSIGN(result, Verify(CopyData("copy")));
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

TEST_F(AuditTest, ChangedRemovedOrReorderedEventIsNamed) {
  const int64_t last = meeting_.last_event_seq();
  const std::string seq = absl::StrCat(kTamperedSeq);
  struct Case {
    std::string name;
    // Changes the copy in `dir`; OK when it changed something.
    std::function<absl::Status(const std::string& dir)> tamper;
    int64_t named;
  };
  auto sql = [&](std::string statement) {
    return [this, statement](const std::string& dir) -> absl::Status {
      absl::StatusOr<int> changed = Tamper(dir, statement, meeting_.id());
      if (!changed.ok()) return changed.status();
      if (*changed == 0) return absl::InternalError(absl::StrCat("no row changed by ", statement));
      return absl::OkStatus();
    };
  };
  const Case cases[] = {
      {"one byte of the body changed",
       [&](const std::string& dir) -> absl::Status {
         absl::StatusOr<std::string> body = ReadBody(dir, meeting_.id(), kTamperedSeq);
         if (!body.ok()) return body.status();
         if (body->empty()) return absl::InternalError("empty body");
         (*body)[body->size() / 2] ^= 0x01;
         absl::StatusOr<int> changed = Tamper(
             dir,
             absl::StrCat("UPDATE meeting_events SET body = ?2 WHERE meeting_id = ?1 AND seq = ",
                          seq),
             meeting_.id(), &*body);
         return changed.status();
       },
       kTamperedSeq},
      {"time changed",
       sql(absl::StrCat(
           "UPDATE meeting_events SET time = time + 1 WHERE meeting_id = ?1 AND seq = ", seq)),
       kTamperedSeq},
      {"actor changed",
       sql(absl::StrCat("UPDATE meeting_events SET actor = 'mallory' WHERE meeting_id = ?1 AND "
                        "seq = ",
                        seq)),
       kTamperedSeq},
      {"row deleted",
       sql(absl::StrCat("DELETE FROM meeting_events WHERE meeting_id = ?1 AND seq = ", seq)),
       kTamperedSeq},
      {"last row deleted",
       sql(absl::StrCat("DELETE FROM meeting_events WHERE meeting_id = ?1 AND seq = ", last)),
       last},
      {"two rows swapped",
       [&](const std::string& dir) -> absl::Status {
         // Through a free seq: the primary key is checked row by row.
         const std::string next = absl::StrCat(kTamperedSeq + 1);
         for (const auto& [from, to] :
              {std::pair<std::string, std::string>{seq, "-1"}, {next, seq}, {"-1", next}}) {
           RETURN_IF_ERROR(sql(absl::StrCat("UPDATE meeting_events SET seq = ", to,
                                            " WHERE meeting_id = ?1 AND seq = ", from))(dir));
         }
         return absl::OkStatus();
       },
       kTamperedSeq},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string dir = CopyData(absl::StrCat("case", ++n));
    ASSERT_OK(c.tamper(dir));
    ASSERT_OK_AND_ASSIGN(CommandResult result, Verify(dir));
    EXPECT_NE(result.exit_code, 0) << result.output;
    EXPECT_TRUE(NamesEvent(result.output, c.named))
        << "the output should name event " << c.named << ":\n"
        << result.output;
  }
}

}  // namespace
}  // namespace hopso::integration
