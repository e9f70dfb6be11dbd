#include "server/services/directory_handler.h"

#include <map>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "server/services/csv.h"
#include "server/services/paging.h"
#include "server/services/password.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"
#include "server/util/text.h"

namespace hopso::server {
namespace {

constexpr int kMinPasswordChars = 8;
constexpr size_t kMaxImportRows = 5000;

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

absl::StatusOr<v1::UserRole> ParseRole(absl::string_view text) {
  const std::string role = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (role.empty() || role == "member" || role == "đại biểu") return v1::USER_ROLE_MEMBER;
  if (role == "secretary" || role == "thư ký") return v1::USER_ROLE_SECRETARY;
  return absl::InvalidArgumentError(
      absl::StrCat("role '", text, "' is not one of member, secretary"));
}

}  // namespace

absl::Status ValidateNewUser(const v1::User& user, absl::string_view password) {
  const std::string& name = user.username();
  if (name.size() < 3 || name.size() > 64 ||
      !std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      })) {
    return absl::InvalidArgumentError(absl::StrCat(
        "username '", IsValidUtf8(name) ? name : "?",
        "' must be 3 to 64 characters of a-z, 0-9, '.', '_' or '-'"));
  }
  RETURN_IF_ERROR(ValidateText("full_name", user.full_name(), {.max_chars = 200}));
  RETURN_IF_ERROR(ValidateText("title", user.title(), {.min_chars = 0, .max_chars = 200}));
  RETURN_IF_ERROR(ValidateText("unit", user.unit(), {.min_chars = 0, .max_chars = 200}));
  RETURN_IF_ERROR(ValidateText("phone", user.phone(), {.min_chars = 0, .max_chars = 40}));
  RETURN_IF_ERROR(ValidateText("email", user.email(), {.min_chars = 0, .max_chars = 200}));
  if (!v1::UserRole_IsValid(user.role()) || user.role() == v1::USER_ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError("role must be ADMIN, SECRETARY or MEMBER");
  }
  if (!password.empty() && CodePointCount(password) < kMinPasswordChars) {
    return absl::InvalidArgumentError(
        absl::StrCat("password must have at least ", kMinPasswordChars, " characters"));
  }
  if (!IsValidUtf8(password) || password.size() > 1024) {
    return absl::InvalidArgumentError("password must be valid UTF-8 of at most 1024 bytes");
  }
  return absl::OkStatus();
}

absl::Status DirectoryHandler::CreateOrganization(const Caller& caller,
                                                  const v1::CreateOrganizationRequest& req,
                                                  v1::Organization* org) {
  RETURN_IF_ERROR(CheckUserAction("DirectoryService/CreateOrganization", caller, ""));
  RETURN_IF_ERROR(ValidateText("name", req.name(), {.max_chars = 300}));
  org->set_id(NewId());
  org->set_name(req.name());
  org->mutable_create_time()->set_unix_micros(NowMicros());
  return store_.Write([&](Transaction& tx) { return tx.InsertOrganization(*org); });
}

absl::Status DirectoryHandler::GetOrganization(const Caller& caller,
                                               const v1::GetOrganizationRequest& req,
                                               v1::Organization* org) {
  RETURN_IF_ERROR(CheckUserAction("DirectoryService/GetOrganization", caller, req.id()));
  return store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(*org, tx.GetOrganization(req.id()));
    return absl::OkStatus();
  });
}

absl::Status DirectoryHandler::ListOrganizations(const Caller& caller,
                                                 const v1::ListOrganizationsRequest& req,
                                                 v1::ListOrganizationsResponse* resp) {
  RETURN_IF_ERROR(CheckUserAction("DirectoryService/ListOrganizations", caller, ""));
  ASSIGN_OR_RETURN(PageQuery page, ParsePage(req.page_size(), req.page_token()));
  return store_.Read([&](Transaction& tx) -> absl::Status {
    if (caller.role != v1::USER_ROLE_ADMIN) {
      // Everyone else sees only their own organisation.
      if (!page.after.empty() || caller.organization_id.empty()) return absl::OkStatus();
      ASSIGN_OR_RETURN(*resp->add_organizations(), tx.GetOrganization(caller.organization_id));
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(Page<v1::Organization> result, tx.ListOrganizations(page));
    for (v1::Organization& org : result.items) *resp->add_organizations() = std::move(org);
    resp->set_next_page_token(PageToken(result.next));
    return absl::OkStatus();
  });
}

absl::Status DirectoryHandler::CreateUser(const Caller& caller, const v1::CreateUserRequest& req,
                                          v1::User* user) {
  RETURN_IF_ERROR(CheckUserAction("DirectoryService/CreateUser", caller, req.user().organization_id()));
  *user = req.user();
  RETURN_IF_ERROR(ValidateNewUser(*user, req.password()));
  if (user->role() != v1::USER_ROLE_ADMIN && user->organization_id().empty()) {
    return absl::InvalidArgumentError("organization_id is required for secretaries and members");
  }
  user->set_id(NewId());
  user->mutable_create_time()->set_unix_micros(NowMicros());
  const std::string hash = req.password().empty() ? "" : HashPassword(req.password());
  return store_.Write([&](Transaction& tx) -> absl::Status {
    if (!user->organization_id().empty()) {
      RETURN_IF_ERROR(tx.GetOrganization(user->organization_id()).status());
    }
    return tx.InsertUser(*user, hash);
  });
}

absl::Status DirectoryHandler::GetUser(const Caller& caller, const v1::GetUserRequest& req,
                                       v1::User* user) {
  return store_.Read([&](Transaction& tx) -> absl::Status {
    absl::StatusOr<UserRecord> record = tx.GetUser(req.id());
    // Say NOT_FOUND only to those who may look: others learn nothing.
    RETURN_IF_ERROR(CheckUserAction("DirectoryService/GetUser", caller,
                                    record.ok() ? record->user.organization_id() : "", req.id()));
    RETURN_IF_ERROR(record.status());
    *user = record->user;
    return absl::OkStatus();
  });
}

absl::Status DirectoryHandler::ListUsers(const Caller& caller, const v1::ListUsersRequest& req,
                                         v1::ListUsersResponse* resp) {
  RETURN_IF_ERROR(CheckUserAction("DirectoryService/ListUsers", caller, req.organization_id()));
  ASSIGN_OR_RETURN(PageQuery page, ParsePage(req.page_size(), req.page_token()));
  return store_.Read([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.GetOrganization(req.organization_id()).status());
    ASSIGN_OR_RETURN(Page<v1::User> result, tx.ListUsers(req.organization_id(), page));
    for (v1::User& u : result.items) *resp->add_users() = std::move(u);
    resp->set_next_page_token(PageToken(result.next));
    return absl::OkStatus();
  });
}

absl::Status DirectoryHandler::SetPassword(const Caller& caller, const v1::SetPasswordRequest& req,
                                           v1::SetPasswordResponse* resp) {
  absl::StatusOr<UserRecord> target;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) {
    target = tx.GetUser(req.user_id());
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(CheckUserAction("DirectoryService/SetPassword", caller,
                                  target.ok() ? target->user.organization_id() : "", req.user_id()));
  RETURN_IF_ERROR(target.status());
  if (req.new_password().empty()) return absl::InvalidArgumentError("new_password is required");
  RETURN_IF_ERROR(ValidateNewUser(target->user, req.new_password()));
  const bool self = caller.user_id == req.user_id();
  if (self && caller.role != v1::USER_ROLE_ADMIN &&
      !VerifyPassword(req.old_password(), target->password_hash)) {
    return absl::PermissionDeniedError("old_password is wrong");
  }
  const std::string hash = HashPassword(req.new_password());
  std::vector<std::string> ended;
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.SetPasswordHash(req.user_id(), hash));
    ASSIGN_OR_RETURN(ended, tx.DeleteUserSessions(req.user_id(), self ? caller.session_hash : ""));
    return absl::OkStatus();
  }));
  auth_.Evict(ended);
  return absl::OkStatus();
}

absl::Status DirectoryHandler::ImportUsers(const Caller& caller, const v1::ImportUsersRequest& req,
                                           v1::ImportUsersResponse* resp) {
  RETURN_IF_ERROR(CheckUserAction("DirectoryService/ImportUsers", caller, req.organization_id()));
  ASSIGN_OR_RETURN(std::vector<CsvRow> rows, ParseCsv(req.csv()));
  if (rows.empty()) return absl::InvalidArgumentError("line 1: the file is empty; a header line is required");
  if (rows.size() - 1 > kMaxImportRows) {
    return absl::InvalidArgumentError(
        absl::StrCat("the file has ", rows.size() - 1, " rows; import at most ", kMaxImportRows,
                     " at a time"));
  }
  // Columns by header name, in any order.
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < rows[0].fields.size(); ++i) {
    column[absl::AsciiStrToLower(absl::StripAsciiWhitespace(rows[0].fields[i]))] = i;
  }
  static constexpr const char* kRequired[] = {"username", "full_name", "title", "unit", "phone", "email"};
  for (const char* name : kRequired) {
    if (!column.contains(name)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line 1: missing column '", name, "' (the header needs ", absl::StrJoin(kRequired, ","),
          "; role and password are optional)"));
    }
  }
  struct NewUser {
    v1::User user;
    std::string password;
    int line;
  };
  std::vector<NewUser> users;
  absl::flat_hash_set<std::string> seen;
  const int64_t now = NowMicros();
  for (size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    if (row.fields.size() != rows[0].fields.size()) {
      return absl::InvalidArgumentError(absl::StrCat("line ", row.line, ": expected ",
                                                     rows[0].fields.size(), " fields, found ",
                                                     row.fields.size()));
    }
    auto field = [&](const char* name) -> std::string {
      auto it = column.find(name);
      return it == column.end() ? "" : std::string(absl::StripAsciiWhitespace(row.fields[it->second]));
    };
    NewUser nu;
    nu.line = row.line;
    v1::User& u = nu.user;
    u.set_id(NewId());
    u.set_organization_id(req.organization_id());
    u.set_username(absl::AsciiStrToLower(field("username")));
    u.set_full_name(field("full_name"));
    u.set_title(field("title"));
    u.set_unit(field("unit"));
    u.set_phone(field("phone"));
    u.set_email(field("email"));
    u.mutable_create_time()->set_unix_micros(now);
    absl::StatusOr<v1::UserRole> role = ParseRole(field("role"));
    absl::Status valid = role.ok() ? absl::OkStatus() : role.status();
    if (valid.ok()) {
      u.set_role(*role);
      nu.password = field("password");
      valid = ValidateNewUser(u, nu.password);
    }
    if (!valid.ok()) {
      return absl::Status(valid.code(), absl::StrCat("line ", row.line, ": ", valid.message()));
    }
    if (!seen.insert(u.username()).second) {
      return absl::AlreadyExistsError(absl::StrCat("line ", row.line, ": username '",
                                                   u.username(), "' appears twice in the file"));
    }
    users.push_back(std::move(nu));
  }
  // Hash before the transaction: scrypt is slow and the write lock is shared.
  std::vector<std::string> hashes;
  for (const NewUser& nu : users) {
    hashes.push_back(nu.password.empty() ? "" : HashPassword(nu.password));
  }
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.GetOrganization(req.organization_id()).status());
    for (size_t i = 0; i < users.size(); ++i) {
      absl::Status s = tx.InsertUser(users[i].user, hashes[i]);
      if (!s.ok()) {
        return absl::Status(s.code(), absl::StrCat("line ", users[i].line, ": ", s.message()));
      }
    }
    return absl::OkStatus();
  }));
  for (NewUser& nu : users) *resp->add_users() = std::move(nu.user);
  return absl::OkStatus();
}

}  // namespace hopso::server
