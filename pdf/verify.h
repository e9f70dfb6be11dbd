// Verification of the signatures in any PDF, ours or uploaded: each
// signature's bytes, CMS signature, certificate chain, timestamp and what
// changed in the file after it. Uploaded files may be hostile, so the PDF is
// read in a sandboxed child (the same limits as ScreenUpload) with libqpdf;
// the CMS checks are OpenSSL's.
#ifndef HOPSO_PDF_VERIFY_H_
#define HOPSO_PDF_VERIFY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hopso::pdf {

enum class ChangesAfter {
  kNone,              // the signature covers the whole file
  kSignedRevisions,   // only later signatures were appended, each valid
  kUnsignedChanges,   // bytes were added that no valid later signature covers
};

struct SignatureReport {
  std::string field_name;      // the field's /T (fully qualified)
  std::string sub_filter;      // "ETSI.CAdES.detached", "adbe.pkcs7.detached"...
  std::string signer_name;     // subject CN of the signing certificate
  std::string signer_subject;  // RFC 2253, UTF-8
  std::string issuer_subject;
  int64_t claimed_time_micros = 0;  // the dictionary's /M; 0 when absent
  // The CMS message digest equals the SHA-256 (or the algorithm named) of
  // the bytes in /ByteRange, and the signature over the signed attributes
  // verifies with the signer's certificate.
  bool digest_matches = false;
  bool signature_valid = false;
  bool has_signing_certificate_v2 = false;
  bool has_signing_time_attribute = false;
  // The certificate chains to one of VerifyOptions::trusted_roots_der
  // (certificates in the CMS serve as intermediates); `chain_error` says why
  // not ("không tin cậy" reasons in English: OpenSSL's verify error string).
  bool chain_trusted = false;
  std::string chain_error;
  // /ByteRange covers the file from byte 0 to its end, except /Contents.
  bool covers_whole_file = false;
  ChangesAfter changes_after = ChangesAfter::kNone;
  // RFC 3161 token in the signer's unsigned attributes.
  bool has_timestamp = false;
  bool timestamp_valid = false;   // imprint = SHA-256 of the signature value, token signature ok
  bool timestamp_trusted = false; // the TSA certificate chains to a trusted root
  int64_t timestamp_micros = 0;
  // Everything that is wrong, one sentence each, empty when nothing is.
  std::vector<std::string> problems;
};

struct VerifyReport {
  int64_t file_size = 0;
  // In file order (by /ByteRange end).
  std::vector<SignatureReport> signatures;
};

struct VerifyOptions {
  std::vector<std::string> trusted_roots_der;
  int64_t max_bytes = int64_t{100} << 20;
  absl::Duration time_limit = absl::Seconds(30);
  // Checks chains at this time; 0: now. A signature with a valid timestamp
  // from a trusted authority has its chain checked at the timestamp's time
  // instead (certificates expired since still verify); the authority's own
  // chain is checked at this time.
  int64_t at_micros = 0;
};

// VerifyPdf
//
// A report on every signature field that carries a signature value. A PDF
// without signatures gives an empty list. NOT_FOUND when the file cannot be
// opened; RESOURCE_EXHAUSTED above max_bytes; INVALID_ARGUMENT when it is
// not a PDF or too broken to read; FAILED_PRECONDITION when it is
// encrypted; DEADLINE_EXCEEDED/RESOURCE_EXHAUSTED when the child hits its
// limits. A signature that fails a check is not an error: its report says so.
absl::StatusOr<VerifyReport> VerifyPdf(const std::string& path, const VerifyOptions& options = {});

}  // namespace hopso::pdf

#endif  // HOPSO_PDF_VERIFY_H_
