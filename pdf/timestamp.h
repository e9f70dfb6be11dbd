// RFC 3161 timestamps for PAdES B-T: the signature value of a CMS signer is
// sent (as its SHA-256) to a timestamp authority, and the token it returns
// goes into the signer's unsigned attribute id-aa-signatureTimeStampToken.
#ifndef HOPSO_PDF_TIMESTAMP_H_
#define HOPSO_PDF_TIMESTAMP_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hopso::pdf {

class TimestampAuthority {
 public:
  virtual ~TimestampAuthority() = default;
  // The DER TimeStampToken (a CMS ContentInfo) over SHA-256(`data`), checked
  // before it is returned: status granted, the message imprint and nonce are
  // ours. UNAVAILABLE when the authority cannot be reached or answers with an
  // error; the message names the URL and what went wrong.
  virtual absl::StatusOr<std::string> Timestamp(absl::string_view data) = 0;
};

// An authority reached over HTTP (POST application/timestamp-query), with
// OpenSSL's own HTTP client; no certificate is requested in the token
// unless `want_certificate` (the verifier then needs the TSA certificate).
// https checks the server against OpenSSL's default trust store (which
// SSL_CERT_FILE / SSL_CERT_DIR override); http_proxy, https_proxy and
// no_proxy are honoured. The signature on the token is not checked here:
// that needs the verifier's trust anchors. `timeout` bounds the whole
// exchange, in whole seconds (at least one); a refused connection is
// retried until it runs out.
class HttpTimestampAuthority : public TimestampAuthority {
 public:
  // INVALID_ARGUMENT for a URL that is not http:// or https://.
  static absl::StatusOr<std::unique_ptr<HttpTimestampAuthority>> Create(
      std::string url, absl::Duration timeout = absl::Seconds(10), bool want_certificate = true);
  absl::StatusOr<std::string> Timestamp(absl::string_view data) override;

 private:
  HttpTimestampAuthority(std::string url, absl::Duration timeout, bool want_certificate)
      : url_(std::move(url)), timeout_(timeout), want_certificate_(want_certificate) {}
  std::string url_;
  absl::Duration timeout_;
  bool want_certificate_;
};

}  // namespace hopso::pdf

#endif  // HOPSO_PDF_TIMESTAMP_H_
