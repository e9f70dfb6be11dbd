#include "server/services/auth_handler.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
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

constexpr absl::string_view kPairingPrefix = "HOPSO-PAIR:";
constexpr size_t kPairingCodeBytes = 18;  // 24 base64url characters
constexpr size_t kMaxEntries = 100000;

absl::Status WrongCredentials() {
  return absl::UnauthenticatedError("wrong username or password");
}

// How long the `failures`-th failure locks out: nothing for the first
// kFreeFailures - 1, then `base` doubling with each further one.
absl::Duration LockFor(int failures, absl::Duration base) {
  if (failures < AuthHandler::kFreeFailures) return absl::ZeroDuration();
  return std::min(AuthHandler::kMaxLock,
                  base * (1LL << std::min(failures - AuthHandler::kFreeFailures, 20)));
}

// A fresh session for `user_id`; the token goes to the client, its hash to the store.
SessionRecord NewSession(absl::string_view user_id, absl::Time now, std::string* token) {
  *token = Base64UrlEncode(RandomBytes(32));
  return SessionRecord{TokenHash(*token), std::string(user_id), absl::ToUnixMicros(now),
                       absl::ToUnixMicros(now + AuthHandler::kSessionLifetime)};
}

// Host names and addresses as tablets dial them: no spaces, and none of the
// payload's separators.
bool ValidServerAddress(absl::string_view address) {
  return !address.empty() && address.size() <= 255 &&
         std::all_of(address.begin(), address.end(), [](char ch) {
           return ch > ' ' && ch < 0x7f && ch != '@' && ch != '#';
         });
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
    const absl::Duration lock = LockFor(failures, absl::Seconds(1));
    const int64_t locked_until = lock > absl::ZeroDuration() ? absl::ToUnixMicros(now + lock) : 0;
    RETURN_IF_ERROR(store_.Write([&](Transaction& tx) {
      return tx.SetLoginThrottle(user->user.id(), failures, locked_until);
    }));
    return WrongCredentials();
  }
  std::string token;
  const SessionRecord session = NewSession(user->user.id(), now, &token);
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) -> absl::Status {
    if (user->failed_logins != 0) RETURN_IF_ERROR(tx.SetLoginThrottle(user->user.id(), 0, 0));
    return tx.InsertSession(session);
  }));
  response->set_token(token);
  response->mutable_expire_time()->set_unix_micros(session.expire_micros);
  *response->mutable_user() = user->user;
  return absl::OkStatus();
}

absl::Status AuthHandler::CreatePairingCode(const Caller& caller,
                                             const v1::CreatePairingCodeRequest& request,
                                             v1::PairingCode* response) {
  if (request.user_id().empty()) return absl::InvalidArgumentError("user_id is required");
  if (!ValidServerAddress(request.server_address())) {
    return absl::InvalidArgumentError(
        "server_address must be the host:port tablets dial (1 to 255 characters, no spaces, "
        "'@' or '#')");
  }
  const std::string code = Base64UrlEncode(RandomBytes(kPairingCodeBytes));
  const absl::Time now = absl::Now();
  PairingRecord record{TokenHash(code), request.user_id(), caller.user_id,
                       absl::ToUnixMicros(now),
                       absl::ToUnixMicros(now + options_.pairing_lifetime)};
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(UserRecord user, tx.GetUser(request.user_id()));
    RETURN_IF_ERROR(CheckUserAction("AuthService/CreatePairingCode", caller,
                                    user.user.organization_id(), user.user.id()));
    *response->mutable_user() = user.user;
    return tx.InsertPairingCode(record);
  }));
  response->set_code(code);
  response->mutable_expire_time()->set_unix_micros(record.expire_micros);
  response->set_payload(absl::StrCat(kPairingPrefix, code, "@", request.server_address(), "#",
                                     options_.tls_fingerprint));
  return absl::OkStatus();
}

absl::Status AuthHandler::CheckPairingThrottle(const std::string& peer, absl::Time now) {
  absl::MutexLock lock(&pairing_mu_);
  auto it = pairing_failures_.find(peer);
  if (it == pairing_failures_.end() || it->second.locked_until <= now) return absl::OkStatus();
  const int64_t wait_s = absl::ToInt64Seconds(it->second.locked_until - now) + 1;
  return absl::ResourceExhaustedError(absl::StrCat(
      "too many failed pairing attempts from this address; try again in ", wait_s, " seconds"));
}

void AuthHandler::RecordPairingResult(const std::string& peer, bool ok, absl::Time now) {
  absl::MutexLock lock(&pairing_mu_);
  if (ok) {
    pairing_failures_.erase(peer);
    return;
  }
  if (pairing_failures_.size() >= kMaxEntries) {
    for (auto it = pairing_failures_.begin(); it != pairing_failures_.end();) {
      if (it->second.locked_until <= now) {
        pairing_failures_.erase(it++);
      } else {
        ++it;
      }
    }
  }
  PairingFailures& failures = pairing_failures_[peer];
  ++failures.count;
  failures.locked_until = now + LockFor(failures.count, kPairingLock);
}

absl::Status AuthHandler::RedeemPairingCode(const Caller& caller,
                                            const v1::RedeemPairingCodeRequest& request,
                                            v1::LoginResponse* response) {
  const absl::Time now = absl::Now();
  RETURN_IF_ERROR(CheckPairingThrottle(caller.peer, now));
  std::string code(absl::StripAsciiWhitespace(request.code()));
  // A whole scanned payload is accepted as well as the bare code.
  if (absl::StartsWith(code, kPairingPrefix)) {
    code = code.substr(kPairingPrefix.size(), code.find('@') - kPairingPrefix.size());
  }
  std::string token;
  UserRecord user;
  SessionRecord session;
  absl::Status status = store_.Write([&](Transaction& tx) -> absl::Status {
    absl::StatusOr<PairingRecord> record =
        code.empty() || code.size() > 128
            ? absl::NotFoundError("no such pairing code")
            : tx.GetPairingCode(TokenHash(code));
    if (absl::IsNotFound(record.status())) {
      return absl::UnauthenticatedError("this pairing code is not valid; ask for a new one");
    }
    RETURN_IF_ERROR(record.status());
    if (record->used_micros != 0) {
      return absl::UnauthenticatedError(
          "this pairing code was already used; each code pairs one tablet once");
    }
    if (absl::ToUnixMicros(now) >= record->expire_micros) {
      return absl::UnauthenticatedError("this pairing code has expired; ask for a new one");
    }
    ASSIGN_OR_RETURN(user, tx.GetUser(record->user_id));
    session = NewSession(user.user.id(), now, &token);
    RETURN_IF_ERROR(tx.MarkPairingCodeUsed(record->code_hash, absl::ToUnixMicros(now)));
    return tx.InsertSession(session);
  });
  if (status.ok() || absl::IsUnauthenticated(status)) {
    RecordPairingResult(caller.peer, status.ok(), now);
  }
  RETURN_IF_ERROR(status);
  response->set_token(token);
  response->mutable_expire_time()->set_unix_micros(session.expire_micros);
  *response->mutable_user() = user.user;
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
    caller = Caller{user.user.id(), user.user.organization_id(), user.user.role(), hash,
                    /*peer=*/""};
    return absl::OkStatus();
  });
  RETURN_IF_ERROR(status);
  absl::MutexLock lock(&mu_);
  if (cache_.size() >= kMaxEntries) cache_.clear();
  cache_[hash] = Cached{caller, expire, now};
  return caller;
}

}  // namespace hopso::server
