// Every hopsoctl flag. One registry keeps flag names unique across command
// groups (--meeting means the same thing in `agenda` and in `watch`); each
// command lists the ones it accepts (see command.h).
#ifndef HOPSO_SERVER_CTL_FLAGS_H_
#define HOPSO_SERVER_CTL_FLAGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/strings/string_view.h"

namespace hopso::ctl {

// RepeatedFlag
//
// The value of a flag that may be given several times, each value kept whole
// (commas and all): `--option "Sở Văn hóa, Thể thao" --option "Sở Y tế"`.
// ParseCommandLine joins the occurrences with newlines before parsing.
struct RepeatedFlag {
  std::vector<std::string> values;
};
bool AbslParseFlag(absl::string_view text, RepeatedFlag* flag, std::string* error);
std::string AbslUnparseFlag(const RepeatedFlag& flag);

}  // namespace hopso::ctl

// Connection (accepted by every command that talks to hopsod).
ABSL_DECLARE_FLAG(std::string, server);
ABSL_DECLARE_FLAG(std::string, ca_file);
ABSL_DECLARE_FLAG(bool, insecure);
ABSL_DECLARE_FLAG(std::string, token);
ABSL_DECLARE_FLAG(std::string, data_dir);

// Accounts and the directory.
ABSL_DECLARE_FLAG(std::string, username);
ABSL_DECLARE_FLAG(std::string, password);
ABSL_DECLARE_FLAG(std::string, old_password);
ABSL_DECLARE_FLAG(std::string, admin_username);
ABSL_DECLARE_FLAG(std::string, admin_password);
ABSL_DECLARE_FLAG(std::string, name);
ABSL_DECLARE_FLAG(std::string, org);
ABSL_DECLARE_FLAG(std::string, user);
ABSL_DECLARE_FLAG(std::string, full_name);
ABSL_DECLARE_FLAG(std::string, unit);
ABSL_DECLARE_FLAG(std::string, phone);
ABSL_DECLARE_FLAG(std::string, email);
ABSL_DECLARE_FLAG(std::string, role);
ABSL_DECLARE_FLAG(std::string, csv);

// Meetings and agendas.
ABSL_DECLARE_FLAG(std::string, id);
ABSL_DECLARE_FLAG(std::string, meeting);
ABSL_DECLARE_FLAG(std::string, title);
ABSL_DECLARE_FLAG(std::string, place);
ABSL_DECLARE_FLAG(std::string, start);
ABSL_DECLARE_FLAG(std::string, end);
ABSL_DECLARE_FLAG(std::string, item);
ABSL_DECLARE_FLAG(std::string, parent);
ABSL_DECLARE_FLAG(std::string, presenter);
ABSL_DECLARE_FLAG(int32_t, minutes);
ABSL_DECLARE_FLAG(int32_t, index);
ABSL_DECLARE_FLAG(int64_t, after);

// Documents and QR codes.
ABSL_DECLARE_FLAG(std::string, document);
ABSL_DECLARE_FLAG(std::string, file);
ABSL_DECLARE_FLAG(std::string, version);
ABSL_DECLARE_FLAG(int32_t, chunk_kib);
ABSL_DECLARE_FLAG(std::string, allow);
ABSL_DECLARE_FLAG(bool, off);
ABSL_DECLARE_FLAG(std::string, payload);
ABSL_DECLARE_FLAG(int32_t, page);

// Pairing.
ABSL_DECLARE_FLAG(std::string, address);
ABSL_DECLARE_FLAG(std::string, png);

// Attendance (điểm danh) and the room code.
ABSL_DECLARE_FLAG(std::string, status);
ABSL_DECLARE_FLAG(std::string, reason);
ABSL_DECLARE_FLAG(bool, late);
ABSL_DECLARE_FLAG(std::string, giver);
ABSL_DECLARE_FLAG(std::string, holder);
ABSL_DECLARE_FLAG(std::string, quorum);
ABSL_DECLARE_FLAG(bool, strict);
ABSL_DECLARE_FLAG(int32_t, max_proxies);
ABSL_DECLARE_FLAG(std::string, proxies_count);
ABSL_DECLARE_FLAG(int32_t, speaking_limit);
ABSL_DECLARE_FLAG(std::string, code);
ABSL_DECLARE_FLAG(bool, online);
ABSL_DECLARE_FLAG(bool, watch);

// Polls (biểu quyết) and speakers.
ABSL_DECLARE_FLAG(std::string, poll);
ABSL_DECLARE_FLAG(std::string, kind);
ABSL_DECLARE_FLAG(hopso::ctl::RepeatedFlag, option);
ABSL_DECLARE_FLAG(bool, secret);
ABSL_DECLARE_FLAG(std::string, rule);
ABSL_DECLARE_FLAG(std::string, tie);
ABSL_DECLARE_FLAG(int32_t, seats);
ABSL_DECLARE_FLAG(int32_t, min);
ABSL_DECLARE_FLAG(int32_t, max);
ABSL_DECLARE_FLAG(bool, allow_change);
ABSL_DECLARE_FLAG(bool, allow_abstain);
ABSL_DECLARE_FLAG(std::string, for);
ABSL_DECLARE_FLAG(std::string, ballot_id);
ABSL_DECLARE_FLAG(std::string, receipt);
ABSL_DECLARE_FLAG(std::string, request);
ABSL_DECLARE_FLAG(int32_t, limit);
ABSL_DECLARE_FLAG(std::string, topic);

// Signing.
ABSL_DECLARE_FLAG(std::string, pin);
ABSL_DECLARE_FLAG(std::string, new_pin);
ABSL_DECLARE_FLAG(std::string, issuer);
ABSL_DECLARE_FLAG(std::string, number);
ABSL_DECLARE_FLAG(hopso::ctl::RepeatedFlag, conclusion);
ABSL_DECLARE_FLAG(hopso::ctl::RepeatedFlag, signer);

// Demo.
ABSL_DECLARE_FLAG(std::string, chair);
ABSL_DECLARE_FLAG(std::string, out);

#endif  // HOPSO_SERVER_CTL_FLAGS_H_
