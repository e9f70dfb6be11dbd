#include "server/signing/ca.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/signing/token.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"
#include "server/util/text.h"

namespace hopso::server::signing {
namespace {

constexpr char kDocumentSigningOid[] = "1.3.6.1.5.5.7.3.36";  // RFC 9336
// Certificates start a little in the past so that a verifier whose clock is
// slightly behind still accepts them.
constexpr long kBackdateSeconds = 10 * 60;

struct X509ReqFree {
  void operator()(X509_REQ* r) const { X509_REQ_free(r); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using X509ReqPtr = std::unique_ptr<X509_REQ, X509ReqFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

// INTERNAL naming OpenSSL's errors, or the status of a token key that could
// not sign (see TokenKey::private_key()). Empties the queue.
absl::Status OpenSslError(absl::string_view doing) {
  absl::StatusCode code = absl::StatusCode::kInternal;
  std::string text;
  const char* data = nullptr;
  int flags = 0;
  unsigned long e;
  while ((e = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) != 0) {
    if (ERR_GET_LIB(e) == TokenKeyErrorLibrary() && ERR_GET_REASON(e) > 0 &&
        ERR_GET_REASON(e) <= static_cast<int>(absl::StatusCode::kUnauthenticated)) {
      code = static_cast<absl::StatusCode>(ERR_GET_REASON(e));
    }
    char buffer[256];
    ERR_error_string_n(e, buffer, sizeof(buffer));
    absl::StrAppend(&text, text.empty() ? "" : "; ", buffer);
    if (data != nullptr && (flags & ERR_TXT_STRING) && *data != '\0') {
      absl::StrAppend(&text, " (", data, ")");
    }
  }
  return absl::Status(code,
                      absl::StrCat(doing, ": ", text.empty() ? "unknown OpenSSL error" : text));
}

absl::Status CheckName(absl::string_view field, const std::string& value, bool required) {
  return ValidateText(field, value, {.min_chars = required ? 1u : 0u, .max_chars = kMaxNameChars});
}

absl::Status CheckCountry(const std::string& country) {
  if (country.size() != 2 || !absl::ascii_isupper(country[0]) || !absl::ascii_isupper(country[1])) {
    return absl::InvalidArgumentError("the country is two capital letters, e.g. \"VN\"");
  }
  return absl::OkStatus();
}

absl::Status CheckValidity(int days) {
  if (days < 1) return absl::InvalidArgumentError("a certificate is valid for at least a day");
  return absl::OkStatus();
}

// Adds `value` to `name`, as UTF8String (countryName is PrintableString by
// definition; OpenSSL's table picks it). Empty values are left out.
absl::Status AddName(X509_NAME* name, int nid, const std::string& value) {
  if (value.empty()) return absl::OkStatus();
  if (X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1) {
    return OpenSslError(absl::StrCat("cannot put \"", value, "\" in a certificate name"));
  }
  return absl::OkStatus();
}

absl::Status SignerName(X509_NAME* name, const SignerSubject& subject) {
  RETURN_IF_ERROR(AddName(name, NID_countryName, subject.country));
  RETURN_IF_ERROR(AddName(name, NID_organizationName, subject.organisation));
  RETURN_IF_ERROR(AddName(name, NID_commonName, subject.full_name));
  return AddName(name, NID_userId, subject.user_id);
}

absl::Status CheckSignerSubject(const SignerSubject& subject) {
  RETURN_IF_ERROR(CheckName("the signer's name", subject.full_name, /*required=*/true));
  RETURN_IF_ERROR(CheckName("the organisation", subject.organisation, /*required=*/false));
  RETURN_IF_ERROR(CheckName("the user id", subject.user_id, /*required=*/false));
  RETURN_IF_ERROR(CheckCountry(subject.country));
  return CheckValidity(subject.validity_days);
}

// A positive random 128-bit serial number (RFC 5280 asks for at most 20
// octets and CAs for at least 64 random bits).
absl::Status SetRandomSerial(X509* cert) {
  std::string bytes = RandomBytes(16);
  bytes[0] = static_cast<char>(bytes[0] & 0x7f);
  bytes[15] = static_cast<char>(bytes[15] | 0x01);  // never zero
  BIGNUM* bn = BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr);
  ASN1_INTEGER* serial = bn == nullptr ? nullptr : BN_to_ASN1_INTEGER(bn, nullptr);
  const bool ok = serial != nullptr && X509_set_serialNumber(cert, serial) == 1;
  ASN1_INTEGER_free(serial);
  BN_free(bn);
  return ok ? absl::OkStatus() : OpenSslError("cannot set the serial number");
}

// Valid from a little before now for `days`, but not past `not_after_cap`
// when given.
absl::Status SetValidity(X509* cert, int days, const ASN1_TIME* not_after_cap) {
  time_t now = time(nullptr);
  if (X509_time_adj_ex(X509_getm_notBefore(cert), 0, -kBackdateSeconds, &now) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert), days, 0, &now) == nullptr) {
    return OpenSslError("cannot set the validity");
  }
  if (not_after_cap != nullptr && ASN1_TIME_compare(not_after_cap, X509_get0_notAfter(cert)) < 0 &&
      X509_set1_notAfter(cert, not_after_cap) != 1) {
    return OpenSslError("cannot set the validity");
  }
  return absl::OkStatus();
}

// Adds an extension written in OpenSSL's configuration syntax, e.g.
// "critical,CA:TRUE"; `issuer` is needed for authorityKeyIdentifier.
absl::Status AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
  const bool ok = ext != nullptr && X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok ? absl::OkStatus() : OpenSslError(absl::StrCat("cannot add the extension ", value));
}

struct EkuFree {
  void operator()(EXTENDED_KEY_USAGE* e) const { sk_ASN1_OBJECT_pop_free(e, ASN1_OBJECT_free); }
};
using EkuPtr = std::unique_ptr<EXTENDED_KEY_USAGE, EkuFree>;

// emailProtection and documentSigning. OpenSSL 3.0 has no name for the
// latter, hence the OID.
absl::StatusOr<EkuPtr> SignerExtendedKeyUsage() {
  EkuPtr eku(sk_ASN1_OBJECT_new_null());
  ASN1_OBJECT* email = OBJ_nid2obj(NID_email_protect);
  ASN1_OBJECT* document = OBJ_txt2obj(kDocumentSigningOid, /*no_name=*/1);
  if (eku == nullptr || email == nullptr || document == nullptr ||
      sk_ASN1_OBJECT_push(eku.get(), email) == 0) {
    ASN1_OBJECT_free(document);
    return OpenSslError("cannot build the extended key usage");
  }
  if (sk_ASN1_OBJECT_push(eku.get(), document) == 0) {
    ASN1_OBJECT_free(document);
    return OpenSslError("cannot build the extended key usage");
  }
  return eku;
}

absl::Status Sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) <= 0) return OpenSslError("signing the certificate");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<X509Ptr> MakeCaCertificate(EVP_PKEY* ca_key, const CaSubject& subject) {
  if (ca_key == nullptr) return absl::InvalidArgumentError("the CA needs a key");
  RETURN_IF_ERROR(CheckName("the organisation", subject.organisation, /*required=*/true));
  const std::string common_name = absl::StrCat(subject.organisation, " - Hopso CA");
  RETURN_IF_ERROR(CheckName("the CA's name (organisation + \" - Hopso CA\")", common_name,
                            /*required=*/true));
  RETURN_IF_ERROR(CheckCountry(subject.country));
  RETURN_IF_ERROR(CheckValidity(subject.validity_days));
  ERR_clear_error();
  X509Ptr cert(X509_new());
  if (cert == nullptr || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_pubkey(cert.get(), ca_key) != 1) {
    return OpenSslError("cannot start the CA certificate");
  }
  RETURN_IF_ERROR(SetRandomSerial(cert.get()));
  RETURN_IF_ERROR(SetValidity(cert.get(), subject.validity_days, nullptr));
  X509_NAME* name = X509_get_subject_name(cert.get());
  RETURN_IF_ERROR(AddName(name, NID_countryName, subject.country));
  RETURN_IF_ERROR(AddName(name, NID_organizationName, subject.organisation));
  RETURN_IF_ERROR(AddName(name, NID_commonName, common_name));
  if (X509_set_issuer_name(cert.get(), name) != 1) return OpenSslError("cannot set the issuer");
  RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE"));
  RETURN_IF_ERROR(
      AddExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
  RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash"));
  RETURN_IF_ERROR(Sign(cert.get(), ca_key));
  return cert;
}

absl::StatusOr<X509Ptr> IssueSignerCertificate(EVP_PKEY* ca_key, X509* ca_cert,
                                               EVP_PKEY* public_key, const SignerSubject& subject) {
  if (ca_key == nullptr || ca_cert == nullptr || public_key == nullptr) {
    return absl::InvalidArgumentError("issuing needs the CA's key and certificate and a key");
  }
  RETURN_IF_ERROR(CheckSignerSubject(subject));
  ERR_clear_error();
  if (X509_check_private_key(ca_cert, ca_key) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError("the CA key does not match the CA certificate");
  }
  if (X509_check_ca(ca_cert) < 1) {
    return absl::InvalidArgumentError("the CA certificate is not a CA's");
  }
  if (X509_cmp_current_time(X509_get0_notAfter(ca_cert)) <= 0) {
    return absl::InvalidArgumentError("the CA certificate has expired");
  }
  X509Ptr cert(X509_new());
  if (cert == nullptr || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_pubkey(cert.get(), public_key) != 1 ||
      X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert)) != 1) {
    return OpenSslError("cannot start the signer certificate");
  }
  RETURN_IF_ERROR(SetRandomSerial(cert.get()));
  RETURN_IF_ERROR(SetValidity(cert.get(), subject.validity_days, X509_get0_notAfter(ca_cert)));
  RETURN_IF_ERROR(SignerName(X509_get_subject_name(cert.get()), subject));
  RETURN_IF_ERROR(AddExtension(cert.get(), ca_cert, NID_basic_constraints, "CA:FALSE"));
  RETURN_IF_ERROR(
      AddExtension(cert.get(), ca_cert, NID_key_usage, "critical,digitalSignature,nonRepudiation"));
  ASSIGN_OR_RETURN(EkuPtr eku, SignerExtendedKeyUsage());
  if (X509_add1_ext_i2d(cert.get(), NID_ext_key_usage, eku.get(), /*crit=*/0, X509V3_ADD_DEFAULT) !=
      1) {
    return OpenSslError("cannot add the extended key usage");
  }
  RETURN_IF_ERROR(AddExtension(cert.get(), ca_cert, NID_subject_key_identifier, "hash"));
  RETURN_IF_ERROR(AddExtension(cert.get(), ca_cert, NID_authority_key_identifier, "keyid:always"));
  RETURN_IF_ERROR(Sign(cert.get(), ca_key));
  return cert;
}

absl::StatusOr<std::string> MakeCertificateRequestPem(EVP_PKEY* key, const SignerSubject& subject) {
  if (key == nullptr) return absl::InvalidArgumentError("a certificate request needs a key");
  RETURN_IF_ERROR(CheckSignerSubject(subject));
  ERR_clear_error();
  X509ReqPtr req(X509_REQ_new());
  if (req == nullptr || X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) != 1 ||
      X509_REQ_set_pubkey(req.get(), key) != 1) {
    return OpenSslError("cannot start the certificate request");
  }
  RETURN_IF_ERROR(SignerName(X509_REQ_get_subject_name(req.get()), subject));
  // Ask for what IssueSignerCertificate would give.
  ASSIGN_OR_RETURN(EkuPtr eku, SignerExtendedKeyUsage());
  STACK_OF(X509_EXTENSION)* extensions = sk_X509_EXTENSION_new_null();
  bool ok = extensions != nullptr;
  for (X509_EXTENSION* extension :
       {X509V3_EXT_nconf_nid(nullptr, nullptr, NID_key_usage,
                             "critical,digitalSignature,nonRepudiation"),
        X509V3_EXT_i2d(NID_ext_key_usage, /*crit=*/0, eku.get())}) {
    if (!ok || extension == nullptr || sk_X509_EXTENSION_push(extensions, extension) == 0) {
      X509_EXTENSION_free(extension);
      ok = false;
    }
  }
  ok = ok && X509_REQ_add_extensions(req.get(), extensions) == 1;
  sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
  if (!ok) return OpenSslError("cannot add the requested extensions");
  if (X509_REQ_sign(req.get(), key, EVP_sha256()) <= 0) {
    return OpenSslError("signing the certificate request");
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_X509_REQ(bio.get(), req.get()) != 1) {
    return OpenSslError("cannot write the certificate request");
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

absl::Status CheckSignerCertificate(X509* certificate, EVP_PKEY* public_key, int64_t now_micros) {
  if (certificate == nullptr || public_key == nullptr) {
    return absl::InvalidArgumentError("checking needs a certificate and a key");
  }
  ERR_clear_error();
  const EVP_PKEY* certified = X509_get0_pubkey(certificate);
  if (certified == nullptr || EVP_PKEY_eq(certified, public_key) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError("the certificate is for another key");
  }
  time_t now = static_cast<time_t>(now_micros / 1000000);
  // X509_cmp_time: -1 when the certificate's time is at or before `now`.
  if (X509_cmp_time(X509_get0_notBefore(certificate), &now) != -1) {
    return absl::InvalidArgumentError("the certificate is not valid yet");
  }
  if (X509_cmp_time(X509_get0_notAfter(certificate), &now) != 1) {
    return absl::InvalidArgumentError("the certificate has expired");
  }
  if (X509_get_extension_flags(certificate) & EXFLAG_INVALID) {
    return absl::InvalidArgumentError("the certificate has malformed extensions");
  }
  const uint32_t usage = X509_get_key_usage(certificate);  // all bits when absent
  if ((usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) {
    return absl::InvalidArgumentError("the certificate's key usage does not allow signing");
  }
  return absl::OkStatus();
}

absl::StatusOr<X509Ptr> ParseCertificate(absl::string_view der_or_pem) {
  ERR_clear_error();
  X509Ptr cert;
  if (absl::StrContains(der_or_pem, "-----BEGIN")) {
    BioPtr bio(BIO_new_mem_buf(der_or_pem.data(), static_cast<int>(der_or_pem.size())));
    if (bio != nullptr) cert.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  } else {
    const auto* p = reinterpret_cast<const unsigned char*>(der_or_pem.data());
    const auto* end = p + der_or_pem.size();
    cert.reset(d2i_X509(nullptr, &p, static_cast<long>(der_or_pem.size())));
    if (p != end) cert.reset();  // trailing bytes
  }
  ERR_clear_error();
  if (cert == nullptr) return absl::InvalidArgumentError("not a certificate in DER or PEM");
  return cert;
}

std::string CertificateDer(X509* certificate) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(certificate, &der);
  if (length <= 0) {
    ERR_clear_error();
    return "";
  }
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

std::string CertificatePem(X509* certificate) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_X509(bio.get(), certificate) != 1) {
    ERR_clear_error();
    return "";
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

std::string CommonName(X509* certificate) {
  X509_NAME* name = certificate == nullptr ? nullptr : X509_get_subject_name(certificate);
  const int index = name == nullptr ? -1 : X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) return "";
  ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, value);
  if (length < 0) {
    ERR_clear_error();
    return "";
  }
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  return out;
}

int64_t NotAfterMicros(X509* certificate) {
  int days = 0;
  int seconds = 0;
  ASN1_TIME* epoch = ASN1_TIME_set(nullptr, 0);
  const bool ok = ASN1_TIME_diff(&days, &seconds, epoch, X509_get0_notAfter(certificate)) == 1;
  ASN1_TIME_free(epoch);
  return ok ? (int64_t{days} * 86400 + seconds) * 1000000 : 0;
}

absl::StatusOr<std::vector<std::string>> ReadCertificateBundle(const std::string& path) {
  BIO* bio = BIO_new_file(path.c_str(), "r");
  if (bio == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read certificates from ", path));
  }
  std::vector<std::string> out;
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    out.push_back(CertificateDer(cert));
    X509_free(cert);
  }
  BIO_free(bio);
  ERR_clear_error();  // the end of the file reads as an error
  if (out.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " holds no PEM certificate"));
  }
  return out;
}

}  // namespace hopso::server::signing
