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

struct AuthOptions {
  // Lowercase hex SHA-256 of the server certificate (DER) that pairing
  // payloads carry; empty when serving without TLS.
  std::string tls_fingerprint;
  absl::Duration pairing_lifetime = absl::Minutes(10);
};

class AuthHandler {
 public:
  static constexpr absl::Duration kSessionLifetime = absl::Hours(24);
  // Failed logins allowed before each further one locks the account for a
  // doubling time, capped at kMaxLock.
  static constexpr int kFreeFailures = 5;
  static constexpr absl::Duration kMaxLock = absl::Minutes(15);

  // Failed pairing attempts from one address allowed before each further one
  // locks that address out for a doubling time from kPairingLock: a code is
  // scanned, never typed, so repeated failures are guessing.
  static constexpr absl::Duration kPairingLock = absl::Seconds(30);

  explicit AuthHandler(Store& store, AuthOptions options = {})
      : store_(store), options_(std::move(options)) {}

  absl::Status Login(const v1::LoginRequest& request, v1::LoginResponse* response);
  absl::Status CreatePairingCode(const Caller& caller, const v1::CreatePairingCodeRequest& request,
                                 v1::PairingCode* response);
  // `caller` is unauthenticated; its peer address is what failures are
  // counted against.
  absl::Status RedeemPairingCode(const Caller& caller, const v1::RedeemPairingCodeRequest& request,
                                 v1::LoginResponse* response);
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

  struct PairingFailures {
    int count = 0;
    absl::Time locked_until;
  };
  // Checks and records failed pairing attempts from `peer`.
  absl::Status CheckPairingThrottle(const std::string& peer, absl::Time now);
  void RecordPairingResult(const std::string& peer, bool ok, absl::Time now);

  Store& store_;
  const AuthOptions options_;
  absl::Mutex pairing_mu_;
  absl::flat_hash_map<std::string, PairingFailures> pairing_failures_ ABSL_GUARDED_BY(pairing_mu_);
  absl::Mutex mu_;
  // Sessions recently seen, so that most calls cost no database read.
  absl::flat_hash_map<std::string, Cached> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_AUTH_HANDLER_H_
