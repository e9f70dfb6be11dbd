#include "server/ctl/flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, server, "",
          "hopsod address HOST:PORT (default: $HOPSO_SERVER, else 127.0.0.1:7443)");
ABSL_FLAG(std::string, ca_file, "",
          "PEM root certificate to trust (default: DATA_DIR/tls/server.crt when --data_dir is "
          "given, else the system roots)");
ABSL_FLAG(bool, insecure, false, "talk to hopsod without TLS (it must run with --insecure)");
ABSL_FLAG(std::string, token, "",
          "session token (default: $HOPSO_TOKEN, else the file written by `hopsoctl login`)");
ABSL_FLAG(std::string, data_dir, "", "hopsod's data directory (holds hopso.db and tls/)");

ABSL_FLAG(std::string, username, "", "login name");
ABSL_FLAG(std::string, password, "", "password");
ABSL_FLAG(std::string, old_password, "", "current password (when changing your own)");
ABSL_FLAG(std::string, admin_username, "admin", "the administrator's login name");
ABSL_FLAG(std::string, admin_password, "", "the administrator's password");
ABSL_FLAG(std::string, name, "", "organisation name");
ABSL_FLAG(std::string, org, "", "organisation id");
ABSL_FLAG(std::string, user, "", "user id");
ABSL_FLAG(std::string, full_name, "", "full name (họ và tên)");
ABSL_FLAG(std::string, unit, "", "unit (đơn vị)");
ABSL_FLAG(std::string, phone, "", "phone number");
ABSL_FLAG(std::string, email, "", "e-mail address");
ABSL_FLAG(std::string, role, "",
          "user role: member|secretary|admin; meeting role: chair|secretary|delegate|guest");
ABSL_FLAG(std::string, csv, "",
          "UTF-8 CSV file: username,full_name,title,unit,phone,email[,role][,password]");

ABSL_FLAG(std::string, id, "", "meeting id");
ABSL_FLAG(std::string, meeting, "", "meeting id");
ABSL_FLAG(std::string, title, "",
          "meeting, agenda item or document title; a user's title (chức vụ)");
ABSL_FLAG(std::string, place, "", "where the meeting takes place");
ABSL_FLAG(std::string, start, "",
          "start time, \"2026-12-01T08:00\" (Vietnam time, +07:00) or RFC 3339");
ABSL_FLAG(std::string, end, "", "end time, same forms as --start");
ABSL_FLAG(std::string, item, "", "agenda item id");
ABSL_FLAG(std::string, parent, "", "parent agenda item id (empty: top level)");
ABSL_FLAG(std::string, presenter, "", "who presents the agenda item");
ABSL_FLAG(int32_t, minutes, 0, "planned duration in minutes");
ABSL_FLAG(int32_t, index, -1, "position among the siblings, from 0 (-1 appends)");
ABSL_FLAG(int64_t, after, 0, "replay events after this sequence number");

ABSL_FLAG(std::string, document, "", "document id");
ABSL_FLAG(std::string, file, "",
          "file to upload: PDF, or .docx/.doc/.odt when the server has LibreOffice");
ABSL_FLAG(std::string, version, "",
          "a document version: the hex SHA-256 shown by `versions` (default: the current one)");
ABSL_FLAG(int32_t, chunk_kib, 1024, "upload chunk size in KiB (1 to 4096)");
ABSL_FLAG(std::string, allow, "",
          "comma-separated user ids who may see a confidential document besides the "
          "meeting's secretaries");
ABSL_FLAG(bool, off, false, "make the document visible to every participant again");
ABSL_FLAG(std::string, payload, "", "a scanned QR payload (\"HOPSO:...\") or a bare code");
ABSL_FLAG(int32_t, page, 0, "1-based page the QR code opens the document at (0: none)");
ABSL_FLAG(std::string, address, "",
          "host:port the tablets dial, put into the pairing code (default: --server)");
ABSL_FLAG(std::string, png, "", "also write the QR code to this PNG file");

ABSL_FLAG(std::string, chair, "khoa.phan", "username of the demo meeting's chair (chủ tọa)");
ABSL_FLAG(std::string, out, "",
          "where to write: a file (download, handout, poster) or a directory (demo play)");
