#include "server/util/random_id.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>

#include "absl/strings/escaping.h"

namespace hopso::server {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    // Without randomness no id or token is safe to hand out.
    std::abort();
  }
  return out;
}

std::string NewId() {
  // Lower case without look-alikes (no l, o, 0, 1), for ids people read out.
  return Base32Encode(RandomBytes(10), "abcdefghijkmnpqrstuvwxyz23456789");
}

std::string Base32Encode(absl::string_view bytes, absl::string_view alphabet) {
  std::string out;
  out.reserve(bytes.size() * 8 / 5);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(alphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  return out;
}

std::string Base64UrlEncode(absl::string_view bytes) {
  std::string out = absl::WebSafeBase64Escape(bytes);
  return out;
}

bool Base64UrlDecode(absl::string_view text, std::string* bytes) {
  return absl::WebSafeBase64Unescape(text, bytes);
}

std::string Sha256(absl::string_view data) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::string HexEncode(absl::string_view bytes) { return absl::BytesToHexString(bytes); }

}  // namespace hopso::server
