#include "server/domain/room_code.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hopso::server {
namespace {

constexpr absl::string_view kAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
constexpr int kCodeLength = 8;

}  // namespace

int64_t RoomCodeStep(int64_t unix_micros) {
  constexpr int64_t kStepMicros = int64_t{kRoomCodeStepSeconds} * 1'000'000;
  // Floor division, so that a step never straddles zero.
  int64_t step = unix_micros / kStepMicros;
  if (unix_micros % kStepMicros < 0) --step;
  return step;
}

std::string RoomCodeAt(absl::string_view secret, int64_t step) {
  unsigned char message[8];
  const uint64_t counter = static_cast<uint64_t>(step);
  for (int i = 0; i < 8; ++i) message[i] = static_cast<unsigned char>(counter >> (56 - 8 * i));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), message, sizeof message,
       digest, &digest_len);
  // The first 64 bits of the digest written in base 31 with 8 digits: 31^8
  // (about 2^39.6) divides 2^64 with a remainder so small (under 2^-24 of
  // the range) that the digits are uniform for every practical purpose,
  // unlike taking each byte modulo 31.
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | digest[i];
  std::string code(kCodeLength, ' ');
  for (int i = kCodeLength - 1; i >= 0; --i) {
    code[i] = kAlphabet[value % kAlphabet.size()];
    value /= kAlphabet.size();
  }
  return code;
}

std::string RoomCodePayload(absl::string_view meeting_id, absl::string_view code) {
  return absl::StrCat(kRoomCodePrefix, meeting_id, ":", code);
}

absl::Status CheckRoomCode(absl::string_view secret, absl::string_view meeting_id,
                           absl::string_view input, int64_t now_micros) {
  // People type codes with spaces ("ABCD EFGH"); ids and payloads have none.
  std::string compact;
  for (char c : input) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) compact.push_back(c);
  }
  absl::string_view code = compact;
  if (absl::StartsWithIgnoreCase(code, kRoomCodePrefix)) {
    absl::string_view rest = code.substr(sizeof(kRoomCodePrefix) - 1);
    const size_t colon = rest.rfind(':');
    if (colon == absl::string_view::npos || colon == 0) {
      return absl::InvalidArgumentError(
          "this QR code is not a Hopso room code (expected HOPSO-ROOM:<meeting>:<code>)");
    }
    if (rest.substr(0, colon) != meeting_id) {
      return absl::PermissionDeniedError("this room code is for another meeting");
    }
    code = rest.substr(colon + 1);
  }
  std::string upper = absl::AsciiStrToUpper(code);
  if (upper.size() != kCodeLength ||
      absl::string_view(upper).find_first_not_of(kAlphabet) != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("a room code is ", kCodeLength, " letters and digits as shown on the screen (",
                     kAlphabet, "); scan the code on the screen again"));
  }
  const int64_t step = RoomCodeStep(now_micros);
  // Every candidate is compared, in constant time, so that timing tells
  // nothing about which step (or how much of a code) matched.
  bool match = false;
  for (int64_t s = step - 1; s <= step + 1; ++s) {
    const std::string expected = RoomCodeAt(secret, s);
    match |= CRYPTO_memcmp(expected.data(), upper.data(), kCodeLength) == 0;
  }
  if (!match) {
    return absl::PermissionDeniedError(
        "the room code has expired or is wrong; scan the code on the screen again");
  }
  return absl::OkStatus();
}

}  // namespace hopso::server
