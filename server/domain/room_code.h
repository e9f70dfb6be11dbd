// Rotating room codes: an HMAC-SHA-256 of the meeting's secret and the
// 30-second time step (as in TOTP, RFC 6238), shown as a QR code in the room.
// A code is accepted in its own step and one step either side.
#ifndef HOPSO_SERVER_DOMAIN_ROOM_CODE_H_
#define HOPSO_SERVER_DOMAIN_ROOM_CODE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hopso::server {

inline constexpr int kRoomCodeStepSeconds = 30;
inline constexpr char kRoomCodePrefix[] = "HOPSO-ROOM:";

// The time step of `unix_micros`.
int64_t RoomCodeStep(int64_t unix_micros);

// The 8-character code of `step` (from "23456789ABCDEFGHJKMNPQRSTUVWXYZ", no
// look-alikes): HMAC-SHA-256(secret, step as 8 big-endian bytes), its first
// 8 bytes read big-endian and written as 8 base-31 digits (about 39.6 bits).
std::string RoomCodeAt(absl::string_view secret, int64_t step);

// "HOPSO-ROOM:<meeting id>:<code>".
std::string RoomCodePayload(absl::string_view meeting_id, absl::string_view code);

// CheckRoomCode
//
// `input` is a bare code (any case, spaces ignored) or a whole payload.
// INVALID_ARGUMENT when it is neither; PERMISSION_DENIED when the payload
// names another meeting ("this room code is for another meeting") or the
// code is not the code of step-1, step or step+1 at `now_micros` ("the room
// code has expired or is wrong; scan the code on the screen again").
// Compares in constant time.
absl::Status CheckRoomCode(absl::string_view secret, absl::string_view meeting_id,
                           absl::string_view input, int64_t now_micros);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_DOMAIN_ROOM_CODE_H_
