#include "server/ctl/signing_text.h"

#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace hopso::ctl {

std::string LocalTime(const v1::Timestamp& t) {
  if (t.unix_micros() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S +07", absl::FromUnixMicros(t.unix_micros()),
                          absl::FixedTimeZone(7 * 3600));
}

namespace {

absl::string_view KeyStateName(v1::SigningKeyState state) {
  switch (state) {
    case v1::SIGNING_KEY_STATE_AWAITING_CERTIFICATE:
      return "awaiting-certificate";
    case v1::SIGNING_KEY_STATE_AWAITING_PIN:
      return "awaiting-pin";
    case v1::SIGNING_KEY_STATE_READY:
      return "ready";
    case v1::SIGNING_KEY_STATE_LOCKED:
      return "locked";
    default:
      return "unknown";
  }
}

absl::string_view SignatureStateName(v1::SignatureState state) {
  switch (state) {
    case v1::SIGNATURE_STATE_WAITING:
      return "waiting";
    case v1::SIGNATURE_STATE_PENDING:
      return "pending";
    case v1::SIGNATURE_STATE_SIGNED:
      return "signed";
    case v1::SIGNATURE_STATE_DECLINED:
      return "declined";
    default:
      return "unknown";
  }
}

absl::string_view MinutesStateName(v1::MinutesState state) {
  switch (state) {
    case v1::MINUTES_STATE_NONE:
      return "none";
    case v1::MINUTES_STATE_DRAFT:
      return "draft";
    case v1::MINUTES_STATE_SIGNING:
      return "signing";
    case v1::MINUTES_STATE_SIGNED:
      return "signed";
    case v1::MINUTES_STATE_DECLINED:
      return "declined";
    default:
      return "unknown";
  }
}

}  // namespace

std::string KeyText(const v1::SigningKey& key) {
  return absl::StrCat("user ", key.user_id(), "\nstate ", KeyStateName(key.state()),
                      "\nsubject ", key.subject(), "\nnot-after ", LocalTime(key.not_after()),
                      "\npin-tries-left ", key.pin_tries_left(), "\n");
}

std::string RequestLine(const v1::SignatureRequest& r) {
  std::string line = absl::StrCat(r.id(), "  ", r.order(), ". ", r.role_text(), "  ",
                                  r.signer_name(), "  ", SignatureStateName(r.state()));
  if (r.state() == v1::SIGNATURE_STATE_SIGNED) {
    absl::StrAppend(&line, "  v", r.signed_version(), "  ", LocalTime(r.decide_time()),
                    r.timestamped() ? "  timestamped" : "");
  }
  if (r.state() == v1::SIGNATURE_STATE_DECLINED) absl::StrAppend(&line, "  ", r.decline_reason());
  return line;
}

std::string MinutesText(const v1::Minutes& m) {
  std::string text = absl::StrCat("meeting ", m.meeting_id(), "\nstate ",
                                  MinutesStateName(m.state()), "\ndocument ", m.document_id(),
                                  "\nversion ", m.version(), "\nnumber ", m.number(),
                                  "\nrecord events 1-", m.record_seq(), "\n");
  for (const v1::SignatureRequest& r : m.signatures()) absl::StrAppend(&text, RequestLine(r), "\n");
  return text;
}

namespace {

absl::string_view ChangesText(v1::ChangesAfterSigning changes) {
  switch (changes) {
    case v1::CHANGES_AFTER_SIGNING_NONE:
      return "none (covers the whole file)";
    case v1::CHANGES_AFTER_SIGNING_SIGNED_REVISIONS:
      return "later signatures only";
    case v1::CHANGES_AFTER_SIGNING_UNSIGNED_CHANGES:
      return "CHANGED AFTER SIGNING";
    default:
      return "unknown";
  }
}

}  // namespace

std::string VerificationText(const v1::VerificationReport& report) {
  std::ostringstream text;
  text << "signatures " << report.signatures_size() << "\n";
  for (const v1::VerifiedSignature& s : report.signatures()) {
    text << "\n" << s.field_name() << ": " << (s.ok() ? "VALID" : "NOT VALID") << "\n"
              << "  signer        " << s.signer_name() << "\n"
              << "  issuer        " << s.issuer_subject() << "\n"
              << "  time          " << LocalTime(s.claimed_time()) << "\n"
              << "  type          " << s.sub_filter() << "\n"
              << "  digest        " << (s.digest_matches() ? "matches" : "MISMATCH") << "\n"
              << "  signature     " << (s.signature_valid() ? "valid" : "INVALID") << "\n"
              << "  certificate   "
              << (s.chain_trusted() ? "trusted" : absl::StrCat("not trusted: ", s.chain_error()))
              << "\n"
              << "  whole file    " << (s.covers_whole_file() ? "yes" : "no") << "\n"
              << "  changes after " << ChangesText(s.changes_after()) << "\n"
              << "  timestamp     "
              << (!s.has_timestamp() ? "none"
                  : s.timestamp_valid()
                      ? absl::StrCat("valid, ", LocalTime(s.timestamp_time()),
                                     s.timestamp_trusted() ? ", trusted" : ", not trusted")
                      : "INVALID")
              << "\n";
    for (const std::string& problem : s.problems()) text << "  problem: " << problem << "\n";
  }
  return text.str();
}

}  // namespace hopso::ctl
