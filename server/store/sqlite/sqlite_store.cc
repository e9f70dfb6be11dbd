#include "server/store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <span>
#include <unordered_map>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/store/event_chain.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

namespace hopso::server {

std::span<const char* const> SqliteMigrations();

namespace {

// Idle read connections kept open (with their prepared statements); more are
// opened under load and closed after.
constexpr size_t kReaders = 16;
constexpr char kKeySeparator = '\x1f';
constexpr int kBusyTimeoutMillis = 10000;
constexpr size_t kRoomSecretBytes = 32;
constexpr size_t kBallotKeyBytes = 16;
// A checkpoint that readers block is tried again for this long.
constexpr absl::Duration kCheckpointPatience = absl::Seconds(2);

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what) {
  const std::string message = absl::StrCat(what, ": ", sqlite3_errmsg(db));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::AlreadyExistsError(message);
      }
      // A trigger's RAISE(ABORT, ...) message is written for people.
      if (rc == SQLITE_CONSTRAINT_TRIGGER) return absl::FailedPreconditionError(sqlite3_errmsg(db));
      return absl::FailedPreconditionError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

// A connection with its prepared statements, reused across transactions.
class Connection {
 public:
  ~Connection() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path, bool read_only) {
    auto conn = std::unique_ptr<Connection>(new Connection);
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &conn->db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      return absl::UnavailableError(absl::StrCat(
          "cannot open database ", path, ": ",
          conn->db_ ? sqlite3_errmsg(conn->db_) : sqlite3_errstr(rc)));
    }
    sqlite3_extended_result_codes(conn->db_, 1);
    sqlite3_busy_timeout(conn->db_, kBusyTimeoutMillis);
    RETURN_IF_ERROR(conn->Exec("PRAGMA foreign_keys=ON"));
    RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous=FULL"));
    // Deleted rows (secret ballots rewritten at close) are zeroed, not left in free space.
    if (!read_only) RETURN_IF_ERROR(conn->Exec("PRAGMA secure_delete=ON"));
    if (read_only) RETURN_IF_ERROR(conn->Exec("PRAGMA query_only=ON"));
    return conn;
  }

  absl::Status Exec(const char* sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
      std::string message = error ? error : sqlite3_errstr(rc);
      sqlite3_free(error);
      return SqliteError(db_, rc, message);
    }
    return absl::OkStatus();
  }

  // Runs a statement that returns no rows through the statement cache.
  absl::Status Run(const char* sql) {
    absl::StatusOr<sqlite3_stmt*> stmt = Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    int rc = sqlite3_step(*stmt);
    sqlite3_reset(*stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return SqliteError(db_, rc, sql);
    return absl::OkStatus();
  }

  absl::StatusOr<sqlite3_stmt*> Prepare(const char* sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
    statements_.emplace(sql, stmt);
    return stmt;
  }

  sqlite3* db() { return db_; }

 private:
  Connection() = default;
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

// One statement execution: binds, steps, reads columns.
class Query {
 public:
  Query(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Query(Query&& other) noexcept
      : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), index_(other.index_) {}
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  // Resetting releases the statement's read snapshot and locks.
  ~Query() {
    if (stmt_ != nullptr) sqlite3_reset(stmt_);
  }

  Query& Bind(absl::string_view text) {
    sqlite3_bind_text(stmt_, ++index_, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Query& BindBlob(absl::string_view bytes) {
    sqlite3_bind_blob(stmt_, ++index_, bytes.data(), static_cast<int>(bytes.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  Query& Bind(int64_t v) {
    sqlite3_bind_int64(stmt_, ++index_, v);
    return *this;
  }
  Query& Bind(int v) { return Bind(static_cast<int64_t>(v)); }
  Query& BindNullIfEmpty(absl::string_view text) {
    if (text.empty()) {
      sqlite3_bind_null(stmt_, ++index_);
      return *this;
    }
    return Bind(text);
  }

  // True when a row is available.
  absl::StatusOr<bool> Step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(db_, rc, "query");
  }
  absl::Status Run() {
    ASSIGN_OR_RETURN(bool row, Step());
    (void)row;
    return absl::OkStatus();
  }

  std::string Text(int col) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, sqlite3_column_bytes(stmt_, col)) : std::string();
  }
  int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }
  int Changes() { return sqlite3_changes(db_); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int index_ = 0;
};

constexpr char kUserColumns[] =
    "id, IFNULL(organization_id, ''), username, full_name, title, unit, phone, email, role, "
    "create_time, password_hash, failed_logins, locked_until";
// Followed by a WHERE clause.
constexpr char kSignatureRequestColumns[] =
    "SELECT id, body, box_page, box_x, box_y, box_width, box_height FROM signature_requests";
// Followed by a WHERE clause on `a`.
constexpr char kAnnotationColumns[] =
    "a.id, a.document_id, a.version, a.author_id, a.shared, a.deleted, a.revision, "
    "a.update_time, a.body, IFNULL(u.full_name, '') FROM annotations a "
    "LEFT JOIN users u ON u.id = a.author_id";
// Followed by a WHERE clause on `a`.
constexpr char kAttendanceColumns[] =
    "a.meeting_id, a.user_id, a.status, a.late, a.reason, a.method, a.arrive_time, "
    "a.leave_time, a.recorded_by, a.update_time, IFNULL(u.full_name, ''), IFNULL(p.role, 0) "
    "FROM attendance a LEFT JOIN users u ON u.id = a.user_id "
    "LEFT JOIN participants p ON p.meeting_id = a.meeting_id AND p.user_id = a.user_id";
constexpr char kMeetingColumns[] =
    "m.id, m.organization_id, m.title, m.place, m.start_time, m.end_time, m.state, "
    "m.current_item_id, m.created_by, m.create_time, m.last_event_seq";

UserRecord ReadUser(Query& q) {
  UserRecord r;
  v1::User& u = r.user;
  u.set_id(q.Text(0));
  u.set_organization_id(q.Text(1));
  u.set_username(q.Text(2));
  u.set_full_name(q.Text(3));
  u.set_title(q.Text(4));
  u.set_unit(q.Text(5));
  u.set_phone(q.Text(6));
  u.set_email(q.Text(7));
  u.set_role(static_cast<v1::UserRole>(q.Int(8)));
  u.mutable_create_time()->set_unix_micros(q.Int(9));
  r.password_hash = q.Text(10);
  r.failed_logins = static_cast<int>(q.Int(11));
  r.locked_until_micros = q.Int(12);
  return r;
}

v1::Meeting ReadMeeting(Query& q) {
  v1::Meeting m;
  m.set_id(q.Text(0));
  m.set_organization_id(q.Text(1));
  m.set_title(q.Text(2));
  m.set_place(q.Text(3));
  m.mutable_start_time()->set_unix_micros(q.Int(4));
  m.mutable_end_time()->set_unix_micros(q.Int(5));
  m.set_state(static_cast<v1::MeetingState>(q.Int(6)));
  m.set_current_item_id(q.Text(7));
  m.set_created_by(q.Text(8));
  m.mutable_create_time()->set_unix_micros(q.Int(9));
  m.set_last_event_seq(q.Int(10));
  return m;
}

absl::Status BadPageKey() { return absl::InvalidArgumentError("page_token is not valid"); }

class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(Connection& conn, std::vector<StoredEvent>* appended)
      : conn_(conn), appended_(appended) {}

  absl::StatusOr<Query> Q(const char* sql) {
    RETURN_IF_ERROR(CheckActive());
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, conn_.Prepare(sql));
    return Query(conn_.db(), stmt);
  }

  absl::Status InsertOrganization(const v1::Organization& org) override {
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO organizations (id, name, create_time) VALUES (?,?,?)"));
    return q.Bind(org.id()).Bind(org.name()).Bind(org.create_time().unix_micros()).Run();
  }

  absl::StatusOr<v1::Organization> GetOrganization(absl::string_view id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT id, name, create_time FROM organizations WHERE id = ?"));
    q.Bind(id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return absl::NotFoundError(absl::StrCat("organisation ", id, " does not exist"));
    return ReadOrganization(q);
  }

  absl::StatusOr<Page<v1::Organization>> ListOrganizations(const PageQuery& page) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT id, name, create_time FROM organizations WHERE id > ? "
                                "ORDER BY id LIMIT ?"));
    q.Bind(page.after).Bind(page.limit + 1);
    Page<v1::Organization> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      out.items.push_back(ReadOrganization(q));
    }
    TrimPage(out, page.limit, [](const v1::Organization& o) { return o.id(); });
    return out;
  }

  absl::Status InsertUser(const v1::User& u, absl::string_view password_hash) override {
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO users (id, organization_id, username, full_name, "
                                "title, unit, phone, email, role, create_time, password_hash) "
                                "VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
    q.Bind(u.id()).BindNullIfEmpty(u.organization_id()).Bind(u.username()).Bind(u.full_name());
    q.Bind(u.title()).Bind(u.unit()).Bind(u.phone()).Bind(u.email()).Bind(u.role());
    q.Bind(u.create_time().unix_micros()).Bind(password_hash);
    absl::Status s = q.Run();
    if (absl::IsAlreadyExists(s)) {
      return absl::AlreadyExistsError(absl::StrCat("username '", u.username(), "' already exists"));
    }
    return s;
  }

  absl::StatusOr<UserRecord> GetUser(absl::string_view id) override {
    static const std::string sql = absl::StrCat("SELECT ", kUserColumns, " FROM users WHERE id = ?");
    ASSIGN_OR_RETURN(Query q, Q(sql.c_str()));
    q.Bind(id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return absl::NotFoundError(absl::StrCat("user ", id, " does not exist"));
    return ReadUser(q);
  }

  absl::StatusOr<UserRecord> GetUserByUsername(absl::string_view username) override {
    static const std::string sql =
        absl::StrCat("SELECT ", kUserColumns, " FROM users WHERE username = ?");
    ASSIGN_OR_RETURN(Query q, Q(sql.c_str()));
    q.Bind(username);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return absl::NotFoundError(absl::StrCat("user '", username, "' does not exist"));
    return ReadUser(q);
  }

  absl::StatusOr<Page<v1::User>> ListUsers(absl::string_view organization_id,
                                           const PageQuery& page) override {
    static const std::string sql = absl::StrCat(
        "SELECT ", kUserColumns, " FROM users WHERE organization_id = ? AND id > ? ORDER BY id LIMIT ?");
    ASSIGN_OR_RETURN(Query q, Q(sql.c_str()));
    q.Bind(organization_id).Bind(page.after).Bind(page.limit + 1);
    Page<v1::User> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      out.items.push_back(ReadUser(q).user);
    }
    TrimPage(out, page.limit, [](const v1::User& u) { return u.id(); });
    return out;
  }

  absl::Status SetPasswordHash(absl::string_view user_id, absl::string_view hash) override {
    ASSIGN_OR_RETURN(Query q, Q("UPDATE users SET password_hash = ?, failed_logins = 0, "
                                "locked_until = 0 WHERE id = ?"));
    RETURN_IF_ERROR(q.Bind(hash).Bind(user_id).Run());
    if (q.Changes() == 0) return absl::NotFoundError(absl::StrCat("user ", user_id, " does not exist"));
    return absl::OkStatus();
  }

  absl::Status SetLoginThrottle(absl::string_view user_id, int failed_logins,
                                int64_t locked_until_micros) override {
    ASSIGN_OR_RETURN(Query q, Q("UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?"));
    return q.Bind(failed_logins).Bind(locked_until_micros).Bind(user_id).Run();
  }

  absl::Status InsertSession(const SessionRecord& s) override {
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO sessions (token_hash, user_id, create_time, "
                                "expire_time) VALUES (?,?,?,?)"));
    return q.BindBlob(s.token_hash).Bind(s.user_id).Bind(s.create_micros).Bind(s.expire_micros).Run();
  }

  absl::StatusOr<SessionRecord> GetSession(absl::string_view token_hash) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT user_id, create_time, expire_time FROM sessions "
                                "WHERE token_hash = ?"));
    q.BindBlob(token_hash);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return absl::NotFoundError("no such session");
    SessionRecord s;
    s.token_hash = std::string(token_hash);
    s.user_id = q.Text(0);
    s.create_micros = q.Int(1);
    s.expire_micros = q.Int(2);
    return s;
  }

  absl::Status DeleteSession(absl::string_view token_hash) override {
    ASSIGN_OR_RETURN(Query q, Q("DELETE FROM sessions WHERE token_hash = ?"));
    return q.BindBlob(token_hash).Run();
  }

  absl::StatusOr<std::vector<std::string>> DeleteUserSessions(
      absl::string_view user_id, absl::string_view keep_token_hash) override {
    ASSIGN_OR_RETURN(Query q, Q("DELETE FROM sessions WHERE user_id = ? AND token_hash != ? "
                                "RETURNING token_hash"));
    q.Bind(user_id).BindBlob(keep_token_hash);
    std::vector<std::string> removed;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      removed.push_back(q.Text(0));
    }
    return removed;
  }

  absl::Status InsertMeeting(const v1::Meeting& m) override {
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO meetings (id, organization_id, title, place, "
                                "start_time, end_time, state, current_item_id, created_by, "
                                "create_time) VALUES (?,?,?,?,?,?,?,?,?,?)"));
    q.Bind(m.id()).Bind(m.organization_id()).Bind(m.title()).Bind(m.place());
    q.Bind(m.start_time().unix_micros()).Bind(m.end_time().unix_micros()).Bind(m.state());
    q.Bind(m.current_item_id()).Bind(m.created_by()).Bind(m.create_time().unix_micros());
    return q.Run();
  }

  absl::StatusOr<v1::Meeting> GetMeeting(absl::string_view id) override {
    static const std::string sql =
        absl::StrCat("SELECT ", kMeetingColumns, " FROM meetings m WHERE m.id = ?");
    ASSIGN_OR_RETURN(Query q, Q(sql.c_str()));
    q.Bind(id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return absl::NotFoundError(absl::StrCat("meeting ", id, " does not exist"));
    return ReadMeeting(q);
  }

  absl::Status UpdateMeeting(const v1::Meeting& m) override {
    ASSIGN_OR_RETURN(Query q, Q("UPDATE meetings SET title = ?, place = ?, start_time = ?, "
                                "end_time = ?, state = ?, current_item_id = ? WHERE id = ?"));
    q.Bind(m.title()).Bind(m.place()).Bind(m.start_time().unix_micros());
    q.Bind(m.end_time().unix_micros()).Bind(m.state()).Bind(m.current_item_id()).Bind(m.id());
    RETURN_IF_ERROR(q.Run());
    if (q.Changes() == 0) return absl::NotFoundError(absl::StrCat("meeting ", m.id(), " does not exist"));
    return absl::OkStatus();
  }

  absl::StatusOr<Page<v1::Meeting>> ListMeetingsOf(absl::string_view user_id,
                                                   const PageQuery& page) override {
    // Page key: now, past (0/1), sort value, meeting id.
    int64_t now = absl::ToUnixMicros(absl::Now());
    int64_t after_past = -1, after_sort = 0;
    std::string after_id;
    if (!page.after.empty()) {
      std::vector<std::string> parts = absl::StrSplit(page.after, kKeySeparator);
      if (parts.size() != 4 || !absl::SimpleAtoi(parts[0], &now) ||
          !absl::SimpleAtoi(parts[1], &after_past) || !absl::SimpleAtoi(parts[2], &after_sort)) {
        return BadPageKey();
      }
      after_id = parts[3];
    }
    static const std::string sql = absl::StrCat(
        "SELECT * FROM (SELECT ", kMeetingColumns,
        ", p.role, (m.end_time < ?1) AS past, "
        "CASE WHEN m.end_time < ?1 THEN -m.start_time ELSE m.start_time END AS sort "
        "FROM participants p JOIN meetings m ON m.id = p.meeting_id WHERE p.user_id = ?2) "
        "WHERE (past, sort, id) > (?3, ?4, ?5) ORDER BY past, sort, id LIMIT ?6");
    ASSIGN_OR_RETURN(Query q, Q(sql.c_str()));
    q.Bind(now).Bind(user_id).Bind(after_past).Bind(after_sort).Bind(after_id).Bind(page.limit + 1);
    Page<v1::Meeting> out;
    std::vector<std::string> keys;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      v1::Meeting m = ReadMeeting(q);
      m.set_my_role(static_cast<v1::MeetingRole>(q.Int(11)));
      keys.push_back(absl::StrCat(now, std::string(1, kKeySeparator), q.Int(12),
                                  std::string(1, kKeySeparator), q.Int(13),
                                  std::string(1, kKeySeparator), m.id()));
      out.items.push_back(std::move(m));
    }
    if (static_cast<int>(out.items.size()) > page.limit) {
      out.items.resize(page.limit);
      out.next = keys[page.limit - 1];
    }
    return out;
  }

  absl::StatusOr<std::vector<std::string>> ListMeetingIds() override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT id FROM meetings ORDER BY create_time, id"));
    std::vector<std::string> ids;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      ids.push_back(q.Text(0));
    }
    return ids;
  }

  absl::Status UpsertParticipant(absl::string_view meeting_id, absl::string_view user_id,
                                 v1::MeetingRole role) override {
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO participants (meeting_id, user_id, role) "
                                "VALUES (?,?,?) ON CONFLICT (meeting_id, user_id) "
                                "DO UPDATE SET role = excluded.role"));
    return q.Bind(meeting_id).Bind(user_id).Bind(role).Run();
  }

  absl::Status DeleteParticipant(absl::string_view meeting_id, absl::string_view user_id) override {
    ASSIGN_OR_RETURN(Query q, Q("DELETE FROM participants WHERE meeting_id = ? AND user_id = ?"));
    RETURN_IF_ERROR(q.Bind(meeting_id).Bind(user_id).Run());
    if (q.Changes() == 0) {
      return absl::NotFoundError(
          absl::StrCat("user ", user_id, " is not a participant of meeting ", meeting_id));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<v1::MeetingRole> GetParticipantRole(absl::string_view meeting_id,
                                                     absl::string_view user_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT role FROM participants WHERE meeting_id = ? AND user_id = ?"));
    q.Bind(meeting_id).Bind(user_id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    return found ? static_cast<v1::MeetingRole>(q.Int(0)) : v1::MEETING_ROLE_UNSPECIFIED;
  }

  absl::StatusOr<Page<v1::Participant>> ListParticipants(absl::string_view meeting_id,
                                                         const PageQuery& page) override {
    int64_t after_role = -1;
    std::string after_user;
    if (!page.after.empty()) {
      std::vector<std::string> parts = absl::StrSplit(page.after, kKeySeparator);
      if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &after_role)) return BadPageKey();
      after_user = parts[1];
    }
    ASSIGN_OR_RETURN(Query q, Q("SELECT p.user_id, p.role, u.full_name, u.title, u.unit "
                                "FROM participants p JOIN users u ON u.id = p.user_id "
                                "WHERE p.meeting_id = ? AND (p.role, p.user_id) > (?, ?) "
                                "ORDER BY p.role, p.user_id LIMIT ?"));
    q.Bind(meeting_id).Bind(after_role).Bind(after_user).Bind(page.limit + 1);
    Page<v1::Participant> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      v1::Participant& p = out.items.emplace_back();
      p.set_meeting_id(std::string(meeting_id));
      p.set_user_id(q.Text(0));
      p.set_role(static_cast<v1::MeetingRole>(q.Int(1)));
      p.set_full_name(q.Text(2));
      p.set_title(q.Text(3));
      p.set_unit(q.Text(4));
    }
    TrimPage(out, page.limit, [](const v1::Participant& p) {
      return absl::StrCat(static_cast<int>(p.role()), std::string(1, kKeySeparator), p.user_id());
    });
    return out;
  }

  absl::StatusOr<std::vector<v1::AgendaItem>> ListAgendaItems(absl::string_view meeting_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT id, parent_id, position, title, presenter, "
                                "planned_minutes FROM agenda_items WHERE meeting_id = ?"));
    q.Bind(meeting_id);
    std::vector<v1::AgendaItem> items;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      v1::AgendaItem& item = items.emplace_back();
      item.set_id(q.Text(0));
      item.set_parent_id(q.Text(1));
      item.set_index(static_cast<int>(q.Int(2)));
      item.set_title(q.Text(3));
      item.set_presenter(q.Text(4));
      item.set_planned_minutes(static_cast<int>(q.Int(5)));
    }
    return items;
  }

  absl::Status SaveAgendaItems(absl::string_view meeting_id, const std::vector<v1::AgendaItem>& items,
                               const std::vector<std::string>& removed_ids) override {
    for (const std::string& id : removed_ids) {
      ASSIGN_OR_RETURN(Query q, Q("DELETE FROM agenda_items WHERE id = ? AND meeting_id = ?"));
      RETURN_IF_ERROR(q.Bind(id).Bind(meeting_id).Run());
    }
    for (const v1::AgendaItem& item : items) {
      ASSIGN_OR_RETURN(Query q, Q("INSERT INTO agenda_items (id, meeting_id, parent_id, position, "
                                  "title, presenter, planned_minutes) VALUES (?,?,?,?,?,?,?) "
                                  "ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, "
                                  "position = excluded.position, title = excluded.title, "
                                  "presenter = excluded.presenter, "
                                  "planned_minutes = excluded.planned_minutes "
                                  "WHERE meeting_id = excluded.meeting_id"));
      q.Bind(item.id()).Bind(meeting_id).Bind(item.parent_id()).Bind(item.index());
      q.Bind(item.title()).Bind(item.presenter()).Bind(item.planned_minutes());
      RETURN_IF_ERROR(q.Run());
    }
    return absl::OkStatus();
  }

  absl::Status InsertDocument(const v1::Document& d) override {
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO documents (id, meeting_id, agenda_item_id, title, "
                                "confidential, create_time) VALUES (?,?,?,?,?,?)"));
    q.Bind(d.id()).Bind(d.meeting_id()).Bind(d.agenda_item_id()).Bind(d.title());
    RETURN_IF_ERROR(q.Bind(d.confidential() ? 1 : 0).Bind(d.create_time().unix_micros()).Run());
    return SaveReaders(d);
  }

  absl::Status UpdateDocument(const v1::Document& d) override {
    ASSIGN_OR_RETURN(Query q, Q("UPDATE documents SET agenda_item_id = ?, title = ?, "
                                "confidential = ? WHERE id = ?"));
    q.Bind(d.agenda_item_id()).Bind(d.title()).Bind(d.confidential() ? 1 : 0).Bind(d.id());
    RETURN_IF_ERROR(q.Run());
    if (q.Changes() == 0) return absl::NotFoundError(absl::StrCat("document ", d.id(), " does not exist"));
    {
      ASSIGN_OR_RETURN(Query del, Q("DELETE FROM document_readers WHERE document_id = ?"));
      RETURN_IF_ERROR(del.Bind(d.id()).Run());
    }
    return SaveReaders(d);
  }

  absl::Status InsertDocumentVersion(absl::string_view document_id, const v1::DocumentVersion& v,
                                     absl::string_view page_geometry) override {
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO document_versions (document_id, number, sha256, "
                                "size_bytes, page_count, filename, content_type, signed, "
                                "uploaded_by, create_time, page_geometry) "
                                "VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
    q.Bind(document_id).Bind(v.number()).BindBlob(v.sha256()).Bind(v.size_bytes());
    q.Bind(v.page_count()).Bind(v.filename()).Bind(v.content_type()).Bind(v.signed_() ? 1 : 0);
    q.Bind(v.uploaded_by()).Bind(v.create_time().unix_micros()).BindBlob(page_geometry);
    return q.Run();
  }

  absl::StatusOr<std::string> GetPageGeometry(absl::string_view document_id,
                                              int version) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT page_geometry FROM document_versions "
                                "WHERE document_id = ? AND number = ?"));
    q.Bind(document_id).Bind(version);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) {
      return absl::NotFoundError(
          absl::StrCat("document ", document_id, " has no version ", version));
    }
    return q.Text(0);
  }

  absl::StatusOr<v1::Document> GetDocument(absl::string_view id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT id, meeting_id, agenda_item_id, title, confidential, "
                                "create_time FROM documents WHERE id = ?"));
    q.Bind(id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return absl::NotFoundError(absl::StrCat("document ", id, " does not exist"));
    v1::Document d = ReadDocument(q);
    RETURN_IF_ERROR(FillDocument(d));
    return d;
  }

  absl::StatusOr<Page<v1::Document>> ListDocuments(absl::string_view meeting_id,
                                                   const PageQuery& page) override {
    Page<v1::Document> out;
    {
      ASSIGN_OR_RETURN(Query q, Q("SELECT id, meeting_id, agenda_item_id, title, confidential, "
                                  "create_time FROM documents WHERE meeting_id = ? AND id > ? "
                                  "ORDER BY id LIMIT ?"));
      q.Bind(meeting_id).Bind(page.after).Bind(page.limit + 1);
      while (true) {
        ASSIGN_OR_RETURN(bool row, q.Step());
        if (!row) break;
        out.items.push_back(ReadDocument(q));
      }
    }
    TrimPage(out, page.limit, [](const v1::Document& d) { return d.id(); });
    for (v1::Document& d : out.items) RETURN_IF_ERROR(FillDocument(d));
    return out;
  }

  absl::Status InsertUpload(const UploadRecord& u) override {
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO uploads (id, user_id, meeting_id, agenda_item_id, "
                                "document_id, title, filename, size_bytes, sha256, create_time) "
                                "VALUES (?,?,?,?,?,?,?,?,?,?)"));
    q.Bind(u.id).Bind(u.user_id).Bind(u.meeting_id).Bind(u.agenda_item_id).Bind(u.document_id);
    q.Bind(u.title).Bind(u.filename).Bind(u.size_bytes).BindBlob(u.sha256).Bind(u.create_micros);
    return q.Run();
  }

  absl::StatusOr<UploadRecord> GetUpload(absl::string_view id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT id, user_id, meeting_id, agenda_item_id, document_id, "
                                "title, filename, size_bytes, sha256, create_time FROM uploads "
                                "WHERE id = ?"));
    q.Bind(id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return absl::NotFoundError(absl::StrCat("upload ", id, " does not exist"));
    return ReadUpload(q);
  }

  absl::Status DeleteUpload(absl::string_view id) override {
    ASSIGN_OR_RETURN(Query q, Q("DELETE FROM uploads WHERE id = ?"));
    return q.Bind(id).Run();
  }

  absl::StatusOr<std::vector<UploadRecord>> ListUploadsBefore(int64_t micros) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT id, user_id, meeting_id, agenda_item_id, document_id, "
                                "title, filename, size_bytes, sha256, create_time FROM uploads "
                                "WHERE create_time < ?"));
    q.Bind(micros);
    std::vector<UploadRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      out.push_back(ReadUpload(q));
    }
    return out;
  }

  absl::Status InsertQrCode(const QrRecord& r) override {
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO qr_codes (code, meeting_id, agenda_item_id, "
                                "document_id, sha256, page) VALUES (?,?,?,?,?,?)"));
    q.Bind(r.code).Bind(r.meeting_id).Bind(r.agenda_item_id).Bind(r.document_id);
    return q.BindBlob(r.sha256).Bind(r.page).Run();
  }

  absl::StatusOr<QrRecord> GetQrCode(absl::string_view code) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT code, meeting_id, agenda_item_id, document_id, sha256, "
                                "page FROM qr_codes WHERE code = ?"));
    q.Bind(code);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return absl::NotFoundError("no such QR code");
    return ReadQr(q);
  }

  absl::StatusOr<QrRecord> FindQrCode(const QrRecord& t) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT code, meeting_id, agenda_item_id, document_id, sha256, "
                                "page FROM qr_codes WHERE meeting_id = ? AND agenda_item_id = ? "
                                "AND document_id = ? AND sha256 = ? AND page = ?"));
    q.Bind(t.meeting_id).Bind(t.agenda_item_id).Bind(t.document_id).BindBlob(t.sha256);
    q.Bind(t.page);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return absl::NotFoundError("no QR code for that target yet");
    return ReadQr(q);
  }

  absl::StatusOr<v1::Annotation> GetAnnotation(absl::string_view id) override {
    static const std::string sql =
        absl::StrCat("SELECT ", kAnnotationColumns, " WHERE a.id = ?");
    ASSIGN_OR_RETURN(Query q, Q(sql.c_str()));
    q.Bind(id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return absl::NotFoundError(absl::StrCat("annotation ", id, " does not exist"));
    return ReadAnnotation(q);
  }

  absl::Status PutAnnotation(const v1::Annotation& a) override {
    v1::Annotation body = a;
    body.clear_id();
    body.clear_document_id();
    body.clear_version();
    body.clear_author_user_id();
    body.clear_author_name();
    body.clear_visibility();
    body.clear_revision();
    body.clear_deleted();
    body.clear_update_time();
    std::string bytes;
    if (!body.SerializeToString(&bytes)) return absl::InternalError("cannot encode annotation");
    ASSIGN_OR_RETURN(Query q, Q("INSERT OR REPLACE INTO annotations (id, document_id, version, "
                                "author_id, shared, deleted, revision, update_time, body) "
                                "VALUES (?,?,?,?,?,?,?,?,?)"));
    q.Bind(a.id()).Bind(a.document_id()).Bind(a.version()).Bind(a.author_user_id());
    q.Bind(a.visibility() == v1::ANNOTATION_VISIBILITY_SHARED ? 1 : 0).Bind(a.deleted() ? 1 : 0);
    q.Bind(a.revision()).Bind(a.update_time().unix_micros()).BindBlob(bytes);
    return q.Run();
  }

  absl::StatusOr<std::vector<v1::Annotation>> ListAnnotations(
      absl::string_view document_id, const std::vector<int>& versions,
      absl::string_view viewer_id, bool include_deleted) override {
    static const std::string sql = absl::StrCat(
        "SELECT ", kAnnotationColumns,
        " WHERE a.document_id = ? AND a.version = ? AND (a.author_id = ? OR a.shared = 1) "
        "AND (? OR a.deleted = 0) ORDER BY a.id");
    std::vector<v1::Annotation> out;
    for (int version : versions) {
      ASSIGN_OR_RETURN(Query q, Q(sql.c_str()));
      q.Bind(document_id).Bind(version).Bind(viewer_id).Bind(include_deleted ? 1 : 0);
      while (true) {
        ASSIGN_OR_RETURN(bool row, q.Step());
        if (!row) break;
        ASSIGN_OR_RETURN(out.emplace_back(), ReadAnnotation(q));
      }
    }
    return out;
  }

  absl::Status InsertPairingCode(const PairingRecord& r) override {
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO pairing_codes (code_hash, user_id, created_by, "
                                "create_time, expire_time) VALUES (?,?,?,?,?)"));
    q.BindBlob(r.code_hash).Bind(r.user_id).Bind(r.created_by).Bind(r.create_micros);
    return q.Bind(r.expire_micros).Run();
  }

  absl::StatusOr<PairingRecord> GetPairingCode(absl::string_view code_hash) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT user_id, created_by, create_time, expire_time, used_time "
                                "FROM pairing_codes WHERE code_hash = ?"));
    q.BindBlob(code_hash);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return absl::NotFoundError("no such pairing code");
    return PairingRecord{std::string(code_hash), q.Text(0), q.Text(1), q.Int(2), q.Int(3),
                         q.Int(4)};
  }

  absl::Status MarkPairingCodeUsed(absl::string_view code_hash, int64_t used_micros) override {
    ASSIGN_OR_RETURN(Query q, Q("UPDATE pairing_codes SET used_time = ? WHERE code_hash = ?"));
    RETURN_IF_ERROR(q.Bind(used_micros).BindBlob(code_hash).Run());
    if (q.Changes() == 0) return absl::NotFoundError("no such pairing code");
    return absl::OkStatus();
  }

  // One savepoint name serves every depth: SQLite's ROLLBACK TO and RELEASE
  // act on the most recent savepoint of that name, which is this call's.
  absl::Status Nested(const std::function<absl::Status(Transaction&)>& fn) override {
    RETURN_IF_ERROR(CheckActive());
    RETURN_IF_ERROR(conn_.Run("SAVEPOINT nested"));
    const size_t appended = appended_ != nullptr ? appended_->size() : 0;
    absl::Status status = fn(*this);
    if (status.ok()) return conn_.Run("RELEASE nested");
    // Events of the undone writes must not reach listeners.
    if (appended_ != nullptr) appended_->resize(appended);
    // After an error that ended the whole transaction there is no savepoint
    // left; CheckActive then fails every later statement.
    if (CheckActive().ok()) {
      RETURN_IF_ERROR(conn_.Run("ROLLBACK TO nested"));
      RETURN_IF_ERROR(conn_.Run("RELEASE nested"));
    }
    return status;
  }

  // An empty room secret keeps the stored one (or makes one for a meeting
  // that has none), so that changing the rules never changes room codes.
  absl::Status PutMeetingRules(absl::string_view meeting_id,
                               const MeetingRulesRecord& r) override {
    std::string secret = r.room_secret;
    if (secret.empty()) {
      absl::StatusOr<MeetingRulesRecord> stored = GetMeetingRules(meeting_id);
      if (stored.ok()) {
        secret = stored->room_secret;
      } else if (absl::IsNotFound(stored.status())) {
        secret = RandomBytes(kRoomSecretBytes);
      } else {
        return stored.status();
      }
    }
    ASSIGN_OR_RETURN(Query q, Q("INSERT OR REPLACE INTO meeting_rules (meeting_id, room_secret, "
                                "quorum_numerator, quorum_denominator, quorum_strict, "
                                "max_proxies_per_holder, proxies_count_for_quorum, "
                                "speaking_limit_seconds) VALUES (?,?,?,?,?,?,?,?)"));
    const v1::AttendanceRules& rules = r.rules;
    q.Bind(meeting_id).BindBlob(secret).Bind(rules.quorum().numerator());
    q.Bind(rules.quorum().denominator()).Bind(rules.quorum().strict() ? 1 : 0);
    q.Bind(rules.max_proxies_per_holder()).Bind(rules.proxies_count_for_quorum() ? 1 : 0);
    absl::Status s = q.Bind(rules.speaking_limit_seconds()).Run();
    if (LastErrorIs(s, SQLITE_CONSTRAINT_FOREIGNKEY)) {
      return absl::NotFoundError(absl::StrCat("meeting ", meeting_id, " does not exist"));
    }
    if (LastErrorIs(s, SQLITE_CONSTRAINT_CHECK)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "attendance rules out of range (quorum fraction between 0 and 1, limits not "
          "negative, a 32-byte room secret): ", s.message()));
    }
    return s;
  }

  absl::StatusOr<MeetingRulesRecord> GetMeetingRules(absl::string_view meeting_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT room_secret, quorum_numerator, quorum_denominator, "
                                "quorum_strict, max_proxies_per_holder, proxies_count_for_quorum, "
                                "speaking_limit_seconds FROM meeting_rules WHERE meeting_id = ?"));
    q.Bind(meeting_id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) {
      return absl::NotFoundError(absl::StrCat("meeting ", meeting_id, " has no attendance rules"));
    }
    MeetingRulesRecord r;
    r.room_secret = q.Text(0);
    r.rules.set_meeting_id(std::string(meeting_id));
    r.rules.mutable_quorum()->set_numerator(static_cast<int32_t>(q.Int(1)));
    r.rules.mutable_quorum()->set_denominator(static_cast<int32_t>(q.Int(2)));
    r.rules.mutable_quorum()->set_strict(q.Int(3) != 0);
    r.rules.set_max_proxies_per_holder(static_cast<int32_t>(q.Int(4)));
    r.rules.set_proxies_count_for_quorum(q.Int(5) != 0);
    r.rules.set_speaking_limit_seconds(static_cast<int32_t>(q.Int(6)));
    return r;
  }

  absl::StatusOr<v1::AttendanceRecord> GetAttendanceRecord(absl::string_view meeting_id,
                                                           absl::string_view user_id) override {
    static const std::string sql =
        absl::StrCat("SELECT ", kAttendanceColumns, " WHERE a.meeting_id = ? AND a.user_id = ?");
    ASSIGN_OR_RETURN(Query q, Q(sql.c_str()));
    q.Bind(meeting_id).Bind(user_id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) {
      return absl::NotFoundError(
          absl::StrCat("no attendance recorded for user ", user_id, " in meeting ", meeting_id));
    }
    return ReadAttendance(q);
  }

  absl::Status PutAttendanceRecord(const v1::AttendanceRecord& r) override {
    ASSIGN_OR_RETURN(Query q, Q("INSERT OR REPLACE INTO attendance (meeting_id, user_id, status, "
                                "late, reason, method, arrive_time, leave_time, recorded_by, "
                                "update_time) VALUES (?,?,?,?,?,?,?,?,?,?)"));
    q.Bind(r.meeting_id()).Bind(r.user_id()).Bind(r.status()).Bind(r.late() ? 1 : 0);
    q.Bind(r.reason()).Bind(r.method()).Bind(r.arrive_time().unix_micros());
    q.Bind(r.leave_time().unix_micros()).Bind(r.recorded_by()).Bind(r.update_time().unix_micros());
    absl::Status s = q.Run();
    if (LastErrorIs(s, SQLITE_CONSTRAINT_FOREIGNKEY)) {
      return absl::NotFoundError(absl::StrCat("meeting ", r.meeting_id(), " or user ",
                                              r.user_id(), " does not exist"));
    }
    return s;
  }

  absl::StatusOr<std::vector<v1::AttendanceRecord>> ListAttendance(
      absl::string_view meeting_id) override {
    static const std::string sql =
        absl::StrCat("SELECT ", kAttendanceColumns, " WHERE a.meeting_id = ? ORDER BY a.user_id");
    ASSIGN_OR_RETURN(Query q, Q(sql.c_str()));
    q.Bind(meeting_id);
    std::vector<v1::AttendanceRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      out.push_back(ReadAttendance(q));
    }
    return out;
  }

  absl::Status InsertProxy(const v1::Proxy& p) override {
    // The key refuses a second proxy too, but only after the triggers, whose
    // complaint would hide the real one.
    {
      ASSIGN_OR_RETURN(Query q, Q("SELECT 1 FROM proxies WHERE meeting_id = ? AND giver_id = ?"));
      q.Bind(p.meeting_id()).Bind(p.giver_user_id());
      ASSIGN_OR_RETURN(bool found, q.Step());
      if (found) return ProxyExists(p.giver_user_id());
    }
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO proxies (meeting_id, giver_id, holder_id, "
                                "create_time, recorded_by) VALUES (?,?,?,?,?)"));
    q.Bind(p.meeting_id()).Bind(p.giver_user_id()).Bind(p.holder_user_id());
    absl::Status s = q.Bind(p.create_time().unix_micros()).Bind(p.recorded_by()).Run();
    if (absl::IsAlreadyExists(s)) return ProxyExists(p.giver_user_id());
    if (LastErrorIs(s, SQLITE_CONSTRAINT_FOREIGNKEY)) {
      return absl::NotFoundError(absl::StrCat("meeting ", p.meeting_id(), " or user ",
                                              p.giver_user_id(), " or ", p.holder_user_id(),
                                              " does not exist"));
    }
    if (LastErrorIs(s, SQLITE_CONSTRAINT_CHECK)) {
      return absl::FailedPreconditionError("nobody can hold their own proxy");
    }
    return s;
  }

  absl::Status DeleteProxy(absl::string_view meeting_id, absl::string_view giver_id) override {
    ASSIGN_OR_RETURN(Query q, Q("DELETE FROM proxies WHERE meeting_id = ? AND giver_id = ?"));
    RETURN_IF_ERROR(q.Bind(meeting_id).Bind(giver_id).Run());
    if (q.Changes() == 0) {
      return absl::NotFoundError(absl::StrCat("user ", giver_id, " has given no proxy"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<v1::Proxy>> ListProxies(absl::string_view meeting_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT p.giver_id, p.holder_id, p.create_time, p.recorded_by, "
                                "IFNULL(g.full_name, ''), IFNULL(h.full_name, '') FROM proxies p "
                                "LEFT JOIN users g ON g.id = p.giver_id "
                                "LEFT JOIN users h ON h.id = p.holder_id "
                                "WHERE p.meeting_id = ? ORDER BY p.giver_id"));
    q.Bind(meeting_id);
    std::vector<v1::Proxy> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      v1::Proxy& p = out.emplace_back();
      p.set_meeting_id(std::string(meeting_id));
      p.set_giver_user_id(q.Text(0));
      p.set_holder_user_id(q.Text(1));
      p.mutable_create_time()->set_unix_micros(q.Int(2));
      p.set_recorded_by(q.Text(3));
      p.set_giver_name(q.Text(4));
      p.set_holder_name(q.Text(5));
    }
    return out;
  }

  absl::Status InsertPoll(const v1::Poll& poll) override {
    ASSIGN_OR_RETURN(std::string body, PollBody(poll));
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO polls (id, meeting_id, agenda_item_id, state, secret, "
                                "create_time, body) VALUES (?,?,?,?,?,?,?)"));
    q.Bind(poll.id()).Bind(poll.meeting_id()).Bind(poll.agenda_item_id()).Bind(poll.state());
    q.Bind(poll.secrecy() == v1::POLL_SECRECY_SECRET ? 1 : 0);
    absl::Status s = q.Bind(poll.create_time().unix_micros()).BindBlob(body).Run();
    if (absl::IsAlreadyExists(s)) {
      return absl::AlreadyExistsError(absl::StrCat("poll ", poll.id(), " already exists"));
    }
    if (LastErrorIs(s, SQLITE_CONSTRAINT_FOREIGNKEY)) {
      return absl::NotFoundError(absl::StrCat("meeting ", poll.meeting_id(), " does not exist"));
    }
    return s;
  }

  absl::Status UpdatePoll(const v1::Poll& poll) override {
    ASSIGN_OR_RETURN(std::string body, PollBody(poll));
    ASSIGN_OR_RETURN(Query q, Q("UPDATE polls SET meeting_id = ?, agenda_item_id = ?, state = ?, "
                                "secret = ?, create_time = ?, body = ? WHERE id = ?"));
    q.Bind(poll.meeting_id()).Bind(poll.agenda_item_id()).Bind(poll.state());
    q.Bind(poll.secrecy() == v1::POLL_SECRECY_SECRET ? 1 : 0);
    q.Bind(poll.create_time().unix_micros());
    absl::Status s = q.BindBlob(body).Bind(poll.id()).Run();
    if (LastErrorIs(s, SQLITE_CONSTRAINT_FOREIGNKEY)) {
      return absl::NotFoundError(absl::StrCat("meeting ", poll.meeting_id(), " does not exist"));
    }
    RETURN_IF_ERROR(s);
    if (q.Changes() == 0) return PollNotFound(poll.id());
    return absl::OkStatus();
  }

  absl::StatusOr<v1::Poll> GetPoll(absl::string_view poll_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT id, body FROM polls WHERE id = ?"));
    q.Bind(poll_id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return PollNotFound(poll_id);
    return ReadBody<v1::Poll>(q, "poll");
  }

  absl::StatusOr<std::vector<v1::Poll>> ListPolls(absl::string_view meeting_id,
                                                  absl::string_view agenda_item_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT id, body FROM polls WHERE meeting_id = ?1 AND "
                                "(?2 = '' OR agenda_item_id = ?2) ORDER BY create_time, id"));
    q.Bind(meeting_id).Bind(agenda_item_id);
    std::vector<v1::Poll> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      ASSIGN_OR_RETURN(out.emplace_back(), ReadBody<v1::Poll>(q, "poll"));
    }
    return out;
  }

  absl::Status InsertVotingRights(const std::vector<VotingRightRecord>& rights) override {
    for (const VotingRightRecord& r : rights) {
      ASSIGN_OR_RETURN(Query q, Q("INSERT INTO poll_rights (poll_id, principal_id, caster_id) "
                                  "VALUES (?,?,?)"));
      absl::Status s = q.Bind(r.poll_id).Bind(r.principal_user_id).Bind(r.caster_user_id).Run();
      if (absl::IsAlreadyExists(s)) {
        return absl::AlreadyExistsError(absl::StrCat(
            "user ", r.principal_user_id, " already has a voting right in poll ", r.poll_id));
      }
      if (LastErrorIs(s, SQLITE_CONSTRAINT_FOREIGNKEY)) {
        return absl::NotFoundError(absl::StrCat("poll ", r.poll_id, " or user ",
                                                r.principal_user_id, " or ", r.caster_user_id,
                                                " does not exist"));
      }
      RETURN_IF_ERROR(s);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<VotingRightRecord> GetVotingRight(absl::string_view poll_id,
                                                   absl::string_view principal_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT caster_id FROM poll_rights WHERE poll_id = ? AND "
                                "principal_id = ?"));
    q.Bind(poll_id).Bind(principal_id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) {
      return absl::NotFoundError(
          absl::StrCat("user ", principal_id, " has no voting right in poll ", poll_id));
    }
    return VotingRightRecord{std::string(poll_id), std::string(principal_id), q.Text(0)};
  }

  absl::StatusOr<std::vector<VotingRightRecord>> ListVotingRightsOf(
      absl::string_view poll_id, absl::string_view caster_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT principal_id FROM poll_rights WHERE poll_id = ? AND "
                                "caster_id = ? ORDER BY principal_id"));
    q.Bind(poll_id).Bind(caster_id);
    std::vector<VotingRightRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      out.push_back({std::string(poll_id), q.Text(0), std::string(caster_id)});
    }
    return out;
  }

  absl::Status InsertVoter(const VoterRecord& v) override {
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO poll_voters (poll_id, principal_id, caster_id, "
                                "ballot_ref, choices, cast_time) VALUES (?,?,?,?,?,?)"));
    q.Bind(v.poll_id).Bind(v.principal_user_id).Bind(v.caster_user_id).BindBlob(v.ballot_ref);
    absl::Status s = q.BindNullIfEmpty(v.choices).Bind(v.cast_micros).Run();
    if (absl::IsAlreadyExists(s)) {
      return absl::AlreadyExistsError(
          absl::StrCat("user ", v.principal_user_id, " has already voted in poll ", v.poll_id));
    }
    if (LastErrorIs(s, SQLITE_CONSTRAINT_FOREIGNKEY)) {
      return absl::FailedPreconditionError(
          absl::StrCat("user ", v.caster_user_id, " holds no voting right of user ",
                       v.principal_user_id, " in poll ", v.poll_id));
    }
    return s;
  }

  absl::Status UpdateVoter(const VoterRecord& v) override {
    ASSIGN_OR_RETURN(Query q, Q("UPDATE poll_voters SET ballot_ref = ?, choices = ?, "
                                "cast_time = ? WHERE poll_id = ? AND principal_id = ?"));
    q.BindBlob(v.ballot_ref).BindNullIfEmpty(v.choices).Bind(v.cast_micros);
    RETURN_IF_ERROR(q.Bind(v.poll_id).Bind(v.principal_user_id).Run());
    if (q.Changes() == 0) return VoterNotFound(v.poll_id, v.principal_user_id);
    return absl::OkStatus();
  }

  absl::StatusOr<VoterRecord> GetVoter(absl::string_view poll_id,
                                       absl::string_view principal_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT principal_id, caster_id, ballot_ref, IFNULL(choices, ''), "
                                "cast_time FROM poll_voters WHERE poll_id = ? AND "
                                "principal_id = ?"));
    q.Bind(poll_id).Bind(principal_id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return VoterNotFound(poll_id, principal_id);
    return ReadVoter(q, poll_id);
  }

  absl::StatusOr<std::vector<VoterRecord>> ListVoters(absl::string_view poll_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT principal_id, caster_id, ballot_ref, IFNULL(choices, ''), "
                                "cast_time FROM poll_voters WHERE poll_id = ? "
                                "ORDER BY principal_id"));
    q.Bind(poll_id);
    std::vector<VoterRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      out.push_back(ReadVoter(q, poll_id));
    }
    return out;
  }

  absl::StatusOr<int64_t> CountVoters(absl::string_view poll_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT COUNT(*) FROM poll_voters WHERE poll_id = ?"));
    q.Bind(poll_id);
    ASSIGN_OR_RETURN(bool row, q.Step());
    return row ? q.Int(0) : 0;
  }

  absl::Status InsertSecretBallot(const SecretBallotRecord& b) override {
    absl::Status s = InsertSecretBallotUnder(RandomBytes(kBallotKeyBytes), b);
    if (absl::IsAlreadyExists(s)) {
      return absl::AlreadyExistsError(
          absl::StrCat("receipt ", b.receipt, " is already used in poll ", b.poll_id));
    }
    if (LastErrorIs(s, SQLITE_CONSTRAINT_FOREIGNKEY)) return PollNotFound(b.poll_id);
    return s;
  }

  absl::StatusOr<SecretBallotRecord> GetSecretBallot(absl::string_view poll_id,
                                                     absl::string_view receipt) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT choices FROM secret_ballots WHERE poll_id = ? AND "
                                "receipt = ?"));
    q.Bind(poll_id).Bind(receipt);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return BallotNotFound(poll_id, receipt);
    return SecretBallotRecord{std::string(poll_id), std::string(receipt), q.Text(0)};
  }

  absl::Status DeleteSecretBallot(absl::string_view poll_id, absl::string_view receipt) override {
    ASSIGN_OR_RETURN(Query q, Q("DELETE FROM secret_ballots WHERE poll_id = ? AND receipt = ?"));
    RETURN_IF_ERROR(q.Bind(poll_id).Bind(receipt).Run());
    if (q.Changes() == 0) return BallotNotFound(poll_id, receipt);
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<SecretBallotRecord>> ListSecretBallots(
      absl::string_view poll_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT receipt, choices FROM secret_ballots WHERE poll_id = ? "
                                "ORDER BY receipt"));
    q.Bind(poll_id);
    std::vector<SecretBallotRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      out.push_back({std::string(poll_id), q.Text(0), q.Text(1)});
    }
    return out;
  }

  // Deleting and inserting again in key order leaves pages filled the same
  // way whatever order the ballots came in; secure_delete (on the writer
  // connection) zeroes what the old rows occupied.
  absl::Status ResealSecretPoll(absl::string_view poll_id) override {
    ASSIGN_OR_RETURN(std::vector<SecretBallotRecord> ballots, ListSecretBallots(poll_id));
    ASSIGN_OR_RETURN(std::vector<VoterRecord> voters, ListVoters(poll_id));
    {
      ASSIGN_OR_RETURN(Query q, Q("DELETE FROM secret_ballots WHERE poll_id = ?"));
      RETURN_IF_ERROR(q.Bind(poll_id).Run());
    }
    {
      ASSIGN_OR_RETURN(Query q, Q("DELETE FROM poll_voters WHERE poll_id = ?"));
      RETURN_IF_ERROR(q.Bind(poll_id).Run());
    }
    std::vector<std::pair<std::string, const SecretBallotRecord*>> keyed;
    keyed.reserve(ballots.size());
    for (const SecretBallotRecord& b : ballots) {
      keyed.emplace_back(RandomBytes(kBallotKeyBytes), &b);
    }
    std::sort(keyed.begin(), keyed.end());
    for (const auto& [key, b] : keyed) {
      RETURN_IF_ERROR(InsertSecretBallotUnder(key, *b));
    }
    // ListVoters returned them by principal already.
    for (const VoterRecord& v : voters) RETURN_IF_ERROR(InsertVoter(v));
    return absl::OkStatus();
  }

  absl::Status InsertSpeakRequest(const v1::SpeakRequest& r) override {
    ASSIGN_OR_RETURN(std::string body, SpeakBody(r));
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO speak_requests (id, meeting_id, agenda_item_id, "
                                "user_id, state, request_time, body) VALUES (?,?,?,?,?,?,?)"));
    q.Bind(r.id()).Bind(r.meeting_id()).Bind(r.agenda_item_id()).Bind(r.user_id());
    absl::Status s = q.Bind(r.state()).Bind(r.request_time().unix_micros()).BindBlob(body).Run();
    if (absl::IsAlreadyExists(s)) {
      return absl::AlreadyExistsError(absl::StrCat("request to speak ", r.id(), " already exists"));
    }
    if (LastErrorIs(s, SQLITE_CONSTRAINT_FOREIGNKEY)) {
      return absl::NotFoundError(absl::StrCat("meeting ", r.meeting_id(), " or user ",
                                              r.user_id(), " does not exist"));
    }
    return s;
  }

  absl::Status UpdateSpeakRequest(const v1::SpeakRequest& r) override {
    ASSIGN_OR_RETURN(std::string body, SpeakBody(r));
    ASSIGN_OR_RETURN(Query q, Q("UPDATE speak_requests SET meeting_id = ?, agenda_item_id = ?, "
                                "user_id = ?, state = ?, request_time = ?, body = ? WHERE id = ?"));
    q.Bind(r.meeting_id()).Bind(r.agenda_item_id()).Bind(r.user_id()).Bind(r.state());
    absl::Status s = q.Bind(r.request_time().unix_micros()).BindBlob(body).Bind(r.id()).Run();
    if (LastErrorIs(s, SQLITE_CONSTRAINT_FOREIGNKEY)) {
      return absl::NotFoundError(absl::StrCat("meeting ", r.meeting_id(), " or user ",
                                              r.user_id(), " does not exist"));
    }
    RETURN_IF_ERROR(s);
    if (q.Changes() == 0) return SpeakRequestNotFound(r.id());
    return absl::OkStatus();
  }

  absl::StatusOr<v1::SpeakRequest> GetSpeakRequest(absl::string_view id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT s.id, s.body, IFNULL(u.full_name, '') FROM "
                                "speak_requests s LEFT JOIN users u ON u.id = s.user_id "
                                "WHERE s.id = ?"));
    q.Bind(id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return SpeakRequestNotFound(id);
    ASSIGN_OR_RETURN(v1::SpeakRequest r, ReadBody<v1::SpeakRequest>(q, "request to speak"));
    r.set_full_name(q.Text(2));
    return r;
  }

  absl::StatusOr<std::vector<v1::SpeakRequest>> ListSpeakRequests(
      absl::string_view meeting_id, absl::string_view agenda_item_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT s.id, s.body, IFNULL(u.full_name, '') FROM "
                                "speak_requests s LEFT JOIN users u ON u.id = s.user_id "
                                "WHERE s.meeting_id = ? AND s.agenda_item_id = ? ORDER BY s.id"));
    q.Bind(meeting_id).Bind(agenda_item_id);
    std::vector<v1::SpeakRequest> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      ASSIGN_OR_RETURN(v1::SpeakRequest r, ReadBody<v1::SpeakRequest>(q, "request to speak"));
      r.set_full_name(q.Text(2));
      out.push_back(std::move(r));
    }
    return out;
  }

  absl::Status InsertCa(const CaRecord& ca) override {
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO signing_ca (organization_id, token_label, token_pin, "
                                "so_pin, certificate_der, create_time) VALUES (?,?,?,?,?,?)"));
    q.Bind(ca.organization_id).Bind(ca.token_label).Bind(ca.token_pin).Bind(ca.so_pin);
    absl::Status s = q.BindBlob(ca.certificate_der).Bind(ca.create_micros).Run();
    if (absl::IsAlreadyExists(s)) {
      return absl::AlreadyExistsError(
          absl::StrCat("organisation ", ca.organization_id, " already has a CA"));
    }
    if (LastErrorIs(s, SQLITE_CONSTRAINT_FOREIGNKEY)) {
      return absl::NotFoundError(
          absl::StrCat("organisation ", ca.organization_id, " does not exist"));
    }
    return s;
  }

  absl::StatusOr<CaRecord> GetCa(absl::string_view organization_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT organization_id, token_label, token_pin, so_pin, "
                                "certificate_der, create_time FROM signing_ca "
                                "WHERE organization_id = ?"));
    q.Bind(organization_id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) {
      return absl::NotFoundError(absl::StrCat(
          "organisation ", organization_id, " has no CA yet (hopsoctl ca init creates one)"));
    }
    return CaRecord{q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Int(5)};
  }

  absl::Status PutSigningKey(const SigningKeyRecord& k) override {
    std::string body;
    if (!k.key.SerializeToString(&body)) return absl::InternalError("cannot encode signing key");
    ASSIGN_OR_RETURN(Query q, Q("INSERT OR REPLACE INTO signing_keys (user_id, token_label, "
                                "so_pin, failed_pins, chain_pem, body) VALUES (?,?,?,?,?,?)"));
    q.Bind(k.key.user_id()).Bind(k.key.token_label()).Bind(k.so_pin).Bind(k.failed_pins);
    absl::Status s = q.Bind(k.chain_pem).BindBlob(body).Run();
    if (LastErrorIs(s, SQLITE_CONSTRAINT_FOREIGNKEY)) {
      return absl::NotFoundError(absl::StrCat("user ", k.key.user_id(), " does not exist"));
    }
    return s;
  }

  absl::StatusOr<SigningKeyRecord> GetSigningKey(absl::string_view user_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT user_id, body, so_pin, chain_pem, failed_pins FROM "
                                "signing_keys WHERE user_id = ?"));
    q.Bind(user_id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) {
      return absl::NotFoundError(absl::StrCat("user ", user_id, " has no signing key"));
    }
    SigningKeyRecord k;
    ASSIGN_OR_RETURN(k.key, ReadBody<v1::SigningKey>(q, "signing key of user"));
    k.so_pin = q.Text(2);
    k.chain_pem = q.Text(3);
    k.failed_pins = static_cast<int>(q.Int(4));
    return k;
  }

  absl::Status PutMinutes(const v1::Minutes& m) override {
    v1::Minutes stored = m;
    stored.clear_signatures();
    std::string body;
    if (!stored.SerializeToString(&body)) return absl::InternalError("cannot encode minutes");
    ASSIGN_OR_RETURN(Query q, Q("INSERT OR REPLACE INTO minutes (meeting_id, body) VALUES (?,?)"));
    absl::Status s = q.Bind(m.meeting_id()).BindBlob(body).Run();
    if (LastErrorIs(s, SQLITE_CONSTRAINT_FOREIGNKEY)) {
      return absl::NotFoundError(absl::StrCat("meeting ", m.meeting_id(), " does not exist"));
    }
    return s;
  }

  absl::StatusOr<v1::Minutes> GetMinutes(absl::string_view meeting_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT meeting_id, body FROM minutes WHERE meeting_id = ?"));
    q.Bind(meeting_id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return absl::NotFoundError(absl::StrCat("meeting ", meeting_id, " has no minutes"));
    return ReadBody<v1::Minutes>(q, "minutes of meeting");
  }

  absl::Status InsertSignatureRequest(const SignatureRequestRecord& r) override {
    const v1::SignatureRequest& req = r.request;
    std::string body;
    if (!req.SerializeToString(&body)) return absl::InternalError("cannot encode request");
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO signature_requests (id, meeting_id, signer_user_id, "
                                "ord, state, box_page, box_x, box_y, box_width, box_height, "
                                "body) VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
    q.Bind(req.id()).Bind(req.meeting_id()).Bind(req.signer_user_id()).Bind(req.order());
    q.Bind(req.state()).Bind(r.box.page).Bind(Centi(r.box.x)).Bind(Centi(r.box.y));
    absl::Status s = q.Bind(Centi(r.box.width)).Bind(Centi(r.box.height)).BindBlob(body).Run();
    if (absl::IsAlreadyExists(s)) {
      return absl::AlreadyExistsError(absl::StrCat("meeting ", req.meeting_id(),
                                                   " already has signature request ", req.order()));
    }
    if (LastErrorIs(s, SQLITE_CONSTRAINT_FOREIGNKEY)) {
      return absl::NotFoundError(absl::StrCat("meeting ", req.meeting_id(), " or user ",
                                              req.signer_user_id(), " does not exist"));
    }
    return s;
  }

  absl::Status UpdateSignatureRequest(const v1::SignatureRequest& r) override {
    std::string body;
    if (!r.SerializeToString(&body)) return absl::InternalError("cannot encode request");
    ASSIGN_OR_RETURN(Query q,
                     Q("UPDATE signature_requests SET state = ?, body = ? WHERE id = ?"));
    RETURN_IF_ERROR(q.Bind(r.state()).BindBlob(body).Bind(r.id()).Run());
    if (q.Changes() == 0) return SignatureRequestNotFound(r.id());
    return absl::OkStatus();
  }

  absl::StatusOr<SignatureRequestRecord> GetSignatureRequest(absl::string_view id) override {
    static const std::string sql = absl::StrCat(kSignatureRequestColumns, " WHERE id = ?");
    ASSIGN_OR_RETURN(Query q, Q(sql.c_str()));
    q.Bind(id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return SignatureRequestNotFound(id);
    return ReadSignatureRequest(q);
  }

  absl::StatusOr<std::vector<SignatureRequestRecord>> ListSignatureRequests(
      absl::string_view meeting_id) override {
    static const std::string sql =
        absl::StrCat(kSignatureRequestColumns, " WHERE meeting_id = ? ORDER BY ord");
    ASSIGN_OR_RETURN(Query q, Q(sql.c_str()));
    q.Bind(meeting_id);
    return ReadSignatureRequests(q);
  }

  absl::StatusOr<std::vector<SignatureRequestRecord>> ListSignatureRequestsOf(
      absl::string_view signer_user_id) override {
    static const std::string sql =
        absl::StrCat(kSignatureRequestColumns, " WHERE signer_user_id = ? ORDER BY rowid DESC");
    ASSIGN_OR_RETURN(Query q, Q(sql.c_str()));
    q.Bind(signer_user_id);
    return ReadSignatureRequests(q);
  }

  absl::Status DeleteSignatureRequests(absl::string_view meeting_id) override {
    ASSIGN_OR_RETURN(Query q, Q("DELETE FROM signature_requests WHERE meeting_id = ?"));
    return q.Bind(meeting_id).Run();
  }

  absl::StatusOr<StoredEvent> AppendEvent(absl::string_view meeting_id,
                                          absl::string_view actor_user_id, int64_t time_micros,
                                          const v1::EventBody& body) override {
    ASSIGN_OR_RETURN(ChainHead head, GetChainHead(meeting_id));
    StoredEvent event;
    event.meeting_id = std::string(meeting_id);
    event.seq = head.seq + 1;
    event.time_micros = time_micros;
    event.actor_user_id = std::string(actor_user_id);
    if (!body.SerializeToString(&event.body)) return absl::InternalError("cannot encode event");
    event.hash = ChainHash(head.seq == 0 ? GenesisHash() : head.hash, event);
    {
      ASSIGN_OR_RETURN(Query q, Q("INSERT INTO meeting_events (meeting_id, seq, time, actor, body, "
                                  "hash) VALUES (?,?,?,?,?,?)"));
      q.Bind(event.meeting_id).Bind(event.seq).Bind(event.time_micros).Bind(event.actor_user_id);
      RETURN_IF_ERROR(q.BindBlob(event.body).BindBlob(event.hash).Run());
    }
    ASSIGN_OR_RETURN(Query q, Q("UPDATE meetings SET last_event_seq = ?, last_event_hash = ? "
                                "WHERE id = ?"));
    RETURN_IF_ERROR(q.Bind(event.seq).BindBlob(event.hash).Bind(meeting_id).Run());
    if (appended_ != nullptr) appended_->push_back(event);
    return event;
  }

  absl::StatusOr<std::vector<StoredEvent>> ReadEvents(absl::string_view meeting_id,
                                                      int64_t after_seq, int limit) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT seq, time, actor, body, hash FROM meeting_events "
                                "WHERE meeting_id = ? AND seq > ? ORDER BY seq LIMIT ?"));
    q.Bind(meeting_id).Bind(after_seq).Bind(limit);
    std::vector<StoredEvent> events;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      StoredEvent& e = events.emplace_back();
      e.meeting_id = std::string(meeting_id);
      e.seq = q.Int(0);
      e.time_micros = q.Int(1);
      e.actor_user_id = q.Text(2);
      e.body = q.Text(3);
      e.hash = q.Text(4);
    }
    return events;
  }

  absl::StatusOr<ChainHead> GetChainHead(absl::string_view meeting_id) override {
    ASSIGN_OR_RETURN(Query q, Q("SELECT last_event_seq, last_event_hash FROM meetings WHERE id = ?"));
    q.Bind(meeting_id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found) return absl::NotFoundError(absl::StrCat("meeting ", meeting_id, " does not exist"));
    return ChainHead{q.Int(0), q.Text(1)};
  }

 private:
  // Fails once an error has ended the whole transaction (SQLite rolls back
  // by itself on some, e.g. a full disk): statements would otherwise run and
  // commit one by one outside it.
  absl::Status CheckActive() {
    if (sqlite3_get_autocommit(conn_.db()) != 0) {
      return absl::AbortedError("the transaction was rolled back after an earlier error");
    }
    return absl::OkStatus();
  }

  // Whether `s` comes from the statement that just failed with `code`.
  bool LastErrorIs(const absl::Status& s, int code) {
    return !s.ok() && sqlite3_extended_errcode(conn_.db()) == code;
  }

  absl::Status InsertSecretBallotUnder(absl::string_view key, const SecretBallotRecord& b) {
    ASSIGN_OR_RETURN(Query q, Q("INSERT INTO secret_ballots (poll_id, ballot_key, receipt, "
                                "choices) VALUES (?,?,?,?)"));
    return q.Bind(b.poll_id).BindBlob(key).Bind(b.receipt).Bind(b.choices).Run();
  }

  static absl::Status PollNotFound(absl::string_view id) {
    return absl::NotFoundError(absl::StrCat("poll ", id, " does not exist"));
  }
  static absl::Status VoterNotFound(absl::string_view poll_id, absl::string_view principal_id) {
    return absl::NotFoundError(
        absl::StrCat("user ", principal_id, " has not voted in poll ", poll_id));
  }
  static absl::Status BallotNotFound(absl::string_view poll_id, absl::string_view receipt) {
    return absl::NotFoundError(
        absl::StrCat("no ballot with receipt ", receipt, " in poll ", poll_id));
  }
  static absl::Status SignatureRequestNotFound(absl::string_view id) {
    return absl::NotFoundError(absl::StrCat("signature request ", id, " does not exist"));
  }
  // Boxes are kept in hundredths of a point.
  static int64_t Centi(double points) { return std::llround(points * 100); }
  static absl::StatusOr<SignatureRequestRecord> ReadSignatureRequest(Query& q) {
    SignatureRequestRecord r;
    ASSIGN_OR_RETURN(r.request, ReadBody<v1::SignatureRequest>(q, "signature request"));
    r.box.page = static_cast<int>(q.Int(2));
    r.box.x = q.Int(3) / 100.0;
    r.box.y = q.Int(4) / 100.0;
    r.box.width = q.Int(5) / 100.0;
    r.box.height = q.Int(6) / 100.0;
    return r;
  }
  static absl::StatusOr<std::vector<SignatureRequestRecord>> ReadSignatureRequests(Query& q) {
    std::vector<SignatureRequestRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) return out;
      ASSIGN_OR_RETURN(out.emplace_back(), ReadSignatureRequest(q));
    }
  }
  static absl::Status SpeakRequestNotFound(absl::string_view id) {
    return absl::NotFoundError(absl::StrCat("request to speak ", id, " does not exist"));
  }
  static absl::Status ProxyExists(absl::string_view giver_id) {
    return absl::AlreadyExistsError(
        absl::StrCat("user ", giver_id, " has already given a proxy in this meeting"));
  }

  static absl::StatusOr<std::string> PollBody(const v1::Poll& poll) {
    v1::Poll body = poll;
    body.clear_voted();
    body.clear_counts();
    std::string bytes;
    if (!body.SerializeToString(&bytes)) return absl::InternalError("cannot encode poll");
    return bytes;
  }

  static absl::StatusOr<std::string> SpeakBody(const v1::SpeakRequest& r) {
    v1::SpeakRequest body = r;
    body.clear_full_name();
    std::string bytes;
    if (!body.SerializeToString(&bytes)) return absl::InternalError("cannot encode request");
    return bytes;
  }

  // A message kept whole in column 1, its id in column 0.
  template <typename T>
  static absl::StatusOr<T> ReadBody(Query& q, absl::string_view what) {
    T message;
    if (!message.ParseFromString(q.Text(1))) {
      return absl::DataLossError(absl::StrCat(what, " ", q.Text(0), " is unreadable"));
    }
    return message;
  }

  static v1::AttendanceRecord ReadAttendance(Query& q) {
    v1::AttendanceRecord r;
    r.set_meeting_id(q.Text(0));
    r.set_user_id(q.Text(1));
    r.set_status(static_cast<v1::AttendanceStatus>(q.Int(2)));
    r.set_late(q.Int(3) != 0);
    r.set_reason(q.Text(4));
    r.set_method(static_cast<v1::CheckInMethod>(q.Int(5)));
    if (q.Int(6) != 0) r.mutable_arrive_time()->set_unix_micros(q.Int(6));
    if (q.Int(7) != 0) r.mutable_leave_time()->set_unix_micros(q.Int(7));
    r.set_recorded_by(q.Text(8));
    r.mutable_update_time()->set_unix_micros(q.Int(9));
    r.set_full_name(q.Text(10));
    r.set_role(static_cast<v1::MeetingRole>(q.Int(11)));
    return r;
  }

  static VoterRecord ReadVoter(Query& q, absl::string_view poll_id) {
    return VoterRecord{std::string(poll_id), q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Int(4)};
  }

  static v1::Organization ReadOrganization(Query& q) {
    v1::Organization org;
    org.set_id(q.Text(0));
    org.set_name(q.Text(1));
    org.mutable_create_time()->set_unix_micros(q.Int(2));
    return org;
  }

  static v1::Document ReadDocument(Query& q) {
    v1::Document d;
    d.set_id(q.Text(0));
    d.set_meeting_id(q.Text(1));
    d.set_agenda_item_id(q.Text(2));
    d.set_title(q.Text(3));
    d.set_confidential(q.Int(4) != 0);
    d.mutable_create_time()->set_unix_micros(q.Int(5));
    return d;
  }

  static QrRecord ReadQr(Query& q) {
    return QrRecord{q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4),
                    static_cast<int>(q.Int(5))};
  }

  static absl::StatusOr<v1::Annotation> ReadAnnotation(Query& q) {
    v1::Annotation a;
    if (!a.ParseFromString(q.Text(8))) {
      return absl::DataLossError(absl::StrCat("annotation ", q.Text(0), " is unreadable"));
    }
    a.set_id(q.Text(0));
    a.set_document_id(q.Text(1));
    a.set_version(static_cast<int>(q.Int(2)));
    a.set_author_user_id(q.Text(3));
    a.set_visibility(q.Int(4) != 0 ? v1::ANNOTATION_VISIBILITY_SHARED
                                   : v1::ANNOTATION_VISIBILITY_PRIVATE);
    a.set_deleted(q.Int(5) != 0);
    a.set_revision(q.Int(6));
    a.mutable_update_time()->set_unix_micros(q.Int(7));
    a.set_author_name(q.Text(9));
    return a;
  }

  static UploadRecord ReadUpload(Query& q) {
    return UploadRecord{q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4),
                        q.Text(5), q.Text(6), q.Int(7),  q.Text(8), q.Int(9)};
  }

  absl::Status SaveReaders(const v1::Document& d) {
    for (const std::string& user : d.allowed_user_ids()) {
      ASSIGN_OR_RETURN(Query q, Q("INSERT OR IGNORE INTO document_readers (document_id, user_id) "
                                  "VALUES (?,?)"));
      RETURN_IF_ERROR(q.Bind(d.id()).Bind(user).Run());
    }
    return absl::OkStatus();
  }

  // Versions (newest first) and readers of a document row.
  absl::Status FillDocument(v1::Document& d) {
    {
      ASSIGN_OR_RETURN(Query q, Q("SELECT number, sha256, size_bytes, page_count, filename, "
                                  "content_type, signed, uploaded_by, create_time FROM "
                                  "document_versions WHERE document_id = ? ORDER BY number DESC"));
      q.Bind(d.id());
      while (true) {
        ASSIGN_OR_RETURN(bool row, q.Step());
        if (!row) break;
        v1::DocumentVersion* v = d.add_versions();
        v->set_number(static_cast<int>(q.Int(0)));
        v->set_sha256(q.Text(1));
        v->set_size_bytes(q.Int(2));
        v->set_page_count(static_cast<int>(q.Int(3)));
        v->set_filename(q.Text(4));
        v->set_content_type(q.Text(5));
        v->set_signed_(q.Int(6) != 0);
        v->set_uploaded_by(q.Text(7));
        v->mutable_create_time()->set_unix_micros(q.Int(8));
      }
    }
    ASSIGN_OR_RETURN(Query q, Q("SELECT user_id FROM document_readers WHERE document_id = ? "
                                "ORDER BY user_id"));
    q.Bind(d.id());
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      d.add_allowed_user_ids(q.Text(0));
    }
    return absl::OkStatus();
  }

  // The query asked for one row more than the page holds, to learn whether
  // another page follows.
  template <typename T, typename KeyFn>
  static void TrimPage(Page<T>& page, int limit, KeyFn key) {
    if (static_cast<int>(page.items.size()) > limit) {
      page.items.resize(limit);
      page.next = key(page.items.back());
    }
  }

  Connection& conn_;
  std::vector<StoredEvent>* appended_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {}

  absl::Status Init() {
    ASSIGN_OR_RETURN(writer_, Connection::Open(path_, /*read_only=*/false));
    {
      ASSIGN_OR_RETURN(Query mode, Prepared(*writer_, "PRAGMA journal_mode=WAL"));
      ASSIGN_OR_RETURN(bool row, mode.Step());
      if (!row || mode.Text(0) != "wal") {
        return absl::UnavailableError(absl::StrCat("cannot switch ", path_, " to WAL mode"));
      }
    }
    return Migrate();
  }

  absl::Status Write(const std::function<absl::Status(Transaction&)>& fn) override {
    absl::MutexLock lock(&write_mu_);
    RETURN_IF_ERROR(writer_->Run("BEGIN IMMEDIATE"));
    std::vector<StoredEvent> appended;
    SqliteTransaction tx(*writer_, &appended);
    absl::Status status = fn(tx);
    if (status.ok()) status = writer_->Run("COMMIT");
    if (!status.ok()) {
      // A failed COMMIT may already have rolled back; ROLLBACK then says so, harmlessly.
      (void)writer_->Run("ROLLBACK");
      return status;
    }
    // Under the write lock, so listeners hear events in commit order.
    if (!appended.empty() && listener_) listener_(appended);
    return absl::OkStatus();
  }

  absl::Status Read(const std::function<absl::Status(Transaction&)>& fn) override {
    std::unique_ptr<Connection> conn;
    {
      absl::MutexLock lock(&readers_mu_);
      if (!readers_.empty()) {
        conn = std::move(readers_.back());
        readers_.pop_back();
      }
    }
    if (conn == nullptr) {
      ASSIGN_OR_RETURN(conn, Connection::Open(path_, /*read_only=*/true));
    }
    absl::Status status = conn->Run("BEGIN");
    if (status.ok()) {
      SqliteTransaction tx(*conn, nullptr);
      status = fn(tx);
      absl::Status end = conn->Run("COMMIT");
      if (status.ok()) status = end;
    }
    absl::MutexLock lock(&readers_mu_);
    if (readers_.size() < kReaders) readers_.push_back(std::move(conn));
    return status;
  }

  // The checkpoint is tried without waiting, under the write lock (TRUNCATE
  // needs no writer active), and between tries the lock is let go so that
  // writes go on while readers finish.
  absl::Status ForgetHistory() override {
    const absl::Time deadline = absl::Now() + kCheckpointPatience;
    absl::Duration pause = absl::Milliseconds(1);
    while (true) {
      int rc;
      {
        absl::MutexLock lock(&write_mu_);
        sqlite3_busy_timeout(writer_->db(), 0);
        rc = sqlite3_wal_checkpoint_v2(writer_->db(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                       nullptr, nullptr);
        sqlite3_busy_timeout(writer_->db(), kBusyTimeoutMillis);
        if (rc == SQLITE_OK) return absl::OkStatus();
        if ((rc & 0xff) != SQLITE_BUSY) return SqliteError(writer_->db(), rc, "checkpoint");
      }
      if (absl::Now() + pause > deadline) {
        return absl::UnavailableError(
            "readers kept the write-ahead log busy; earlier page images remain in it until the "
            "next checkpoint");
      }
      absl::SleepFor(pause);
      pause = std::min(pause * 2, absl::Milliseconds(50));
    }
  }


  void SetEventListener(EventListener listener) override { listener_ = std::move(listener); }

 private:
  static absl::StatusOr<Query> Prepared(Connection& conn, const char* sql) {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, conn.Prepare(sql));
    return Query(conn.db(), stmt);
  }

  absl::Status Migrate() {
    std::span<const char* const> migrations = SqliteMigrations();
    int64_t version = 0;
    {
      ASSIGN_OR_RETURN(Query q, Prepared(*writer_, "PRAGMA user_version"));
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (row) version = q.Int(0);
    }
    if (version > static_cast<int64_t>(migrations.size())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "database ", path_, " has schema version ", version,
          ", newer than this Hopso knows (", migrations.size(),
          "); it was written by a newer hopsod: upgrade hopsod, do not downgrade"));
    }
    for (size_t v = version; v < migrations.size(); ++v) {
      RETURN_IF_ERROR(writer_->Run("BEGIN IMMEDIATE"));
      absl::Status s = writer_->Exec(migrations[v]);
      if (s.ok()) s = writer_->Exec(absl::StrCat("PRAGMA user_version = ", v + 1).c_str());
      if (s.ok()) s = writer_->Run("COMMIT");
      if (!s.ok()) {
        (void)writer_->Run("ROLLBACK");
        return absl::InternalError(absl::StrCat("migration ", v + 1, " failed: ", s.message()));
      }
    }
    return absl::OkStatus();
  }

  const std::string path_;
  absl::Mutex write_mu_;
  std::unique_ptr<Connection> writer_;
  absl::Mutex readers_mu_;
  std::vector<std::unique_ptr<Connection>> readers_ ABSL_GUARDED_BY(readers_mu_);
  EventListener listener_;
};

}  // namespace

int SqliteSchemaVersion() { return static_cast<int>(SqliteMigrations().size()); }

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  auto store = std::make_unique<SqliteStore>(path);
  RETURN_IF_ERROR(store->Init());
  return store;
}

}  // namespace hopso::server
