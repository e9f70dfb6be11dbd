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

// Base32Encode
//
// Base32 of `bytes` (whose size is a multiple of 5, so no padding) in
// `alphabet` of 32 characters; RFC 4648's upper-case alphabet by default.
std::string Base32Encode(absl::string_view bytes,
                         absl::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");

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
