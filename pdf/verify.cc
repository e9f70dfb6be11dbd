#include "pdf/verify.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFAcroFormDocumentHelper.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFFormFieldObjectHelper.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "pdf/internal/openssl_util.h"
#include "pdf/internal/sandbox.h"
#include "pdf/internal/status_macros.h"

namespace hopso::pdf {
namespace {

using internal::Asn1Bytes;
using internal::BioPtr;
using internal::CmsPtr;
using internal::EssSigningCertV2Ptr;
using internal::FromDer;
using internal::OpenSslReason;
using internal::Pkcs7Ptr;
using internal::TstInfoPtr;
using internal::TsVerifyCtxPtr;
using internal::X509Ptr;
using internal::X509StackPtr;
using internal::X509StoreCtxPtr;
using internal::X509StorePtr;

// Readers accept "%PDF-" anywhere in the first kilobyte.
constexpr size_t kHeaderWindow = 1024;
// What the child sends beyond the /Contents it copies out of the file.
constexpr int64_t kResultOverhead = int64_t{1} << 20;

// One signature field as the child read it. The parent trusts none of it
// further than it can check against the file bytes.
struct RawSignature {
  std::string field_name;
  std::string sub_filter;
  std::string claimed_time;  // /M as written, e.g. "D:20261130140500+07'00'"
  std::string byte_range;    // the /ByteRange items, space-separated, "?" for a non-integer
  std::string contents;      // /Contents, cut to its DER length
};

// The child-to-parent format: netstrings ("<length>:<bytes>"), a count
// first, then five per signature in RawSignature's order.
void AppendNetstring(absl::string_view s, std::string* out) {
  absl::StrAppend(out, s.size(), ":", s);
}

bool ReadNetstring(absl::string_view* in, std::string* s) {
  const size_t colon = in->find(':');
  uint64_t n = 0;
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(in->substr(0, colon), &n)) {
    return false;
  }
  in->remove_prefix(colon + 1);
  if (n > in->size()) return false;
  s->assign(in->data(), n);
  in->remove_prefix(n);
  return true;
}

std::string Serialize(const std::vector<RawSignature>& signatures) {
  std::string out;
  AppendNetstring(absl::StrCat(signatures.size()), &out);
  for (const RawSignature& s : signatures) {
    for (const std::string* field :
         {&s.field_name, &s.sub_filter, &s.claimed_time, &s.byte_range, &s.contents}) {
      AppendNetstring(*field, &out);
    }
  }
  return out;
}

absl::StatusOr<std::vector<RawSignature>> Parse(absl::string_view in) {
  const absl::Status unreadable = absl::InternalError("the PDF reader sent an unreadable result");
  std::string count_text;
  size_t count = 0;
  if (!ReadNetstring(&in, &count_text) || !absl::SimpleAtoi(count_text, &count)) {
    return unreadable;
  }
  std::vector<RawSignature> out;
  for (size_t i = 0; i < count; ++i) {
    RawSignature s;
    for (std::string* field :
         {&s.field_name, &s.sub_filter, &s.claimed_time, &s.byte_range, &s.contents}) {
      if (!ReadNetstring(&in, field)) return unreadable;
    }
    out.push_back(std::move(s));
  }
  if (!in.empty()) return unreadable;
  return out;
}

// `der` up to the end of its outermost DER element: signers pad /Contents
// with zeros to the size they reserved. Left whole when the length is not
// definite or not readable; OpenSSL then stops at the element's end itself.
std::string CutToDerLength(std::string der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  long length = 0;
  int tag = 0;
  int cls = 0;
  const int flags = ASN1_get_object(&p, &length, &tag, &cls, static_cast<long>(der.size()));
  ERR_clear_error();
  if ((flags & 0x80) != 0 || flags == (V_ASN1_CONSTRUCTED | 1)) return der;
  const size_t header = static_cast<size_t>(p - reinterpret_cast<const unsigned char*>(der.data()));
  if (header + static_cast<size_t>(length) < der.size()) der.resize(header + length);
  return der;
}

// The child's work: the signature fields of the PDF in `pdf`, read with
// qpdf, serialised. Never asked to repair: a file that needs reconstructing
// is too broken to say what its signatures cover.
absl::StatusOr<std::string> ReadSignatureFields(absl::string_view pdf) {
  const absl::Status encrypted =
      absl::FailedPreconditionError("the PDF is encrypted; its signatures cannot be checked");
  try {
    QPDF qpdf;
    qpdf.setSuppressWarnings(true);
    qpdf.setAttemptRecovery(false);
    try {
      qpdf.processMemoryFile("the PDF", pdf.data(), pdf.size());
    } catch (const QPDFExc& e) {
      if (e.getErrorCode() == qpdf_e_password) return encrypted;
      throw;
    }
    if (qpdf.isEncrypted()) return encrypted;
    std::vector<RawSignature> found;
    QPDFAcroFormDocumentHelper acroform(qpdf);
    for (QPDFFormFieldObjectHelper field : acroform.getFormFields()) {
      if (field.getFieldType() != "/Sig") continue;
      QPDFObjectHandle value = field.getValue();
      if (!value.isDictionary()) continue;
      RawSignature s;
      s.field_name = field.getFullyQualifiedName();
      QPDFObjectHandle sub_filter = value.getKey("/SubFilter");
      if (sub_filter.isName()) s.sub_filter = sub_filter.getName().substr(1);
      QPDFObjectHandle time = value.getKey("/M");
      if (time.isString()) s.claimed_time = time.getStringValue();
      QPDFObjectHandle range = value.getKey("/ByteRange");
      if (range.isArray()) {
        for (int i = 0; i < range.getArrayNItems(); ++i) {
          QPDFObjectHandle item = range.getArrayItem(i);
          if (i > 0) s.byte_range += ' ';
          s.byte_range += item.isInteger() ? absl::StrCat(item.getIntValue()) : "?";
        }
      }
      QPDFObjectHandle contents = value.getKey("/Contents");
      if (contents.isString()) s.contents = CutToDerLength(contents.getStringValue());
      found.push_back(std::move(s));
    }
    // Without recovery a warning means qpdf skipped something it could not
    // read, which may be the very signature we are asked about.
    if (qpdf.anyWarnings()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the PDF is damaged: ", qpdf.getWarnings().front().getMessageDetail()));
    }
    return Serialize(found);
  } catch (const QPDFExc& e) {
    return absl::InvalidArgumentError(absl::StrCat("the PDF is damaged: ", e.getMessageDetail()));
  } catch (const std::bad_alloc&) {
    throw;  // The sandbox reports it as out of memory.
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("the PDF is damaged: ", e.what()));
  }
}

std::string Utf8(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  const int n = ASN1_STRING_to_UTF8(&out, s);
  if (n < 0) return "";
  std::string text(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  OPENSSL_free(out);
  return text;
}

std::string CommonName(X509* cert) {
  const X509_NAME* name = X509_get_subject_name(cert);
  const int at = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (at < 0) return "";
  return Utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at)));
}

// RFC 2253, with UTF-8 left as it is rather than escaped.
std::string Rfc2253(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
    return "";
  }
  return internal::MemBioContents(bio.get());
}

// Unix microseconds of a PDF date "D:YYYYMMDDHHmmSSOHH'mm'" (every part
// after the year optional, O one of + - Z); 0 when it is not one.
int64_t PdfDateMicros(absl::string_view date) {
  if (absl::StartsWith(date, "D:")) date.remove_prefix(2);
  int parts[6] = {0, 1, 1, 0, 0, 0};
  const int widths[6] = {4, 2, 2, 2, 2, 2};
  for (int i = 0; i < 6 && !date.empty() && absl::ascii_isdigit(date[0]); ++i) {
    if (date.size() < static_cast<size_t>(widths[i]) ||
        !absl::SimpleAtoi(date.substr(0, widths[i]), &parts[i])) {
      return 0;
    }
    date.remove_prefix(widths[i]);
  }
  if (parts[0] == 0) return 0;
  int offset_minutes = 0;
  if (!date.empty() && (date[0] == '+' || date[0] == '-')) {
    const int sign = date[0] == '-' ? -1 : 1;
    std::string digits;
    for (char c : date.substr(1)) {
      if (absl::ascii_isdigit(c)) digits += c;
    }
    int hours = 0;
    int minutes = 0;
    if (digits.size() >= 2) absl::SimpleAtoi(digits.substr(0, 2), &hours);
    if (digits.size() >= 4) absl::SimpleAtoi(digits.substr(2, 2), &minutes);
    offset_minutes = sign * (hours * 60 + minutes);
  }
  const absl::CivilSecond civil(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
  return absl::ToUnixMicros(absl::FromCivil(civil, absl::FixedTimeZone(offset_minutes * 60)));
}

int64_t Asn1TimeMicros(const ASN1_TIME* time) {
  std::tm tm = {};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm)) * 1000000;
}

// The bytes of an attribute value that is a SEQUENCE (a TimeStampToken, an
// ESS SigningCertificateV2).
absl::string_view SequenceValue(X509_ATTRIBUTE* attribute) {
  const ASN1_TYPE* value = attribute != nullptr ? X509_ATTRIBUTE_get0_type(attribute, 0) : nullptr;
  if (value == nullptr || value->type != V_ASN1_SEQUENCE) return "";
  return Asn1Bytes(value->value.sequence);
}

struct ChainResult {
  bool trusted = false;
  std::string error;
};

// Whether `cert` chains to one of `roots` at `at_micros`, through
// `untrusted` intermediates, for `purpose`.
ChainResult CheckChain(X509* cert, STACK_OF(X509) * untrusted, const std::vector<X509Ptr>& roots,
                       int64_t at_micros, int purpose) {
  ChainResult result;
  X509StorePtr store(X509_STORE_new());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (store == nullptr || ctx == nullptr) {
    result.error = "out of memory";
    return result;
  }
  for (const X509Ptr& root : roots) X509_STORE_add_cert(store.get(), root.get());
  if (X509_STORE_CTX_init(ctx.get(), store.get(), cert, untrusted) != 1) {
    result.error = OpenSslReason();
    return result;
  }
  X509_STORE_CTX_set_purpose(ctx.get(), purpose);
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()),
                             static_cast<time_t>(at_micros / 1000000));
  result.trusted = X509_verify_cert(ctx.get()) == 1;
  if (!result.trusted) {
    result.error = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  }
  ERR_clear_error();
  return result;
}

// Adds the certificates of `from` (may be null) to `to`, with references.
void AddCerts(const STACK_OF(X509) * from, STACK_OF(X509) * to) {
  for (int i = 0; i < sk_X509_num(from); ++i) {
    X509* cert = sk_X509_value(from, i);
    X509_up_ref(cert);
    sk_X509_push(to, cert);
  }
}

struct TimestampResult {
  bool valid = false;
  bool trusted = false;
  int64_t micros = 0;
  std::string error;
};

// The RFC 3161 token `token_der` over `signature_value`: first whether it
// is sound on its own (the token's signature by the TSA certificate it
// names, the imprint), then whether that TSA chains to `roots`.
TimestampResult CheckTimestamp(absl::string_view token_der, absl::string_view signature_value,
                               STACK_OF(X509) * cms_certs, const std::vector<X509Ptr>& roots,
                               int64_t at_micros) {
  TimestampResult result;
  Pkcs7Ptr token(FromDer(d2i_PKCS7, token_der));
  TstInfoPtr info(token != nullptr ? PKCS7_to_TS_TST_INFO(token.get()) : nullptr);
  if (info == nullptr) {
    ERR_clear_error();
    result.error = "it is not an RFC 3161 timestamp token";
    return result;
  }
  result.micros = Asn1TimeMicros(TS_TST_INFO_get_time(info.get()));

  // Candidate TSA certificates: those in the token and in the signature.
  X509StackPtr certs(sk_X509_new_null());
  AddCerts(PKCS7_type_is_signed(token.get()) ? token->d.sign->cert : nullptr, certs.get());
  AddCerts(cms_certs, certs.get());

  // Sound on its own: the TSA certificate is taken as its own anchor.
  X509StorePtr self(X509_STORE_new());
  for (int i = 0; i < sk_X509_num(certs.get()); ++i) {
    X509_STORE_add_cert(self.get(), sk_X509_value(certs.get(), i));
  }
  X509_STORE_set_flags(self.get(), X509_V_FLAG_PARTIAL_CHAIN);
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(self.get()),
                             static_cast<time_t>(at_micros / 1000000));
  X509* tsa = nullptr;
  if (TS_RESP_verify_signature(token.get(), certs.get(), self.get(), &tsa) != 1) {
    result.error = OpenSslReason();
    return result;
  }
  X509Ptr tsa_owner(tsa);
  TsVerifyCtxPtr imprint(TS_VERIFY_CTX_new());
  BIO* data = BIO_new_mem_buf(signature_value.data(), static_cast<int>(signature_value.size()));
  if (imprint == nullptr || data == nullptr) {
    BIO_free(data);
    result.error = "out of memory";
    return result;
  }
  TS_VERIFY_CTX_set_flags(imprint.get(), TS_VFY_DATA);
  TS_VERIFY_CTX_set_data(imprint.get(), data);  // The context owns it now.
  if (TS_RESP_verify_token(imprint.get(), token.get()) != 1) {
    result.error = OpenSslReason();
    return result;
  }
  result.valid = true;

  const ChainResult chain =
      CheckChain(tsa, certs.get(), roots, at_micros, X509_PURPOSE_TIMESTAMP_SIGN);
  result.trusted = chain.trusted;
  result.error = chain.error;
  return result;
}

// Whether the SignerInfo's signing-certificate-v2 attribute names `signer`
// (the hash and, when given, issuer and serial); true when it has none.
bool EssNamesSigner(CMS_SignerInfo* si, X509* signer) {
  const int at = CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1);
  if (at < 0) return true;
  const absl::string_view der = SequenceValue(CMS_signed_get_attr(si, at));
  EssSigningCertV2Ptr ess(FromDer(d2i_ESS_SIGNING_CERT_V2, der));
  X509StackPtr chain(sk_X509_new_null());
  X509_up_ref(signer);
  sk_X509_push(chain.get(), signer);
  const bool ok =
      ess != nullptr && OSSL_ESS_check_signing_certs(nullptr, ess.get(), chain.get(), 1) == 1;
  ERR_clear_error();
  return ok;
}

// A signature checked on its own, with what the file-wide step needs.
struct Checked {
  SignatureReport report;
  bool range_ok = false;
  int64_t gap_start = 0;  // where /Contents begins
  int64_t gap_end = 0;    // where the second signed range begins
  int64_t end = 0;        // where the signed bytes end
};

bool IsHex(char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); }

// The /ByteRange checks: why it is not valid, or empty. Sets the offsets in
// `c` once the ranges lie inside the file.
std::string ByteRangeProblem(absl::string_view file, const RawSignature& raw, Checked* c) {
  std::vector<int64_t> range;
  for (absl::string_view item : absl::StrSplit(raw.byte_range, ' ', absl::SkipEmpty())) {
    int64_t n = 0;
    if (!absl::SimpleAtoi(item, &n) || n < 0) return "it is not four non-negative integers";
    range.push_back(n);
  }
  if (range.size() != 4) return "it is not four non-negative integers";
  const int64_t size = static_cast<int64_t>(file.size());
  if (range[0] != 0) return "it does not start at the beginning of the file";
  if (range[1] > size || range[2] > size || range[3] > size - range[2]) {
    return "it reaches past the end of the file";
  }
  if (range[2] < range[1] + 2) return "its two ranges overlap";
  c->gap_start = range[1];
  c->gap_end = range[2];
  c->end = range[2] + range[3];
  c->range_ok = true;
  // The gap must be exactly this signature's /Contents: "<hex>", the hex
  // spelling the value the dictionary holds, then zero padding.
  const absl::string_view gap = file.substr(range[1], range[2] - range[1]);
  const absl::string_view hex = gap.substr(1, gap.size() - 2);
  if (gap.front() != '<' || gap.back() != '>' || hex.size() % 2 != 0 ||
      !std::all_of(hex.begin(), hex.end(), IsHex)) {
    return "the gap between its ranges is not a hex string";
  }
  const std::string bytes = absl::HexStringToBytes(hex);
  if (!absl::StartsWith(bytes, raw.contents) ||
      !std::all_of(bytes.begin() + static_cast<ptrdiff_t>(raw.contents.size()), bytes.end(),
                   [](char b) { return b == '\0'; })) {
    return "the gap between its ranges is not the signature's /Contents";
  }
  return "";
}

// The digest of `data` with the algorithm `algorithm` names; empty when
// OpenSSL does not know it.
std::string Digest(const X509_ALGOR* algorithm, absl::string_view data) {
  const ASN1_OBJECT* object = nullptr;
  X509_ALGOR_get0(&object, nullptr, nullptr, algorithm);
  const EVP_MD* md = object != nullptr ? EVP_get_digestbyobj(object) : nullptr;
  std::string digest = md != nullptr ? internal::Digest(md, data) : "";
  if (digest.empty()) ERR_clear_error();
  return digest;
}

// Everything about one signature that does not depend on the others.
Checked CheckSignature(absl::string_view file, const RawSignature& raw,
                       const std::vector<X509Ptr>& roots, const VerifyOptions& options) {
  Checked c;
  SignatureReport& r = c.report;
  r.field_name = raw.field_name;
  r.sub_filter = raw.sub_filter;
  r.claimed_time_micros = PdfDateMicros(raw.claimed_time);

  const std::string range_problem = ByteRangeProblem(file, raw, &c);
  if (!range_problem.empty()) {
    r.problems.push_back(absl::StrCat("The /ByteRange is invalid: ", range_problem, "."));
  }
  if (!c.range_ok) c.end = static_cast<int64_t>(file.size());  // sorts it last
  r.covers_whole_file = c.range_ok && c.end == static_cast<int64_t>(file.size());
  std::string signed_bytes;
  if (c.range_ok) {
    signed_bytes =
        absl::StrCat(file.substr(0, c.gap_start), file.substr(c.gap_end, c.end - c.gap_end));
  }

  if (r.sub_filter == "ETSI.RFC3161") {
    r.problems.push_back(
        "It is a document timestamp (ETSI.RFC3161), which this check does not verify.");
    return c;
  }
  CmsPtr cms(raw.contents.empty() ? nullptr : FromDer(d2i_CMS_ContentInfo, raw.contents));
  if (cms == nullptr || OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
    ERR_clear_error();
    r.problems.push_back(absl::StrCat(
        "The signature value is not a CMS SignedData",
        r.sub_filter.empty() ? "" : absl::StrCat(" (its /SubFilter is ", r.sub_filter, ")"), "."));
    return c;
  }
  X509StackPtr certs(CMS_get1_certs(cms.get()));
  if (certs == nullptr) certs.reset(sk_X509_new_null());
  CMS_set1_signers_certs(cms.get(), nullptr, 0);
  ERR_clear_error();
  // A PDF signature has one signer. podofosign (0.9.8 on OpenSSL 3) writes
  // its SignerInfo twice, which is harmless: SignerInfos that all name one
  // certificate are taken as that signer's, and each is checked.
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms.get());
  const int signer_infos = sk_CMS_SignerInfo_num(infos);
  std::vector<X509*> signers(static_cast<size_t>(std::max(signer_infos, 0)), nullptr);
  std::vector<X509_ALGOR*> digest_algorithms(signers.size(), nullptr);
  for (int i = 0; i < signer_infos; ++i) {
    CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(infos, i), nullptr, &signers[i],
                             &digest_algorithms[i], nullptr);
  }
  if (signers.empty()) {
    r.problems.push_back("The signature has no signer.");
    return c;
  }
  X509* signer = signers[0];
  if (signer == nullptr) {
    r.problems.push_back("The signer's certificate is not in the signature.");
    return c;
  }
  for (X509* other : signers) {
    if (other == nullptr || X509_cmp(other, signer) != 0) {
      r.problems.push_back(absl::StrCat("The signature has ", signer_infos,
                                        " different signers where a PDF signature has one."));
      return c;
    }
  }
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, 0);
  r.signer_name = CommonName(signer);
  r.signer_subject = Rfc2253(X509_get_subject_name(signer));
  r.issuer_subject = Rfc2253(X509_get_issuer_name(signer));
  r.has_signing_certificate_v2 =
      CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1) >= 0;
  r.has_signing_time_attribute = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) >= 0;

  // The signed bytes and the signature value, checked apart so the report
  // can say which failed. CMS_verify then checks the whole as OpenSSL sees
  // it; the certificate is judged below, against the caller's roots.
  BioPtr content(c.range_ok
                     ? BIO_new_mem_buf(signed_bytes.data(), static_cast<int>(signed_bytes.size()))
                     : nullptr);
  const auto cms_verifies = [&] {
    return CMS_verify(cms.get(), nullptr, nullptr, content.get(), nullptr,
                      CMS_DETACHED | CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) == 1;
  };
  bool signed_attributes = true;
  for (int i = 0; i < signer_infos; ++i) {
    signed_attributes &= CMS_signed_get_attr_count(sk_CMS_SignerInfo_value(infos, i)) > 0;
  }
  if (signed_attributes) {
    bool has_message_digest = true;
    r.signature_valid = true;
    r.digest_matches = c.range_ok;
    for (int i = 0; i < signer_infos; ++i) {
      CMS_SignerInfo* info = sk_CMS_SignerInfo_value(infos, i);
      r.signature_valid &= CMS_SignerInfo_verify(info) == 1;
      const auto* message_digest =
          static_cast<const ASN1_OCTET_STRING*>(CMS_signed_get0_data_by_OBJ(
              info, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING));
      has_message_digest &= message_digest != nullptr;
      if (r.digest_matches) {
        const std::string digest = Digest(digest_algorithms[i], signed_bytes);
        r.digest_matches =
            message_digest != nullptr && !digest.empty() && digest == Asn1Bytes(message_digest);
      }
    }
    ERR_clear_error();
    if (!has_message_digest) {
      r.problems.push_back("The signature has no message-digest attribute.");
    } else if (c.range_ok && !r.digest_matches) {
      r.problems.push_back("The signed bytes were changed after signing (digest mismatch).");
    }
    std::string cms_error;
    if (r.digest_matches && r.signature_valid && !cms_verifies()) {
      r.signature_valid = false;
      cms_error = OpenSslReason();
    }
    if (!r.signature_valid) {
      r.problems.push_back(
          cms_error.empty() ? "The signature value does not verify with the signer's certificate."
                            : absl::StrCat("The CMS signature does not verify: ", cms_error, "."));
    }
  } else if (c.range_ok) {
    // No signed attributes: the signature value signs the bytes themselves.
    r.digest_matches = r.signature_valid = cms_verifies();
    if (!r.signature_valid) {
      ERR_clear_error();
      r.problems.push_back(
          "The signed bytes were changed after signing, or the signature value is wrong.");
    }
  }
  if (r.has_signing_certificate_v2 && !EssNamesSigner(si, signer)) {
    r.problems.push_back(
        "The signing-certificate-v2 attribute does not name the signer's certificate.");
  }
  if (r.sub_filter == "ETSI.CAdES.detached") {
    if (!r.has_signing_certificate_v2 &&
        CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificate, -1) < 0) {
      r.problems.push_back(
          "The signature has no signing-certificate attribute, which PAdES requires.");
    }
    if (r.has_signing_time_attribute) {
      r.problems.push_back(
          "The signature has a CMS signing-time attribute, which PAdES forbids (the claimed "
          "time belongs in /M).");
    }
  }

  // A trusted timestamp proves the signature existed at its time, so the
  // certificate is judged then (it may have expired since). An untrusted
  // one proves nothing: anyone can make a token for any time.
  const int64_t at = options.at_micros != 0 ? options.at_micros : absl::ToUnixMicros(absl::Now());
  int64_t chain_time = at;
  const int timestamp_at = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
  if (timestamp_at >= 0) {
    r.has_timestamp = true;
    const TimestampResult timestamp =
        CheckTimestamp(SequenceValue(CMS_unsigned_get_attr(si, timestamp_at)),
                       Asn1Bytes(CMS_SignerInfo_get0_signature(si)), certs.get(), roots, at);
    r.timestamp_valid = timestamp.valid;
    r.timestamp_trusted = timestamp.trusted;
    r.timestamp_micros = timestamp.micros;
    if (!timestamp.valid) {
      r.problems.push_back(absl::StrCat("The timestamp is invalid: ", timestamp.error, "."));
    } else if (!timestamp.trusted) {
      r.problems.push_back(
          absl::StrCat("The timestamp authority is not trusted: ", timestamp.error, "."));
    } else {
      chain_time = timestamp.micros;
    }
  }
  const ChainResult chain = CheckChain(signer, certs.get(), roots, chain_time, X509_PURPOSE_ANY);
  r.chain_trusted = chain.trusted;
  r.chain_error = chain.error;
  if (!chain.trusted) {
    r.problems.push_back(
        absl::StrCat("The signer's certificate is not trusted: ", chain.error, "."));
  }
  ERR_clear_error();
  return c;
}

// What was added after each signature: nothing, only revisions that valid
// later signatures cover, or bytes that none does.
void SetChangesAfter(std::vector<Checked>& checked) {
  for (size_t i = 0; i < checked.size(); ++i) {
    SignatureReport& r = checked[i].report;
    if (r.covers_whole_file) {
      r.changes_after = ChangesAfter::kNone;
      continue;
    }
    // Every later signature valid, each one's signed bytes containing this
    // one's, and the last reaching the end of the file.
    bool signed_revisions = i + 1 < checked.size() && checked.back().report.covers_whole_file;
    for (size_t j = i + 1; j < checked.size() && signed_revisions; ++j) {
      const Checked& later = checked[j];
      signed_revisions = later.range_ok && later.report.digest_matches &&
                         later.report.signature_valid && later.gap_start >= checked[i].end;
    }
    r.changes_after =
        signed_revisions ? ChangesAfter::kSignedRevisions : ChangesAfter::kUnsignedChanges;
    // A broken /ByteRange already says that what it covers is unknown.
    if (!signed_revisions && checked[i].range_ok) {
      r.problems.push_back(
          "The file was changed after this signature: bytes were added that no valid later "
          "signature covers.");
    }
  }
}

std::string SizeText(int64_t bytes) {
  if (bytes % (1 << 20) == 0) return absl::StrCat(bytes >> 20, " MB");
  return absl::StrCat(bytes, " bytes");
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path, int64_t max_bytes) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a file"));
  }
  if (st.st_size > max_bytes) {
    close(fd);
    return absl::ResourceExhaustedError(absl::StrCat("the file is over ", SizeText(max_bytes)));
  }
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      close(fd);
      return absl::InternalError(absl::StrCat("reading ", path, ": ", std::strerror(err)));
    }
    if (n == 0) break;  // It shrank while we read; what we have is the file.
    done += static_cast<size_t>(n);
  }
  close(fd);
  bytes.resize(done);
  return bytes;
}

}  // namespace

absl::StatusOr<VerifyReport> VerifyPdf(const std::string& path, const VerifyOptions& options) {
  // The parent reads the bytes once; the child parses this very copy (it is
  // forked with it), so both judge the same file.
  ASSIGN_OR_RETURN(const std::string file, ReadWholeFile(path, options.max_bytes));
  if (absl::string_view(file).substr(0, kHeaderWindow).find("%PDF-") == absl::string_view::npos) {
    return absl::InvalidArgumentError("the file is not a PDF");
  }
  std::vector<X509Ptr> roots;
  for (size_t i = 0; i < options.trusted_roots_der.size(); ++i) {
    X509Ptr root(FromDer(d2i_X509, options.trusted_roots_der[i]));
    if (root == nullptr) {
      ERR_clear_error();
      return absl::InvalidArgumentError(
          absl::StrCat("trusted root ", i + 1, " is not a DER certificate"));
    }
    roots.push_back(std::move(root));
  }

  internal::SandboxLimits limits;
  limits.time_limit = options.time_limit;
  limits.result_bytes = static_cast<int64_t>(file.size()) + kResultOverhead;
  internal::SandboxResult run = internal::RunSandboxed(
      limits, [&]() -> absl::StatusOr<std::string> { return ReadSignatureFields(file); });
  const absl::Status& status = run.value.status();
  switch (run.end) {
    case internal::SandboxEnd::kFinished:
      break;
    case internal::SandboxEnd::kTimedOut:
    case internal::SandboxEnd::kOutOfMemory:
      return absl::Status(status.code(), absl::StrCat("reading the PDF ", status.message(),
                                                      "; it may be malformed"));
    case internal::SandboxEnd::kCrashed:
      return absl::InvalidArgumentError(
          absl::StrCat("reading the PDF ", status.message(), "; it is malformed or hostile"));
    case internal::SandboxEnd::kFileTooBig:
    case internal::SandboxEnd::kResultTooBig:
    case internal::SandboxEnd::kFailed:
      return absl::InternalError(absl::StrCat("reading the PDF: ", status.message()));
  }
  ASSIGN_OR_RETURN(const std::string fields, std::move(run.value));
  ASSIGN_OR_RETURN(const std::vector<RawSignature> raw, Parse(fields));

  std::vector<Checked> checked;
  for (const RawSignature& signature : raw) {
    checked.push_back(CheckSignature(file, signature, roots, options));
  }
  std::stable_sort(checked.begin(), checked.end(),
                   [](const Checked& a, const Checked& b) { return a.end < b.end; });
  SetChangesAfter(checked);
  VerifyReport report;
  report.file_size = static_cast<int64_t>(file.size());
  for (Checked& c : checked) report.signatures.push_back(std::move(c.report));
  return report;
}

}  // namespace hopso::pdf
