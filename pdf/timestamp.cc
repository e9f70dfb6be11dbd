#include "pdf/timestamp.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/ssl.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "pdf/internal/openssl_util.h"
#include "pdf/internal/status_macros.h"

namespace hopso::pdf {
namespace {

using internal::BioPtr;
using internal::OpenSslError;
using internal::OpenSslErrors;
using internal::OpenSslPtr;
using internal::OpenSslStringPtr;
using internal::TsReqPtr;
using internal::TsRespPtr;
using internal::TsVerifyCtxPtr;
using SslCtxPtr = OpenSslPtr<SSL_CTX, SSL_CTX_free>;

// Tokens are a few KB; anything much larger is not a timestamp reply.
constexpr size_t kMaxReplyBytes = 1 << 20;

struct ParsedUrl {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;  // with the query, if any
};

absl::StatusOr<ParsedUrl> ParseUrl(const std::string& url) {
  // OSSL_HTTP_parse_url takes a URL without a scheme as http: be strict.
  const size_t scheme_end = url.find("://");
  const std::string scheme =
      absl::AsciiStrToLower(url.substr(0, scheme_end == std::string::npos ? 0 : scheme_end));
  if (scheme != "http" && scheme != "https") {
    return absl::InvalidArgumentError(
        absl::StrCat("timestamp authority URL \"", url, "\" is not http:// or https://"));
  }
  // Schemes are case-insensitive; OpenSSL's parser wants them in lower case.
  const std::string normalized = scheme + url.substr(scheme_end);
  ERR_clear_error();
  int tls = 0;
  char *host = nullptr, *port = nullptr, *path = nullptr, *query = nullptr;
  if (OSSL_HTTP_parse_url(normalized.c_str(), &tls, nullptr, &host, &port, nullptr, &path, &query,
                          nullptr) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("timestamp authority URL \"", url, "\" cannot be parsed: ", OpenSslErrors()));
  }
  const OpenSslStringPtr own_host(host), own_port(port), own_path(path), own_query(query);
  if (*host == '\0') {
    return absl::InvalidArgumentError(
        absl::StrCat("timestamp authority URL \"", url, "\" has no host"));
  }
  ParsedUrl parsed{tls != 0, host, port, path};
  if (query != nullptr && *query != '\0') absl::StrAppend(&parsed.path, "?", query);
  return parsed;
}

// What the TLS callback needs to reach `host` (perhaps through a proxy).
struct TlsContext {
  SSL_CTX* ctx = nullptr;
  const ParsedUrl* url = nullptr;
  bool via_proxy = false;
  int timeout_seconds = 0;
};

// OSSL_HTTP_transfer's connect/disconnect hook: pushes a TLS BIO that
// checks the server's certificate and name against the system's trust
// store, and pops it again.
BIO* TlsHook(BIO* bio, void* arg, int connect, int detail) {
  const TlsContext& tls = *static_cast<const TlsContext*>(arg);
  if (connect != 0 && detail != 0) {
    // Through a proxy the connection so far reaches the proxy: CONNECT on.
    if (tls.via_proxy &&
        OSSL_HTTP_proxy_connect(bio, tls.url->host.c_str(), tls.url->port.c_str(), nullptr, nullptr,
                                tls.timeout_seconds, nullptr, nullptr) != 1) {
      return nullptr;
    }
    BIO* ssl_bio = BIO_new_ssl(tls.ctx, /*client=*/1);
    SSL* ssl = nullptr;
    if (ssl_bio == nullptr || BIO_get_ssl(ssl_bio, &ssl) != 1 ||
        SSL_set1_host(ssl, tls.url->host.c_str()) != 1) {
      BIO_free(ssl_bio);
      return nullptr;
    }
    // SNI takes names, not addresses.
    if (ASN1_OCTET_STRING* ip = a2i_IPADDRESS(tls.url->host.c_str()); ip != nullptr) {
      ASN1_OCTET_STRING_free(ip);
    } else {
      SSL_set_tlsext_host_name(ssl, tls.url->host.c_str());
    }
    return BIO_push(ssl_bio, bio);
  }
  if (connect == 0 && BIO_method_type(bio) == BIO_TYPE_SSL) {
    ERR_set_mark();  // a failed shutdown is no news after the reply
    BIO_ssl_shutdown(bio);
    BIO* next = BIO_pop(bio);
    BIO_free(bio);
    ERR_pop_to_mark();
    return next;
  }
  return bio;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpTimestampAuthority>> HttpTimestampAuthority::Create(
    std::string url, absl::Duration timeout, bool want_certificate) {
  RETURN_IF_ERROR(ParseUrl(url).status());
  return std::unique_ptr<HttpTimestampAuthority>(
      new HttpTimestampAuthority(std::move(url), timeout, want_certificate));
}

absl::StatusOr<std::string> HttpTimestampAuthority::Timestamp(absl::string_view data) {
  ASSIGN_OR_RETURN(const ParsedUrl url, ParseUrl(url_));
  ASSIGN_OR_RETURN(const TsReqPtr req, internal::MakeTimestampRequest(data, want_certificate_));
  const auto unavailable = [&](absl::string_view what) {
    return absl::UnavailableError(
        absl::StrCat("timestamp authority ", url_, ": ", what, ": ", OpenSslErrors()));
  };
  ERR_clear_error();
  BioPtr request(BIO_new(BIO_s_mem()));
  if (request == nullptr || i2d_TS_REQ_bio(request.get(), req.get()) != 1) {
    return OpenSslError("encoding a timestamp request");
  }
  // OpenSSL counts whole seconds; 0 waits for ever.
  const int timeout_seconds =
      timeout_ == absl::InfiniteDuration()
          ? 0
          : std::max(1, static_cast<int>(std::ceil(absl::ToDoubleSeconds(timeout_))));

  SslCtxPtr ssl_ctx;
  TlsContext tls;
  if (url.tls) {
    ssl_ctx.reset(SSL_CTX_new(TLS_client_method()));
    if (ssl_ctx == nullptr || SSL_CTX_set_default_verify_paths(ssl_ctx.get()) != 1) {
      return unavailable("setting up TLS");
    }
    SSL_CTX_set_verify(ssl_ctx.get(), SSL_VERIFY_PEER, nullptr);
    tls.ctx = ssl_ctx.get();
    tls.url = &url;
    // The proxy OSSL_HTTP_transfer will take from the environment, if any.
    tls.via_proxy = OSSL_HTTP_adapt_proxy(nullptr, nullptr, url.host.c_str(), 1) != nullptr;
    tls.timeout_seconds = timeout_seconds;
  }
  BioPtr reply(OSSL_HTTP_transfer(
      nullptr, url.host.c_str(), url.port.c_str(), url.path.c_str(), url.tls ? 1 : 0,
      /*proxy=*/nullptr, /*no_proxy=*/nullptr, /*bio=*/nullptr, /*rbio=*/nullptr,
      url.tls ? TlsHook : nullptr, url.tls ? &tls : nullptr, /*buf_size=*/0, /*headers=*/nullptr,
      "application/timestamp-query", request.get(), "application/timestamp-reply",
      /*expect_asn1=*/1, kMaxReplyBytes, timeout_seconds, /*keep_alive=*/0));
  if (reply == nullptr) return unavailable("the request failed");
  TsRespPtr resp(d2i_TS_RESP_bio(reply.get(), nullptr));
  if (resp == nullptr) return unavailable("the reply is not a TimeStampResp");

  // Status granted, version 1, our SHA-256 imprint, our nonce. The token's
  // signature and the TSA's certificate are for whoever verifies the PDF:
  // they need the trust anchors, this client does not have them.
  TsVerifyCtxPtr verify(TS_REQ_to_TS_VERIFY_CTX(req.get(), nullptr));
  if (verify == nullptr) return unavailable("checking the reply");
  // Not TS_VFY_SIGNER: with a TSA name in the token it checks the signature.
  TS_VERIFY_CTX_set_flags(verify.get(), TS_VFY_VERSION | TS_VFY_IMPRINT | TS_VFY_NONCE);
  if (TS_RESP_verify_response(verify.get(), resp.get()) != 1) {
    return unavailable("the reply does not answer our request");
  }
  std::string token = internal::ToDer(i2d_PKCS7, TS_RESP_get_token(resp.get()));
  if (token.empty()) return unavailable("encoding the token");
  return token;
}

}  // namespace hopso::pdf
