// Random identifiers and secrets from OpenSSL's CSPRNG.
#ifndef HOPSO_SERVER_UTIL_RANDOM_ID_H_
#define HOPSO_SERVER_UTIL_RANDOM_ID_H_

#include <string>

#include "absl/strings/string_view.h"

namespace hopso::server {

// NewId
//
// A new 80-bit random id in lowercase base32 (16 characters), e.g.
// "k3xq7m2pa9dtw4ns". Unguessable, so knowing an id grants nothing and ids
// made on different replicas never collide in practice.
std::string NewId();

// RandomBytes
//
// `n` bytes from the CSPRNG.
std::string RandomBytes(size_t n);

// Base64UrlEncode / Base64UrlDecode
//
// Unpadded base64url, for tokens that travel in metadata.
std::string Base64UrlEncode(absl::string_view bytes);
bool Base64UrlDecode(absl::string_view text, std::string* bytes);

// Sha256
//
// The raw 32-byte SHA-256 digest of `data`.
std::string Sha256(absl::string_view data);

// HexEncode
std::string HexEncode(absl::string_view bytes);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_UTIL_RANDOM_ID_H_
