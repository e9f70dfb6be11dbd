// The offline commands, which open DATA_DIR/hopso.db through the Store
// instead of talking to hopsod: init and audit verify.
#include <filesystem>
#include <iostream>
#include <system_error>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/ctl/command.h"
#include "server/ctl/exit_status.h"
#include "server/ctl/flags.h"
#include "server/services/directory_handler.h"
#include "server/services/password.h"
#include "server/store/event_chain.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

namespace hopso::ctl {
namespace {

// Events read per query, so a long meeting does not need one huge result.
constexpr int kEventBatch = 1000;

std::string DatabasePath() { return absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/hopso.db"); }

absl::Status Init() {
  const std::string username = absl::GetFlag(FLAGS_admin_username);
  const std::string password = absl::GetFlag(FLAGS_admin_password);
  const std::string full_name =
      absl::GetFlag(FLAGS_full_name).empty() ? "Quản trị hệ thống" : absl::GetFlag(FLAGS_full_name);
  if (password.empty()) return UsageError("--admin_password must not be empty");
  v1::User admin;
  admin.set_id(server::NewId());
  admin.set_username(username);
  admin.set_full_name(full_name);
  admin.set_role(v1::USER_ROLE_ADMIN);
  admin.mutable_create_time()->set_unix_micros(absl::ToUnixMicros(absl::Now()));
  // The same rules hopsod applies to CreateUser, since init bypasses it.
  if (absl::Status valid = server::ValidateNewUser(admin, password); !valid.ok()) {
    return UsageError(valid.message());
  }

  std::error_code error;
  std::filesystem::create_directories(absl::GetFlag(FLAGS_data_dir), error);
  if (error) {
    return absl::UnavailableError(absl::StrCat("cannot create ", absl::GetFlag(FLAGS_data_dir),
                                               ": ", error.message()));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<server::Store> store, server::OpenSqliteStore(DatabasePath()));

  // Hashing is deliberately slow: do it before taking the write lock.
  const std::string hash = server::HashPassword(password);
  RETURN_IF_ERROR(store->Write([&](server::Transaction& tx) -> absl::Status {
    absl::StatusOr<server::UserRecord> existing = tx.GetUserByUsername(username);
    if (existing.ok()) {
      return absl::AlreadyExistsError(absl::StrCat("user ", username, " already exists in ",
                                                   DatabasePath(), "; nothing changed"));
    }
    if (!absl::IsNotFound(existing.status())) return existing.status();
    return tx.InsertUser(admin, hash);
  }));
  std::cout << "created administrator " << username << " (" << admin.id() << ") in "
            << DatabasePath() << "\n";
  return absl::OkStatus();
}

// Reads every event of `meeting_id`, in order, from `tx`.
absl::StatusOr<std::vector<server::StoredEvent>> ReadAllEvents(server::Transaction& tx,
                                                               const std::string& meeting_id) {
  std::vector<server::StoredEvent> events;
  while (true) {
    const int64_t after = events.empty() ? 0 : events.back().seq;
    ASSIGN_OR_RETURN(std::vector<server::StoredEvent> batch,
                     tx.ReadEvents(meeting_id, after, kEventBatch));
    const bool last_batch = batch.size() < kEventBatch;
    events.insert(events.end(), std::make_move_iterator(batch.begin()),
                  std::make_move_iterator(batch.end()));
    if (last_batch) return events;
  }
}

absl::Status VerifyAudit() {
  // OpenSqliteStore would create a missing database, which then "verifies".
  if (!std::filesystem::exists(DatabasePath())) {
    return absl::NotFoundError(absl::StrCat("no database at ", DatabasePath()));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<server::Store> store, server::OpenSqliteStore(DatabasePath()));
  int meetings = 0;
  int64_t events = 0;
  absl::Status chain;
  RETURN_IF_ERROR(store->Read([&](server::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<std::string> ids, tx.ListMeetingIds());
    for (const std::string& id : ids) {
      ASSIGN_OR_RETURN(std::vector<server::StoredEvent> log, ReadAllEvents(tx, id));
      ASSIGN_OR_RETURN(server::ChainHead head, tx.GetChainHead(id));
      chain = server::VerifyChain(id, log, head);
      if (!chain.ok()) return absl::OkStatus();
      ++meetings;
      events += static_cast<int64_t>(log.size());
    }
    return absl::OkStatus();
  }));
  if (!chain.ok()) {
    std::cout << "audit: chain broken (" << meetings << " meetings verified before it)\n";
    return WithExitCode(chain, kExitAuditFailed);
  }
  std::cout << "audit: " << meetings << " meetings, " << events << " events, chain ok\n";
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> StoreCommands() {
  return {
      {.name = "init",
       .summary = "create the first administrator in DATA_DIR/hopso.db (offline; refuses if the "
                  "username exists)",
       .required = {"data_dir", "admin_password"},
       .optional = {"admin_username", "full_name"},
       .connects = false,
       .run = Init},
      {.name = "audit verify",
       .summary = "recompute every meeting's event hash chain from DATA_DIR/hopso.db (offline); "
                  "exit 3 naming the first bad event",
       .required = {"data_dir"},
       .connects = false,
       .run = VerifyAudit},
  };
}

}  // namespace hopso::ctl
