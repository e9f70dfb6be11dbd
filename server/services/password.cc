#include "server/services/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/util/random_id.h"

namespace hopso::server {
namespace {

constexpr uint64_t kN = 1 << 15;
constexpr uint64_t kR = 8;
constexpr uint64_t kP = 1;
constexpr size_t kHashBytes = 32;
constexpr uint64_t kMaxMemory = 256ull << 20;

bool Scrypt(absl::string_view password, absl::string_view salt, uint64_t n, uint64_t r,
            uint64_t p, std::string* out) {
  out->assign(kHashBytes, '\0');
  return EVP_PBE_scrypt(password.data(), password.size(),
                        reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), n, r, p,
                        kMaxMemory, reinterpret_cast<unsigned char*>(out->data()),
                        out->size()) == 1;
}

}  // namespace

std::string HashPassword(absl::string_view password) {
  const std::string salt = RandomBytes(16);
  std::string hash;
  if (!Scrypt(password, salt, kN, kR, kP, &hash)) std::abort();  // fixed, valid parameters
  return absl::StrCat("scrypt$", kN, "$", kR, "$", kP, "$", Base64UrlEncode(salt), "$",
                      Base64UrlEncode(hash));
}

bool VerifyPassword(absl::string_view password, absl::string_view encoded) {
  std::vector<absl::string_view> parts = absl::StrSplit(encoded, '$');
  uint64_t n, r, p;
  std::string salt, expected, actual;
  if (parts.size() != 6 || parts[0] != "scrypt" || !absl::SimpleAtoi(parts[1], &n) ||
      !absl::SimpleAtoi(parts[2], &r) || !absl::SimpleAtoi(parts[3], &p) ||
      !Base64UrlDecode(parts[4], &salt) || !Base64UrlDecode(parts[5], &expected) ||
      expected.size() != kHashBytes || n > (1 << 20) || r > 32 || p > 16) {
    return false;
  }
  if (!Scrypt(password, salt, n, r, p, &actual)) return false;
  return CRYPTO_memcmp(actual.data(), expected.data(), kHashBytes) == 0;
}

}  // namespace hopso::server
