#include "pdf/internal/openssl_util.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "absl/strings/str_cat.h"

namespace hopso::pdf::internal {

std::string OpenSslErrors() {
  std::string out;
  const char* data = nullptr;
  int flags = 0;
  for (unsigned long code; (code = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags));) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
    if (data != nullptr && (flags & ERR_TXT_STRING) != 0 && *data != '\0') {
      absl::StrAppend(&out, " (", data, ")");
    }
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

absl::Status OpenSslError(absl::string_view doing) {
  return absl::InternalError(absl::StrCat(doing, ": ", OpenSslErrors()));
}

std::string OpenSslReason() {
  const unsigned long code = ERR_peek_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason != nullptr ? reason : "unknown error";
}

absl::string_view Asn1Bytes(const ASN1_STRING* s) {
  if (s == nullptr) return "";
  return absl::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                           static_cast<size_t>(ASN1_STRING_length(s)));
}

std::string MemBioContents(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : "";
}

std::string Digest(const EVP_MD* md, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out, &length, md, nullptr) != 1) return "";
  return std::string(reinterpret_cast<char*>(out), length);
}

absl::StatusOr<TsReqPtr> MakeTimestampRequest(absl::string_view data, bool want_certificate) {
  std::string digest = Digest(EVP_sha256(), data);
  if (digest.empty()) return OpenSslError("hashing for a timestamp");
  unsigned char nonce_bytes[8];
  if (RAND_bytes(nonce_bytes, sizeof(nonce_bytes)) != 1) {
    return OpenSslError("making a timestamp nonce");
  }
  TsReqPtr req(TS_REQ_new());
  TS_MSG_IMPRINT* imprint = TS_MSG_IMPRINT_new();
  X509_ALGOR* algo = X509_ALGOR_new();
  BIGNUM* nonce_bn = BN_bin2bn(nonce_bytes, sizeof(nonce_bytes), nullptr);
  ASN1_INTEGER* nonce = nonce_bn != nullptr ? BN_to_ASN1_INTEGER(nonce_bn, nullptr) : nullptr;
  bool ok = req != nullptr && imprint != nullptr && algo != nullptr && nonce != nullptr;
  if (ok) {
    X509_ALGOR_set_md(algo, EVP_sha256());
    ok = TS_MSG_IMPRINT_set_algo(imprint, algo) == 1 &&
         TS_MSG_IMPRINT_set_msg(imprint, reinterpret_cast<unsigned char*>(digest.data()),
                                static_cast<int>(digest.size())) == 1 &&
         TS_REQ_set_version(req.get(), 1) == 1 && TS_REQ_set_msg_imprint(req.get(), imprint) == 1 &&
         TS_REQ_set_nonce(req.get(), nonce) == 1 &&
         TS_REQ_set_cert_req(req.get(), want_certificate ? 1 : 0) == 1;
  }
  // The setters copy.
  ASN1_INTEGER_free(nonce);
  BN_free(nonce_bn);
  X509_ALGOR_free(algo);
  TS_MSG_IMPRINT_free(imprint);
  if (!ok) return OpenSslError("building a timestamp request");
  return req;
}

}  // namespace hopso::pdf::internal
