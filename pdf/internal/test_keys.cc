#include "pdf/internal/test_keys.h"

#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace hopso::pdf::testing {
namespace {

[[noreturn]] void Fail(absl::string_view doing) {
  char buf[256] = "no OpenSSL error";
  if (const unsigned long code = ERR_get_error(); code != 0) {
    ERR_error_string_n(code, buf, sizeof(buf));
  }
  ERR_clear_error();
  throw std::runtime_error(absl::StrCat("test keys: ", doing, ": ", buf));
}

void AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) Fail(absl::StrCat("making the extension ", value));
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

enum class Kind { kCa, kSigner, kTsa };

X509Ptr MakeCert(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                 Kind kind, absl::Time not_before, absl::Time not_after) {
  if (key == nullptr || (issuer != nullptr && issuer_key == nullptr)) {
    throw std::runtime_error("test keys: a certificate needs a key and its issuer's key");
  }
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  // A random positive 63-bit serial: certificates from one CA never collide.
  BIGNUM* serial = BN_new();
  if (BN_rand(serial, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get())) == nullptr) {
    BN_free(serial);
    Fail("making a serial number");
  }
  BN_free(serial);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), absl::ToTimeT(not_before));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), absl::ToTimeT(not_after));
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("VN"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  AddExt(cert.get(), signer, NID_subject_key_identifier, "hash");
  AddExt(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
  switch (kind) {
    case Kind::kCa:
      AddExt(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
      AddExt(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
      break;
    case Kind::kSigner:
      AddExt(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
      AddExt(cert.get(), signer, NID_key_usage, "critical,digitalSignature,nonRepudiation");
      break;
    case Kind::kTsa:
      AddExt(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
      AddExt(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
      AddExt(cert.get(), signer, NID_ext_key_usage, "critical,timeStamping");
      break;
  }
  if (X509_sign(cert.get(), issuer != nullptr ? issuer_key : key, EVP_sha256()) <= 0) {
    Fail(absl::StrCat("signing the certificate for ", cn));
  }
  return cert;
}

// From a day ago for a year: valid now, whatever the clocks of the tools.
X509Ptr MakeCurrentCert(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                        Kind kind) {
  const absl::Time now = absl::Now();
  return MakeCert(cn, key, issuer, issuer_key, kind, now - absl::Hours(24),
                  now + absl::Hours(24 * 365));
}

struct TsRespCtxDeleter {
  void operator()(TS_RESP_CTX* ctx) const { TS_RESP_CTX_free(ctx); }
};
struct TsReqDeleter {
  void operator()(TS_REQ* req) const { TS_REQ_free(req); }
};
struct TsRespDeleter {
  void operator()(TS_RESP* resp) const { TS_RESP_free(resp); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

// The DER TimeStampReq for SHA-256(`data`), asking for the TSA certificate.
std::string RequestDer(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &digest_len, EVP_sha256(), nullptr) != 1) {
    Fail("hashing the data to timestamp");
  }
  std::unique_ptr<TS_REQ, TsReqDeleter> req(TS_REQ_new());
  TS_MSG_IMPRINT* imprint = TS_MSG_IMPRINT_new();
  X509_ALGOR* algo = X509_ALGOR_new();
  X509_ALGOR_set_md(algo, EVP_sha256());
  const bool ok = TS_MSG_IMPRINT_set_algo(imprint, algo) == 1 &&
                  TS_MSG_IMPRINT_set_msg(imprint, digest, static_cast<int>(digest_len)) == 1 &&
                  TS_REQ_set_version(req.get(), 1) == 1 &&
                  TS_REQ_set_msg_imprint(req.get(), imprint) == 1 &&
                  TS_REQ_set_cert_req(req.get(), 1) == 1;
  X509_ALGOR_free(algo);
  TS_MSG_IMPRINT_free(imprint);
  if (!ok) Fail("building the timestamp request");
  unsigned char* der = nullptr;
  const int len = i2d_TS_REQ(req.get(), &der);
  if (len <= 0) Fail("encoding the timestamp request");
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

// TS_RESP_CTX asks for the time through this callback when one was set.
int FixedTime(TS_RESP_CTX*, void* data, long* sec, long* usec) {
  *sec = static_cast<long>(*static_cast<const int64_t*>(data));
  *usec = 0;
  return 1;
}

// Distinct serial numbers for the tokens of one authority.
ASN1_INTEGER* NextSerial(TS_RESP_CTX*, void* data) {
  ASN1_INTEGER* serial = ASN1_INTEGER_new();
  if (serial != nullptr) ASN1_INTEGER_set_int64(serial, ++*static_cast<int64_t*>(data));
  return serial;
}

}  // namespace

PkeyPtr MakeRsaKey(int bits) {
  PkeyPtr key(EVP_RSA_gen(static_cast<unsigned int>(bits)));
  if (key == nullptr) Fail("making an RSA key");
  return key;
}

PkeyPtr MakeEcKey() {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (key == nullptr) Fail("making an EC key");
  return key;
}

X509Ptr MakeCaCert(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  return MakeCurrentCert(cn, key, issuer, issuer_key, Kind::kCa);
}

X509Ptr MakeSignerCert(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  return MakeCurrentCert(cn, key, issuer, issuer_key, Kind::kSigner);
}

X509Ptr MakeTsaCert(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  return MakeCurrentCert(cn, key, issuer, issuer_key, Kind::kTsa);
}

X509Ptr MakeSignerCertValid(const std::string& cn, EVP_PKEY* key, X509* issuer,
                            EVP_PKEY* issuer_key, absl::Time not_before, absl::Time not_after) {
  return MakeCert(cn, key, issuer, issuer_key, Kind::kSigner, not_before, not_after);
}

std::string Pem(X509* cert) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(bio.get(), cert) != 1) Fail("writing a certificate as PEM");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string Der(X509* cert) {
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) Fail("writing a certificate as DER");
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

TestPki MakeTestPki() {
  TestPki pki;
  pki.ca_key = MakeRsaKey();
  pki.ca = MakeCaCert("Hopso Test CA", pki.ca_key.get());
  pki.tsa_key = MakeEcKey();
  pki.tsa = MakeTsaCert("Hopso Test TSA", pki.tsa_key.get(), pki.ca.get(), pki.ca_key.get());
  return pki;
}

InProcessTsa::InProcessTsa(X509* cert, EVP_PKEY* key) {
  if (cert == nullptr || key == nullptr) {
    throw std::runtime_error("test keys: InProcessTsa needs a certificate and a key");
  }
  X509_up_ref(cert);
  EVP_PKEY_up_ref(key);
  cert_.reset(cert);
  key_.reset(key);
}

absl::StatusOr<std::string> InProcessTsa::Timestamp(absl::string_view data) {
  if (failing_) return absl::UnavailableError("in-process TSA: failing on purpose");
  ERR_clear_error();
  std::unique_ptr<TS_RESP_CTX, TsRespCtxDeleter> ctx(TS_RESP_CTX_new());
  std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> policy(OBJ_txt2obj("1.2.3.4.1", 1),
                                                                   &ASN1_OBJECT_free);
  if (ctx == nullptr || policy == nullptr ||
      TS_RESP_CTX_set_signer_cert(ctx.get(), cert_.get()) != 1 ||
      TS_RESP_CTX_set_signer_key(ctx.get(), key_.get()) != 1 ||
      TS_RESP_CTX_set_signer_digest(ctx.get(), EVP_sha256()) != 1 ||
      TS_RESP_CTX_set_ess_cert_id_digest(ctx.get(), EVP_sha256()) != 1 ||
      TS_RESP_CTX_set_def_policy(ctx.get(), policy.get()) != 1 ||
      TS_RESP_CTX_add_md(ctx.get(), EVP_sha256()) != 1) {
    Fail("setting up the in-process TSA");
  }
  // The callbacks read these while TS_RESP_create_response runs.
  int64_t serial = issued_;
  int64_t time = time_;
  TS_RESP_CTX_set_serial_cb(ctx.get(), NextSerial, &serial);
  if (time >= 0) TS_RESP_CTX_set_time_cb(ctx.get(), FixedTime, &time);

  const std::string request = RequestDer(data);
  std::unique_ptr<BIO, BioDeleter> request_bio(
      BIO_new_mem_buf(request.data(), static_cast<int>(request.size())));
  std::unique_ptr<TS_RESP, TsRespDeleter> resp(
      TS_RESP_create_response(ctx.get(), request_bio.get()));
  if (resp == nullptr) Fail("issuing a token");
  const ASN1_INTEGER* status = TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp.get()));
  if (ASN1_INTEGER_get(status) != TS_STATUS_GRANTED || TS_RESP_get_token(resp.get()) == nullptr) {
    Fail("the in-process TSA refused its own request");
  }
  unsigned char* der = nullptr;
  const int len = i2d_PKCS7(TS_RESP_get_token(resp.get()), &der);
  if (len <= 0) Fail("encoding the token");
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  ++issued_;
  return out;
}

}  // namespace hopso::pdf::testing
