// org create|list, user create|list|import|set-password.
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_join.h"
#include "server/ctl/client.h"
#include "server/ctl/command.h"
#include "server/ctl/exit_status.h"
#include "server/ctl/files.h"
#include "server/ctl/flags.h"
#include "server/ctl/format.h"
#include "server/util/status_macros.h"

namespace hopso::ctl {
namespace {

using DirectoryStub = v1::DirectoryService::Stub;

// Tab-separated, so that scripts can cut columns.
void PrintUser(const v1::User& user) {
  std::cout << absl::StrJoin({user.id(), user.username(), user.full_name(),
                              std::string(UserRoleName(user.role())), user.title(), user.unit(),
                              user.phone(), user.email()},
                             "\t")
            << "\n";
}

absl::Status CreateOrg() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::CreateOrganizationRequest request;
  request.set_name(absl::GetFlag(FLAGS_name));
  ASSIGN_OR_RETURN(v1::Organization org, client.Call(&DirectoryStub::CreateOrganization, request));
  std::cout << org.id() << "\n";
  return absl::OkStatus();
}

absl::Status ListOrgs() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  return client.ForEachPage(&DirectoryStub::ListOrganizations, v1::ListOrganizationsRequest(),
                            [](const v1::ListOrganizationsResponse& page) {
                              for (const v1::Organization& org : page.organizations()) {
                                std::cout << org.id() << "\t" << org.name() << "\n";
                              }
                            });
}

absl::Status CreateUser() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  const std::string role_name = absl::GetFlag(FLAGS_role).empty() ? "member"
                                                                  : absl::GetFlag(FLAGS_role);
  absl::StatusOr<v1::UserRole> role = ParseUserRole(role_name);
  if (!role.ok()) return UsageError(role.status().message());
  v1::CreateUserRequest request;
  v1::User& user = *request.mutable_user();
  user.set_organization_id(absl::GetFlag(FLAGS_org));
  user.set_username(absl::GetFlag(FLAGS_username));
  user.set_full_name(absl::GetFlag(FLAGS_full_name));
  user.set_title(absl::GetFlag(FLAGS_title));
  user.set_unit(absl::GetFlag(FLAGS_unit));
  user.set_phone(absl::GetFlag(FLAGS_phone));
  user.set_email(absl::GetFlag(FLAGS_email));
  user.set_role(*role);
  request.set_password(absl::GetFlag(FLAGS_password));
  ASSIGN_OR_RETURN(v1::User created, client.Call(&DirectoryStub::CreateUser, request));
  std::cout << created.id() << "\n";
  return absl::OkStatus();
}

absl::Status ListUsers() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::ListUsersRequest request;
  request.set_organization_id(absl::GetFlag(FLAGS_org));
  return client.ForEachPage(&DirectoryStub::ListUsers, request,
                            [](const v1::ListUsersResponse& page) {
                              for (const v1::User& user : page.users()) PrintUser(user);
                            });
}

absl::Status ImportUsers() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  ASSIGN_OR_RETURN(std::string csv, ReadFile(absl::GetFlag(FLAGS_csv)));
  v1::ImportUsersRequest request;
  request.set_organization_id(absl::GetFlag(FLAGS_org));
  request.set_csv(std::move(csv));
  ASSIGN_OR_RETURN(v1::ImportUsersResponse response,
                   client.Call(&DirectoryStub::ImportUsers, request));
  for (const v1::User& user : response.users()) PrintUser(user);
  std::cerr << "imported " << response.users_size() << " users\n";
  return absl::OkStatus();
}

absl::Status SetPassword() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::SetPasswordRequest request;
  request.set_user_id(absl::GetFlag(FLAGS_user));
  request.set_new_password(absl::GetFlag(FLAGS_password));
  request.set_old_password(absl::GetFlag(FLAGS_old_password));
  RETURN_IF_ERROR(client.Call(&DirectoryStub::SetPassword, request).status());
  std::cout << "password set; the user's other sessions have ended\n";
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> DirectoryCommands() {
  return {
      {.name = "org create",
       .summary = "create an organisation (admin); prints its id",
       .required = {"name"},
       .run = CreateOrg},
      {.name = "org list", .summary = "list organisations: id, name", .run = ListOrgs},
      {.name = "user create",
       .summary = "create a user (admin); prints the id",
       .required = {"org", "username", "full_name"},
       .optional = {"title", "unit", "phone", "email", "role", "password"},
       .run = CreateUser},
      {.name = "user list",
       .summary = "list an organisation's users: id, username, name, role, title, unit, phone, "
                  "email",
       .required = {"org"},
       .run = ListUsers},
      {.name = "user import",
       .summary = "create users from a UTF-8 CSV file, all or nothing (admin)",
       .required = {"org", "csv"},
       .run = ImportUsers},
      {.name = "user set-password",
       .summary = "set a user's password (admin, or yourself with --old_password)",
       .required = {"user", "password"},
       .optional = {"old_password"},
       .run = SetPassword},
  };
}

}  // namespace hopso::ctl
