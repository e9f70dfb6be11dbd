#include "server/ctl/flags.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace hopso::ctl {

bool AbslParseFlag(absl::string_view text, RepeatedFlag* flag, std::string* error) {
  flag->values.clear();
  if (!text.empty()) flag->values = absl::StrSplit(text, '\n');
  return true;
}

std::string AbslUnparseFlag(const RepeatedFlag& flag) { return absl::StrJoin(flag.values, "\n"); }

}  // namespace hopso::ctl

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

ABSL_FLAG(std::string, status, "",
          "attendance: present (có mặt), online (trực tuyến) or absent (vắng)");
ABSL_FLAG(std::string, reason, "", "why absent, or a note (lý do)");
ABSL_FLAG(bool, late, false, "arrived late (đến muộn)");
ABSL_FLAG(std::string, giver, "", "the absent member who gives their vote: user id or username");
ABSL_FLAG(std::string, holder, "", "the present member who holds the proxy: user id or username");
ABSL_FLAG(std::string, quorum, "",
          "quorum as a fraction of the members: \"more than 1/2\", \"at least 2/3\", or "
          "\"2/3\" (at least; more than with --strict)");
ABSL_FLAG(bool, strict, false, "a bare --quorum fraction means \"more than\"");
ABSL_FLAG(int32_t, max_proxies, -1, "proxies one member may hold, 0 for none (-1: unchanged)");
ABSL_FLAG(std::string, proxies_count, "",
          "yes|no: members represented by a proxy count towards the quorum (empty: unchanged)");
ABSL_FLAG(int32_t, speaking_limit, -1,
          "default speaking time in seconds, 0 for none (-1: unchanged)");
ABSL_FLAG(std::string, code, "",
          "the room code, or the scanned payload \"HOPSO-ROOM:<meeting>:<code>\"");
ABSL_FLAG(bool, online, false, "attending from elsewhere (trực tuyến)");
ABSL_FLAG(bool, watch, false, "redraw whenever the code changes, until interrupted");

ABSL_FLAG(std::string, poll, "", "poll id");
ABSL_FLAG(std::string, kind, "",
          "poll kind: yesno|single|multiple|election; request to speak: "
          "contribution|question|order (default contribution)");
ABSL_FLAG(hopso::ctl::RepeatedFlag, option, {},
          "an option: its label (poll create) or its id (poll vote); repeat for several");
ABSL_FLAG(bool, secret, false, "secret ballot (bỏ phiếu kín); default named (công khai)");
ABSL_FLAG(std::string, rule, "",
          "majority rule: \"more than|at least P/Q of votes-cast|"
          "votes-cast-excluding-abstentions|present|all-members\" "
          "(default: more than 1/2 of votes-cast)");
ABSL_FLAG(std::string, tie, "",
          "when the count lands on a strict rule's threshold: fails|chair (default fails)");
ABSL_FLAG(int32_t, seats, 0, "election: seats to fill");
ABSL_FLAG(int32_t, min, 0, "multiple choice: fewest options a ballot chooses");
ABSL_FLAG(int32_t, max, 0, "multiple choice: most options a ballot chooses");
ABSL_FLAG(bool, allow_change, false, "voters may change their ballot until the poll closes");
ABSL_FLAG(bool, allow_abstain, false, "add an abstention option to a choice poll or election");
ABSL_FLAG(std::string, for, "",
          "vote for this member, whose proxy you hold: user id, full name or username");
ABSL_FLAG(std::string, ballot_id, "",
          "the ballot's id, to retry or change it (default: 128 random bits)");
ABSL_FLAG(std::string, receipt, "", "a secret ballot's receipt, to find in the published list");
ABSL_FLAG(std::string, request, "", "request id: a request to speak or a signature request");
ABSL_FLAG(int32_t, limit, 0, "speaking time in seconds (0: the meeting's default)");
ABSL_FLAG(std::string, topic, "", "what you want to speak about");

// Signing.
ABSL_FLAG(std::string, pin, "",
          "signing PIN (read from the first line of stdin when not given, so it stays out of "
          "the process list)");
ABSL_FLAG(std::string, new_pin, "", "the new signing PIN (6-32 characters)");
ABSL_FLAG(std::string, issuer, "org",
          "who certifies a new key: org (the organisation CA) or outside (prints a request)");
ABSL_FLAG(std::string, number, "", "the minutes' number, e.g. 12/BB-UBND");
ABSL_FLAG(hopso::ctl::RepeatedFlag, conclusion, {},
          "a paragraph of the closing conclusions (kết luận); repeat for more");
ABSL_FLAG(hopso::ctl::RepeatedFlag, signer, {},
          "user id of a signer, in signing order (default: the chair, then the secretary)");

ABSL_FLAG(std::string, chair, "khoa.phan", "username of the demo meeting's chair (chủ tọa)");
ABSL_FLAG(std::string, out, "",
          "where to write: a file (download, handout, poster) or a directory (demo play)");
