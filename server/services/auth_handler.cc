#include "server/services/auth_handler.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/services/password.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

namespace hopso::server {
namespace {

// How long a cached session is trusted before it is read again, so that a
// logout on another replica takes effect within this time.
constexpr absl::Duration kCacheTtl = absl::Seconds(30);
constexpr size_t kMaxCached = 100000;

absl::Status WrongCredentials() {
  return absl::UnauthenticatedError("wrong username or password");
}

}  // namespace

std::string TokenHash(absl::string_view token) { return Sha256(token); }

absl::Status AuthHandler::Login(const v1::LoginRequest& request, v1::LoginResponse* response) {
  if (request.username().empty() || request.password().empty()) {
    return absl::InvalidArgumentError("username and password are required");
  }
  if (request.username().size() > 64 || request.password().size() > 1024) return WrongCredentials();
  const absl::Time now = absl::Now();
  absl::StatusOr<UserRecord> user;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    user = tx.GetUserByUsername(request.username());
    return absl::OkStatus();
  }));
  if (!user.ok()) {
    if (!absl::IsNotFound(user.status())) return user.status();
    // Spend the same time as a real check, so timing does not tell which usernames exist.
    static const std::string* const kDecoy = new std::string(HashPassword("decoy"));
    VerifyPassword(request.password(), *kDecoy);
    return WrongCredentials();
  }
  if (user->locked_until_micros > absl::ToUnixMicros(now)) {
    const int64_t wait_s = (user->locked_until_micros - absl::ToUnixMicros(now)) / 1000000 + 1;
    return absl::ResourceExhaustedError(absl::StrCat(
        "too many failed logins for this account; try again in ", wait_s, " seconds"));
  }
  // scrypt runs outside any transaction: it takes tens of milliseconds.
  if (!VerifyPassword(request.password(), user->password_hash)) {
    const int failures = user->failed_logins + 1;
    int64_t locked_until = 0;
    if (failures >= kFreeFailures) {
      const absl::Duration lock =
          std::min(kMaxLock, absl::Seconds(1LL << std::min(failures - kFreeFailures, 20)));
      locked_until = absl::ToUnixMicros(now + lock);
    }
    RETURN_IF_ERROR(store_.Write([&](Transaction& tx) {
      return tx.SetLoginThrottle(user->user.id(), failures, locked_until);
    }));
    return WrongCredentials();
  }
  const std::string token = Base64UrlEncode(RandomBytes(32));
  SessionRecord session{TokenHash(token), user->user.id(), absl::ToUnixMicros(now),
                        absl::ToUnixMicros(now + kSessionLifetime)};
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) -> absl::Status {
    if (user->failed_logins != 0) RETURN_IF_ERROR(tx.SetLoginThrottle(user->user.id(), 0, 0));
    return tx.InsertSession(session);
  }));
  response->set_token(token);
  response->mutable_expire_time()->set_unix_micros(session.expire_micros);
  *response->mutable_user() = user->user;
  return absl::OkStatus();
}

absl::Status AuthHandler::Logout(const Caller& caller) {
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) { return tx.DeleteSession(caller.session_hash); }));
  Evict({caller.session_hash});
  return absl::OkStatus();
}

absl::Status AuthHandler::WhoAmI(const Caller& caller, v1::WhoAmIResponse* response) {
  return store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(UserRecord user, tx.GetUser(caller.user_id));
    ASSIGN_OR_RETURN(SessionRecord session, tx.GetSession(caller.session_hash));
    *response->mutable_user() = user.user;
    response->mutable_session_expire_time()->set_unix_micros(session.expire_micros);
    return absl::OkStatus();
  });
}

void AuthHandler::Evict(const std::vector<std::string>& token_hashes) {
  absl::MutexLock lock(&mu_);
  for (const std::string& hash : token_hashes) cache_.erase(hash);
}

absl::StatusOr<Caller> AuthHandler::Authenticate(absl::string_view authorization) {
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        "this call needs a session: log in and send 'authorization: Bearer <token>'");
  }
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(authorization, kBearer)) {
    return absl::UnauthenticatedError("the authorization metadata must be 'Bearer <token>'");
  }
  const std::string hash = TokenHash(authorization.substr(kBearer.size()));
  const absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && now - it->second.cached_at < kCacheTtl) {
      if (now >= it->second.expire) {
        cache_.erase(it);
        return absl::UnauthenticatedError("the session has expired; log in again");
      }
      return it->second.caller;
    }
  }
  Caller caller;
  absl::Time expire;
  absl::Status status = store_.Read([&](Transaction& tx) -> absl::Status {
    absl::StatusOr<SessionRecord> session = tx.GetSession(hash);
    if (absl::IsNotFound(session.status())) {
      return absl::UnauthenticatedError("the session token is not valid; log in again");
    }
    RETURN_IF_ERROR(session.status());
    expire = absl::FromUnixMicros(session->expire_micros);
    if (now >= expire) return absl::UnauthenticatedError("the session has expired; log in again");
    ASSIGN_OR_RETURN(UserRecord user, tx.GetUser(session->user_id));
    caller = Caller{user.user.id(), user.user.organization_id(), user.user.role(), hash};
    return absl::OkStatus();
  });
  RETURN_IF_ERROR(status);
  absl::MutexLock lock(&mu_);
  if (cache_.size() >= kMaxCached) cache_.clear();
  cache_[hash] = Cached{caller, expire, now};
  return caller;
}

}  // namespace hopso::server
