// Organisations and users: DirectoryService logic, gRPC-free.
#ifndef HOPSO_SERVER_SERVICES_DIRECTORY_HANDLER_H_
#define HOPSO_SERVER_SERVICES_DIRECTORY_HANDLER_H_

#include "absl/status/status.h"
#include "hopso/v1/directory.pb.h"
#include "server/domain/permissions.h"
#include "server/services/auth_handler.h"
#include "server/store/store.h"

namespace hopso::server {

class DirectoryHandler {
 public:
  DirectoryHandler(Store& store, AuthHandler& auth) : store_(store), auth_(auth) {}

  absl::Status CreateOrganization(const Caller& caller, const v1::CreateOrganizationRequest& req,
                                  v1::Organization* org);
  absl::Status GetOrganization(const Caller& caller, const v1::GetOrganizationRequest& req,
                               v1::Organization* org);
  absl::Status ListOrganizations(const Caller& caller, const v1::ListOrganizationsRequest& req,
                                 v1::ListOrganizationsResponse* resp);
  absl::Status CreateUser(const Caller& caller, const v1::CreateUserRequest& req, v1::User* user);
  absl::Status GetUser(const Caller& caller, const v1::GetUserRequest& req, v1::User* user);
  absl::Status ListUsers(const Caller& caller, const v1::ListUsersRequest& req,
                         v1::ListUsersResponse* resp);
  absl::Status SetPassword(const Caller& caller, const v1::SetPasswordRequest& req,
                           v1::SetPasswordResponse* resp);
  absl::Status ImportUsers(const Caller& caller, const v1::ImportUsersRequest& req,
                           v1::ImportUsersResponse* resp);

 private:
  Store& store_;
  AuthHandler& auth_;
};

// ValidateNewUser
//
// INVALID_ARGUMENT, naming the field, for a user that may not be created as
// given (username of 3–64 of a-z 0-9 . _ -, a full name, sane lengths, a
// known role; a password, when given, of at least 8 characters).
absl::Status ValidateNewUser(const v1::User& user, absl::string_view password);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_DIRECTORY_HANDLER_H_
