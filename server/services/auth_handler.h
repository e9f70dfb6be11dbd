// Logging in and out, and turning a bearer token into a Caller. gRPC-free.
#ifndef HOPSO_SERVER_SERVICES_AUTH_HANDLER_H_
#define HOPSO_SERVER_SERVICES_AUTH_HANDLER_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hopso/v1/auth.pb.h"
#include "server/domain/permissions.h"
#include "server/store/store.h"

namespace hopso::server {

// TokenHash
//
// What the store keeps of a session token: its SHA-256.
std::string TokenHash(absl::string_view token);

class AuthHandler {
 public:
  static constexpr absl::Duration kSessionLifetime = absl::Hours(24);
  // Failed logins allowed before each further one locks the account for a
  // doubling time, capped at kMaxLock.
  static constexpr int kFreeFailures = 5;
  static constexpr absl::Duration kMaxLock = absl::Minutes(15);

  explicit AuthHandler(Store& store) : store_(store) {}

  absl::Status Login(const v1::LoginRequest& request, v1::LoginResponse* response);
  absl::Status Logout(const Caller& caller);
  absl::Status WhoAmI(const Caller& caller, v1::WhoAmIResponse* response);

  // Authenticate
  //
  // The caller behind an `authorization` metadata value ("Bearer <token>").
  // UNAUTHENTICATED, saying why, when it is missing, unknown or expired.
  absl::StatusOr<Caller> Authenticate(absl::string_view authorization);

  // Forget cached sessions of a user whose sessions were ended elsewhere.
  void Evict(const std::vector<std::string>& token_hashes);

 private:
  struct Cached {
    Caller caller;
    absl::Time expire;
    absl::Time cached_at;
  };

  Store& store_;
  absl::Mutex mu_;
  // Sessions recently seen, so that most calls cost no database read.
  absl::flat_hash_map<std::string, Cached> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_AUTH_HANDLER_H_
