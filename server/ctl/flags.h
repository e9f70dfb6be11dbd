// Every hopsoctl flag. One registry keeps flag names unique across command
// groups (--meeting means the same thing in `agenda` and in `watch`); each
// command lists the ones it accepts (see command.h).
#ifndef HOPSO_SERVER_CTL_FLAGS_H_
#define HOPSO_SERVER_CTL_FLAGS_H_

#include <cstdint>
#include <string>

#include "absl/flags/declare.h"

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

// Demo.
ABSL_DECLARE_FLAG(std::string, chair);
ABSL_DECLARE_FLAG(std::string, out);

#endif  // HOPSO_SERVER_CTL_FLAGS_H_
