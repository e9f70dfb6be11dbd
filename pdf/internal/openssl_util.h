// What every OpenSSL user in pdf/ needs: unique_ptrs that free OpenSSL
// objects, the error queue as text, DER in and out, digests, and the RFC 3161
// request that both the timestamp client and the tests' authority make.
#ifndef HOPSO_PDF_INTERNAL_OPENSSL_UTIL_H_
#define HOPSO_PDF_INTERNAL_OPENSSL_UTIL_H_

#include <memory>
#include <string>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hopso::pdf::internal {

// OpenSslPtr
//
// A unique_ptr that frees an OpenSSL object with the type's own free
// function. The common types have aliases below; a file names a rare one
// itself:
//   using SslCtxPtr = OpenSslPtr<SSL_CTX, SSL_CTX_free>;
template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using OpenSslPtr = std::unique_ptr<T, OpenSslDeleter<T, Free>>;

// OPENSSL_free and sk_X509_pop_free are macros: these give them an address.
inline void FreeOpenSslString(char* s) { OPENSSL_free(s); }
inline void FreeX509Stack(STACK_OF(X509) * certs) { sk_X509_pop_free(certs, X509_free); }

using BioPtr = OpenSslPtr<BIO, BIO_free_all>;
using CmsPtr = OpenSslPtr<CMS_ContentInfo, CMS_ContentInfo_free>;
using EssSigningCertV2Ptr = OpenSslPtr<ESS_SIGNING_CERT_V2, ESS_SIGNING_CERT_V2_free>;
using OpenSslStringPtr = OpenSslPtr<char, FreeOpenSslString>;
using Pkcs7Ptr = OpenSslPtr<PKCS7, PKCS7_free>;
using PkeyPtr = OpenSslPtr<EVP_PKEY, EVP_PKEY_free>;
using TsReqPtr = OpenSslPtr<TS_REQ, TS_REQ_free>;
using TsRespPtr = OpenSslPtr<TS_RESP, TS_RESP_free>;
using TsRespCtxPtr = OpenSslPtr<TS_RESP_CTX, TS_RESP_CTX_free>;
using TsVerifyCtxPtr = OpenSslPtr<TS_VERIFY_CTX, TS_VERIFY_CTX_free>;
using TstInfoPtr = OpenSslPtr<TS_TST_INFO, TS_TST_INFO_free>;
using X509Ptr = OpenSslPtr<X509, X509_free>;
using X509StackPtr = OpenSslPtr<STACK_OF(X509), FreeX509Stack>;  // frees the certificates too
using X509StorePtr = OpenSslPtr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = OpenSslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;

// OpenSslErrors
//
// The OpenSSL error queue as text, oldest first, each error with the detail
// OpenSSL attached to it (the HTTP status, the address it could not reach),
// and the queue emptied; "unknown OpenSSL error" when it was empty. For
// messages to operators and logs.
std::string OpenSslErrors();

// OpenSslError
//
// INTERNAL "<doing>: <OpenSslErrors()>", for a step that should not fail.
//   if (len <= 0) return OpenSslError("encoding the CMS");
absl::Status OpenSslError(absl::string_view doing);

// OpenSslReason
//
// The reason of the first queued error alone, e.g. "certificate verify
// error", for reports a person reads; the queue is emptied. "unknown error"
// when it was empty.
std::string OpenSslReason();

// ToDer
//
// `object` encoded by its type's i2d function; empty when that fails (no
// DER encoding is empty), the error left queued.
//   const std::string der = ToDer(i2d_X509, cert);
template <typename T>
std::string ToDer(int (*i2d)(const T*, unsigned char**), const T* object) {
  unsigned char* der = nullptr;
  const int len = i2d(object, &der);
  if (len <= 0) return "";
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

// FromDer
//
// `der` decoded by its type's d2i function, owned by the caller; null when
// it is not one, the error left queued.
//   X509Ptr cert(FromDer(d2i_X509, der));
template <typename T>
T* FromDer(T* (*d2i)(T**, const unsigned char**, long), absl::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  return d2i(nullptr, &p, static_cast<long>(der.size()));
}

// Asn1Bytes
//
// The bytes of `s` (an OCTET STRING, a SEQUENCE attribute value...), not
// copied; empty for null.
absl::string_view Asn1Bytes(const ASN1_STRING* s);

// MemBioContents
//
// What has been written to the memory BIO `bio`, copied.
std::string MemBioContents(BIO* bio);

// Digest
//
// The `md` digest of `data`, as raw bytes; empty when OpenSSL fails, the
// error left queued.
//   const std::string sha256 = Digest(EVP_sha256(), data);
std::string Digest(const EVP_MD* md, absl::string_view data);

// MakeTimestampRequest
//
// A TimeStampReq (RFC 3161 2.4.1), version 1, for SHA-256(`data`) with a
// random 64-bit nonce, asking for the authority's certificate in the token
// when `want_certificate`. INTERNAL when OpenSSL fails.
absl::StatusOr<TsReqPtr> MakeTimestampRequest(absl::string_view data, bool want_certificate);

}  // namespace hopso::pdf::internal

#endif  // HOPSO_PDF_INTERNAL_OPENSSL_UTIL_H_
