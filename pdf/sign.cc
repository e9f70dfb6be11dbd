#include "pdf/sign.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <podofo/podofo.h>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "pdf/composer.h"
#include "pdf/internal/files.h"
#include "pdf/internal/layout.h"
#include "pdf/internal/openssl_util.h"
#include "pdf/internal/podofo_status.h"
#include "pdf/internal/status_macros.h"

namespace hopso::pdf {
namespace {

using internal::CmsPtr;
using internal::Digest;
using internal::OpenSslError;
using internal::ToDer;

// Bytes reserved for the DER CMS in /Contents: room for a chain and an
// RFC 3161 timestamp token (B-T) with the TSA's own chain.
constexpr size_t kSignatureBytes = 16384;
constexpr double kAppearanceFontPt = 10;
constexpr double kAppearancePaddingPt = 4;

// Vietnam keeps UTC+07:00 all year.
absl::TimeZone VietnamTime() { return absl::FixedTimeZone(7 * 60 * 60); }

// DER of a SET OF the SignerInfo's signed attributes: what the signature
// value signs (RFC 5652 5.4). DER sorts a SET OF by its elements' encodings,
// as OpenSSL does when it writes the [0] IMPLICIT form into the SignerInfo.
absl::StatusOr<std::string> SignedAttributesDer(CMS_SignerInfo* si) {
  std::vector<std::string> elements;
  const int count = CMS_signed_get_attr_count(si);
  for (int i = 0; i < count; ++i) {
    std::string der = ToDer(i2d_X509_ATTRIBUTE, CMS_signed_get_attr(si, i));
    if (der.empty()) return OpenSslError("encoding a signed attribute");
    elements.push_back(std::move(der));
  }
  std::sort(elements.begin(), elements.end());  // bytewise; a prefix sorts first
  std::string body;
  for (const std::string& e : elements) body += e;
  std::string out(1, '\x31');  // SET
  const size_t n = body.size();
  if (n < 0x80) {
    out.push_back(static_cast<char>(n));
  } else {
    std::string len;
    for (size_t v = n; v > 0; v >>= 8) len.insert(len.begin(), static_cast<char>(v & 0xff));
    out.push_back(static_cast<char>(0x80 | len.size()));
    out += len;
  }
  return out + body;
}

// The CMS SignedData (DER) over `content`: detached, SHA-256, signed
// attributes content-type, message-digest and signing-certificate-v2 and no
// signing-time; the signature value comes from `key`. With an `authority`,
// its token over the signature value is the unsigned attribute
// id-aa-signatureTimeStampToken (PAdES B-T; RFC 3161 appendix A).
absl::StatusOr<std::string> BuildCms(const std::string& content, SignatureKey& key,
                                     TimestampAuthority* authority) {
  ERR_clear_error();
  X509* cert = key.certificate();
  if (cert == nullptr) return absl::InvalidArgumentError("the signing key has no certificate");
  const std::string digest = Digest(EVP_sha256(), content);
  if (digest.empty()) return OpenSslError("hashing the signed bytes");
  CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr,
                      CMS_DETACHED | CMS_BINARY | CMS_PARTIAL));
  if (cms == nullptr) return OpenSslError("creating the CMS");
  // CMS_add1_signer wants a key only to pick the signature algorithm and to
  // check it matches the certificate: the certificate's public key does
  // both, and the signing happens below through `key`. CMS_PARTIAL: do not
  // sign now (OpenSSL would add signing-time).
  EVP_PKEY* public_key = X509_get0_pubkey(cert);
  if (public_key == nullptr) return OpenSslError("reading the certificate's public key");
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), cert, public_key, EVP_sha256(),
                                       CMS_CADES | CMS_NOSMIMECAP | CMS_PARTIAL | CMS_BINARY);
  if (si == nullptr) return OpenSslError("adding the signer");
  for (X509* extra : key.chain()) {
    if (extra != nullptr && CMS_add1_cert(cms.get(), extra) != 1) {
      return OpenSslError("adding a chain certificate");
    }
  }
  if (CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                  OBJ_nid2obj(NID_pkcs7_data), -1) != 1 ||
      CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest.data(),
                                  static_cast<int>(digest.size())) != 1) {
    return OpenSslError("adding the signed attributes");
  }
  // B-B: the claimed time is the signature dictionary's /M, never a CMS
  // signing-time (none is added on this path; make sure).
  for (int loc; (loc = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1)) >= 0;) {
    X509_ATTRIBUTE_free(CMS_signed_delete_attr(si, loc));
  }
  ASSIGN_OR_RETURN(const std::string to_sign, SignedAttributesDer(si));
  ASSIGN_OR_RETURN(const std::string signature, key.Sign(to_sign));
  if (signature.empty()) return absl::InternalError("the signing key returned no signature");
  ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(si);
  if (value == nullptr ||
      ASN1_STRING_set(value, signature.data(), static_cast<int>(signature.size())) != 1) {
    return OpenSslError("setting the signature value");
  }
  if (authority != nullptr) {
    ASSIGN_OR_RETURN(const std::string token, authority->Timestamp(signature));
    // A SEQUENCE attribute value is stored as its whole DER encoding.
    if (CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE,
                                      token.data(), static_cast<int>(token.size())) != 1) {
      return OpenSslError("adding the timestamp token");
    }
  }
  std::string der = ToDer(i2d_CMS_ContentInfo, cms.get());
  if (der.empty()) return OpenSslError("encoding the CMS");
  return der;
}

// True when the AcroForm (or its kids) holds a field named `name`.
bool HasField(PoDoFo::PdfMemDocument& doc, const PoDoFo::PdfObject* fields,
              const std::string& name, int depth) {
  if (fields == nullptr || depth > 16) return false;
  if (fields->IsReference()) fields = doc.GetObjects().GetObject(fields->GetReference());
  if (fields == nullptr || !fields->IsArray()) return false;
  for (const PoDoFo::PdfObject& item : fields->GetArray()) {
    const PoDoFo::PdfObject* field =
        item.IsReference() ? doc.GetObjects().GetObject(item.GetReference()) : &item;
    if (field == nullptr || !field->IsDictionary()) continue;
    const PoDoFo::PdfObject* t = field->GetDictionary().GetKey("T");
    if (t != nullptr && t->IsString() && t->GetString().GetStringUtf8() == name) return true;
    if (HasField(doc, field->GetDictionary().GetKey("Kids"), name, depth + 1)) return true;
  }
  return false;
}

// Writes the signed copy to `temp`; the caller renames or removes it.
absl::Status WriteSigned(const std::string& in_path, const std::string& temp,
                         const std::string& field_name, const SignatureAppearance& appearance,
                         const std::vector<std::string>& lines, SignatureKey& key,
                         TimestampAuthority* timestamp_authority, const std::string& doing) {
  PoDoFo::PdfMemDocument doc;
  doc.Load(in_path.c_str(), /*bForUpdate=*/true);
  if (doc.GetEncrypted()) {
    return absl::FailedPreconditionError(absl::StrCat(doing, ": the PDF is encrypted"));
  }
  if (appearance.page < 0 || appearance.page >= doc.GetPageCount()) {
    return absl::InvalidArgumentError(
        absl::StrCat(doing, ": the PDF has no page ", appearance.page + 1));
  }
  if (appearance.width <= 0 || appearance.height <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(doing, ": empty signature rectangle"));
  }
  if (PoDoFo::PdfAcroForm* form = doc.GetAcroForm(/*bCreate=*/false); form != nullptr) {
    if (HasField(doc, form->GetObject()->GetDictionary().GetKey("Fields"), field_name, 0)) {
      return absl::AlreadyExistsError(
          absl::StrCat(doing, ": the PDF already has a field named ", field_name));
    }
  }
  PoDoFo::PdfAcroForm* form =
      doc.GetAcroForm(/*bCreate=*/true, PoDoFo::ePdfAcroFormDefaultAppearance_None);
  form->GetObject()->GetDictionary().AddKey("SigFlags", PoDoFo::PdfObject(PoDoFo::pdf_int64(3)));

  PoDoFo::PdfPage* page = doc.GetPage(appearance.page);
  const PoDoFo::PdfRect rect(appearance.x, appearance.y, appearance.width, appearance.height);
  PoDoFo::PdfAnnotation* widget = page->CreateAnnotation(PoDoFo::ePdfAnnotation_Widget, rect);
  widget->SetFlags(PoDoFo::ePdfAnnotationFlags_Print);
  PoDoFo::PdfSignatureField field(widget, form, &doc);
  field.SetFieldName(PoDoFo::PdfString(field_name.c_str()));

  // The visible block.
  PoDoFo::PdfXObject xobject(PoDoFo::PdfRect(0, 0, appearance.width, appearance.height), &doc);
  {
    PoDoFo::PdfPainter painter;
    internal::FinishPainter finish(painter);
    painter.SetPage(&xobject);
    painter.SetStrokingColor(0.1, 0.2, 0.6);
    painter.SetStrokeWidth(0.8);
    painter.Rectangle(0.4, 0.4, appearance.width - 0.8, appearance.height - 0.8);
    painter.Stroke();
    ASSIGN_OR_RETURN(PoDoFo::PdfFont * font,
                     internal::LoadFont(doc, kDefaultFontDir, /*bold=*/false, /*italic=*/false));
    const double inner_w = appearance.width - 2 * kAppearancePaddingPt;
    const double inner_h = appearance.height - 2 * kAppearancePaddingPt;
    double size = std::min(kAppearanceFontPt, inner_h / (1.2 * static_cast<double>(lines.size())));
    for (const std::string& line : lines) {
      font->SetFontSize(static_cast<float>(size));
      const double w = internal::WidthPt(font, line);
      if (w > inner_w) size = std::min(size, size * inner_w / w);
    }
    size = std::max(size, 1.0);
    const double line_pt = size * 1.2;
    const double baseline_offset = internal::BaselineOffsetPt(font, size, line_pt);
    double top = appearance.height - kAppearancePaddingPt;
    painter.SetColor(0, 0, 0);
    for (const std::string& text : lines) {
      internal::PaintLine(painter, font, size, kAppearancePaddingPt, top - baseline_offset,
                          inner_w, internal::Line{text, true}, Align::kLeft);
      top -= line_pt;
    }
  }
  field.SetAppearanceStream(&xobject);

  // The signature dictionary: keys are written sorted and /ByteRange must
  // directly precede /Contents, so nothing between them (no /Cert,
  // /Changes, /ContactInfo).
  field.EnsureSignatureObject();
  PoDoFo::PdfDictionary& sig = field.GetSignatureObject()->GetDictionary();
  sig.AddKey("SubFilter", PoDoFo::PdfName("ETSI.CAdES.detached"));
  const absl::Time when = absl::FromUnixMicros(appearance.time_micros);
  const PoDoFo::PdfString pdf_time(
      absl::FormatTime("D:%Y%m%d%H%M%S+07'00'", when, VietnamTime()).c_str());
  sig.AddKey("M", pdf_time);
  // The widget's own modification date: the same claimed time, not the
  // moment of writing.
  widget->GetObject()->GetDictionary().AddKey("M", pdf_time);

  PoDoFo::PdfSignOutputDevice signer(temp.c_str());
  signer.SetSignatureSize(kSignatureBytes);
  field.SetSignature(*signer.GetSignatureBeacon());
  doc.WriteUpdate(&signer, /*bTruncate=*/true);
  if (!signer.HasSignaturePosition()) {
    return absl::InternalError(absl::StrCat(doing, ": the signature placeholder was not written"));
  }
  signer.AdjustByteRange();
  signer.Seek(0);
  std::string content;
  std::vector<char> buf(65536);
  for (size_t n; (n = signer.ReadForSignature(buf.data(), buf.size())) > 0;) {
    content.append(buf.data(), n);
  }
  ASSIGN_OR_RETURN(const std::string der, BuildCms(content, key, timestamp_authority));
  if (der.size() > kSignatureBytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        doing, ": the signature", timestamp_authority != nullptr ? " with its timestamp" : "",
        " is ", der.size(), " bytes, more than the ", kSignatureBytes,
        " reserved for it in the PDF"));
  }
  signer.SetSignature(PoDoFo::PdfData(der.data(), der.size()));
  signer.Flush();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<LocalKey>> LocalKey::Create(EVP_PKEY* key, X509* certificate,
                                                           const std::vector<X509*>& chain) {
  if (key == nullptr || certificate == nullptr) {
    return absl::InvalidArgumentError("LocalKey needs a key and a certificate");
  }
  ERR_clear_error();
  if (X509_check_private_key(certificate, key) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError("the key does not match the certificate");
  }
  EVP_PKEY_up_ref(key);
  X509_up_ref(certificate);
  std::vector<X509*> own;
  for (X509* c : chain) {
    if (c == nullptr) continue;
    X509_up_ref(c);
    own.push_back(c);
  }
  return std::unique_ptr<LocalKey>(new LocalKey(key, certificate, std::move(own)));
}

LocalKey::~LocalKey() {
  EVP_PKEY_free(key_);
  X509_free(certificate_);
  for (X509* c : chain_) X509_free(c);
}

absl::StatusOr<std::string> LocalKey::Sign(absl::string_view data_to_sign) {
  ERR_clear_error();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return absl::ResourceExhaustedError("out of memory");
  std::string out;
  size_t len = 0;
  // RSA defaults to PKCS#1 v1.5 padding; EC gives a DER Ecdsa-Sig-Value.
  bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len,
                           reinterpret_cast<const unsigned char*>(data_to_sign.data()),
                           data_to_sign.size()) == 1;
  if (ok) {
    out.resize(len);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                        reinterpret_cast<const unsigned char*>(data_to_sign.data()),
                        data_to_sign.size()) == 1;
    out.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) return OpenSslError("signing");
  return out;
}

absl::StatusOr<std::vector<std::string>> AppearanceLines(const SignatureAppearance& appearance) {
  const absl::Time when = absl::FromUnixMicros(appearance.time_micros);
  std::vector<std::string> raw = {
      absl::StrCat("Ký bởi: ", appearance.signer_name),
      appearance.role,
      absl::StrCat("Thời gian: ", absl::FormatTime("%d/%m/%Y %H:%M", when, VietnamTime())),
  };
  if (!appearance.place.empty()) raw.push_back(absl::StrCat("Tại: ", appearance.place));
  std::vector<std::string> lines;
  for (const std::string& line : raw) {
    if (line.empty()) continue;
    ASSIGN_OR_RETURN(std::string prepared, internal::PrepareText(line));
    lines.push_back(std::move(prepared));
  }
  return lines;
}

absl::Status SignPdf(const std::string& in_path, const std::string& out_path,
                     const std::string& field_name, const SignatureAppearance& appearance,
                     SignatureKey& key, TimestampAuthority* timestamp_authority) {
  internal::SilencePodofo();
  const std::string doing = absl::StrCat("signing ", in_path);
  if (field_name.empty() ||
      !std::all_of(field_name.begin(), field_name.end(),
                   [](char c) { return c > 0x20 && c < 0x7f && c != '.'; })) {
    return absl::InvalidArgumentError(
        absl::StrCat(doing, ": a field name is printable ASCII without spaces or dots"));
  }
  ASSIGN_OR_RETURN(const std::vector<std::string> lines, AppearanceLines(appearance));
  const std::string temp = absl::StrCat(out_path, ".part");
  absl::Status status;
  try {
    status =
        WriteSigned(in_path, temp, field_name, appearance, lines, key, timestamp_authority, doing);
  } catch (const PoDoFo::PdfError& e) {
    status = internal::PdfErrorToStatus(e, doing);
  }
  if (!status.ok()) {
    std::remove(temp.c_str());
    return status;
  }
  return internal::MoveIntoPlace(temp, out_path);
}

}  // namespace hopso::pdf
