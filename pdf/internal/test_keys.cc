#include "pdf/internal/test_keys.h"

#include <stdexcept>
#include <utility>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
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

using internal::Asn1Bytes;
using internal::BioPtr;
using internal::CmsPtr;
using internal::FromDer;
using internal::MemBioContents;
using internal::OpenSslPtr;
using internal::ToDer;
using internal::TsReqPtr;
using internal::TsRespCtxPtr;
using internal::TsRespPtr;

[[noreturn]] void Fail(absl::string_view doing) {
  throw std::runtime_error(absl::StrCat("test keys: ", doing, ": ", internal::OpenSslErrors()));
}

// Unwraps what a test cannot do without.
template <typename T>
T OrFail(absl::StatusOr<T> value) {
  if (!value.ok()) throw std::runtime_error(absl::StrCat("test keys: ", value.status().message()));
  return *std::move(value);
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
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_X509(bio.get(), cert) != 1) {
    Fail("writing a certificate as PEM");
  }
  return MemBioContents(bio.get());
}

std::string Der(X509* cert) {
  std::string der = ToDer(i2d_X509, cert);
  if (der.empty()) Fail("writing a certificate as DER");
  return der;
}

std::string PrivateKeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    Fail("writing a private key as PEM");
  }
  return MemBioContents(bio.get());
}

TestPki MakeTestPki() {
  TestPki pki;
  pki.ca_key = MakeRsaKey();
  pki.ca = MakeCaCert("Hopso Test CA", pki.ca_key.get());
  pki.tsa_key = MakeEcKey();
  pki.tsa = MakeTsaCert("Hopso Test TSA", pki.tsa_key.get(), pki.ca.get(), pki.ca_key.get());
  return pki;
}

TestSigners MakeTestSigners() {
  TestSigners s;
  s.pki = MakeTestPki();
  X509* ca = s.pki.ca.get();
  EVP_PKEY* ca_key = s.pki.ca_key.get();
  s.chair_key = MakeRsaKey();
  s.chair_cert = MakeSignerCert("Phan Minh Khoa", s.chair_key.get(), ca, ca_key);
  s.chair = OrFail(LocalKey::Create(s.chair_key.get(), s.chair_cert.get()));
  s.secretary_key = MakeEcKey();
  s.secretary_cert = MakeSignerCert("Lê Thị Hồng", s.secretary_key.get(), ca, ca_key);
  s.secretary = OrFail(LocalKey::Create(s.secretary_key.get(), s.secretary_cert.get()));
  return s;
}

int64_t VietnamMicros(int year, int month, int day, int hour, int minute) {
  return absl::ToUnixMicros(absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute),
                                            absl::FixedTimeZone(7 * 3600)));
}

SignatureAppearance ChairAppearance() {
  SignatureAppearance a;
  a.signer_name = "Phan Minh Khoa";
  a.role = "Chủ tọa";
  a.time_micros = VietnamMicros(2026, 11, 30, 14, 5);
  a.x = 40;
  a.y = 40;
  a.width = 220;
  a.height = 60;
  return a;
}

SignatureAppearance SecretaryAppearance() {
  SignatureAppearance a;
  a.signer_name = "Lê Thị Hồng";
  a.role = "Thư ký";
  a.place = "Hà Nội";
  a.time_micros = VietnamMicros(2026, 11, 30, 14, 9);
  a.x = 300;
  a.y = 40;
  a.width = 220;
  a.height = 70;
  return a;
}

SignerTimestamps ReadSignerTimestamps(const std::string& cms_der) {
  SignerTimestamps out;
  const CmsPtr cms(FromDer(d2i_CMS_ContentInfo, cms_der));
  if (cms == nullptr) return out;
  STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms.get());
  if (signers == nullptr || sk_CMS_SignerInfo_num(signers) != 1) return out;
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(signers, 0);
  out.signature_value = std::string(Asn1Bytes(CMS_SignerInfo_get0_signature(si)));
  for (int loc = -1;
       (loc = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, loc)) >= 0;) {
    X509_ATTRIBUTE* attr = CMS_unsigned_get_attr(si, loc);
    for (int i = 0; i < X509_ATTRIBUTE_count(attr); ++i) {
      const ASN1_TYPE* type = X509_ATTRIBUTE_get0_type(attr, i);
      if (type->type != V_ASN1_SEQUENCE) continue;
      out.tokens.emplace_back(Asn1Bytes(type->value.sequence));
    }
  }
  return out;
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
  TsRespCtxPtr ctx(TS_RESP_CTX_new());
  const OpenSslPtr<ASN1_OBJECT, ASN1_OBJECT_free> policy(OBJ_txt2obj("1.2.3.4.1", 1));
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

  const TsReqPtr req = OrFail(internal::MakeTimestampRequest(data, /*want_certificate=*/true));
  const std::string request = ToDer(i2d_TS_REQ, req.get());
  if (request.empty()) Fail("encoding the timestamp request");
  BioPtr request_bio(BIO_new_mem_buf(request.data(), static_cast<int>(request.size())));
  TsRespPtr resp(TS_RESP_create_response(ctx.get(), request_bio.get()));
  if (resp == nullptr) Fail("issuing a token");
  const ASN1_INTEGER* status = TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp.get()));
  if (ASN1_INTEGER_get(status) != TS_STATUS_GRANTED || TS_RESP_get_token(resp.get()) == nullptr) {
    Fail("the in-process TSA refused its own request");
  }
  std::string token = ToDer(i2d_PKCS7, TS_RESP_get_token(resp.get()));
  if (token.empty()) Fail("encoding the token");
  ++issued_;
  return token;
}

}  // namespace hopso::pdf::testing
