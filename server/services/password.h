// Password hashing with scrypt (memory-hard, from OpenSSL 3, so no new
// dependency): "scrypt$N$r$p$salt_b64$hash_b64".
#ifndef HOPSO_SERVER_SERVICES_PASSWORD_H_
#define HOPSO_SERVER_SERVICES_PASSWORD_H_

#include <string>

#include "absl/strings/string_view.h"

namespace hopso::server {

// HashPassword
//
// A fresh salt and scrypt with N=2^15, r=8, p=1 (32 MiB, ~50–100 ms here).
std::string HashPassword(absl::string_view password);

// VerifyPassword
//
// True when `password` matches `encoded`; false for an empty or malformed
// `encoded` (an account with no password cannot log in).
bool VerifyPassword(absl::string_view password, absl::string_view encoded);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_PASSWORD_H_
