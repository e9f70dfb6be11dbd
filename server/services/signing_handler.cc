#include "server/services/signing_handler.h"

#include <unistd.h>

#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "pdf/minutes.h"
#include "pdf/sign.h"
#include "pdf/verify.h"
#include "server/services/meeting_handler.h"
#include "server/services/minutes_builder.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"
#include "server/util/text.h"

namespace hopso::server {
namespace {

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

// Token labels are at most 32 bytes; a random part lets a failed set-up be
// retried without colliding with the token it left behind.
std::string NewTokenLabel(absl::string_view prefix) {
  return absl::StrCat(prefix, NewId().substr(0, 16));
}

// Secrets the server holds for a token (SO PINs, the CA's user PIN, the
// throwaway first PIN of a new key).
std::string NewTokenSecret() { return Base32Encode(RandomBytes(20)); }

absl::Status ValidatePin(absl::string_view field, absl::string_view pin) {
  if (pin.size() < 6 || pin.size() > 32) {
    return absl::InvalidArgumentError(absl::StrCat(field, " must be 6 to 32 characters"));
  }
  for (char ch : pin) {
    if (static_cast<unsigned char>(ch) < 0x21 || static_cast<unsigned char>(ch) > 0x7e) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " may hold only letters, digits and punctuation (no spaces)"));
    }
  }
  return absl::OkStatus();
}

absl::Status AppendMeetingEvent(Transaction& tx, const Caller& c, absl::string_view meeting_id,
                                const v1::EventBody& body) {
  return tx.AppendEvent(meeting_id, c.user_id, NowMicros(), body).status();
}

absl::Status MinutesEvent(Transaction& tx, const Caller& c, const v1::Minutes& minutes) {
  v1::EventBody body;
  *body.mutable_minutes_changed()->mutable_minutes() = minutes;
  body.mutable_minutes_changed()->mutable_minutes()->clear_signatures();
  return AppendMeetingEvent(tx, c, minutes.meeting_id(), body);
}

absl::Status SignatureEvent(Transaction& tx, const Caller& c, const v1::SignatureRequest& r) {
  v1::EventBody body;
  *body.mutable_signature_changed()->mutable_request() = r;
  return AppendMeetingEvent(tx, c, r.meeting_id(), body);
}

// The stored minutes, or a fresh record in state NONE.
absl::StatusOr<v1::Minutes> LoadMinutes(Transaction& tx, absl::string_view meeting_id) {
  absl::StatusOr<v1::Minutes> m = tx.GetMinutes(meeting_id);
  if (absl::IsNotFound(m.status())) {
    v1::Minutes fresh;
    fresh.set_meeting_id(std::string(meeting_id));
    fresh.set_state(v1::MINUTES_STATE_NONE);
    return fresh;
  }
  return m;
}

absl::Status WithSignatures(Transaction& tx, v1::Minutes& m) {
  ASSIGN_OR_RETURN(std::vector<SignatureRequestRecord> requests,
                   tx.ListSignatureRequests(m.meeting_id()));
  m.clear_signatures();
  for (SignatureRequestRecord& r : requests) *m.add_signatures() = std::move(r.request);
  return absl::OkStatus();
}

absl::Status RefuseOnceFrozen(const v1::Minutes& m) {
  if (m.state() == v1::MINUTES_STATE_SIGNING || m.state() == v1::MINUTES_STATE_SIGNED) {
    return absl::FailedPreconditionError(
        "the minutes are frozen: signatures were requested, so they can no longer be changed");
  }
  return absl::OkStatus();
}

std::string RoleText(v1::MeetingRole role) {
  switch (role) {
    case v1::MEETING_ROLE_CHAIR:
      return "Chủ tọa";
    case v1::MEETING_ROLE_SECRETARY:
      return "Thư ký";
    default:
      return "Đại biểu";
  }
}

// Each PEM block of `bundle` as a certificate.
absl::StatusOr<std::vector<signing::X509Ptr>> ParseChain(absl::string_view bundle) {
  std::vector<signing::X509Ptr> out;
  static constexpr absl::string_view kEnd = "-----END CERTIFICATE-----";
  size_t start = 0;
  while (true) {
    size_t end = bundle.find(kEnd, start);
    if (end == absl::string_view::npos) break;
    ASSIGN_OR_RETURN(out.emplace_back(),
                     signing::ParseCertificate(bundle.substr(start, end + kEnd.size() - start)));
    start = end + kEnd.size();
  }
  return out;
}

class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  ~TempFile() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

SigningHandler::SigningHandler(Store& store, BlobStore& blobs, DocumentHandler& documents,
                               SigningOptions options)
    : store_(store), blobs_(blobs), documents_(documents), options_(std::move(options)) {
  if (!options_.tsa_url.empty()) {
    absl::StatusOr<std::unique_ptr<pdf::HttpTimestampAuthority>> tsa =
        pdf::HttpTimestampAuthority::Create(options_.tsa_url);
    // hopsod checks the URL at start-up; a bad one here leaves signing at B-B.
    if (tsa.ok()) tsa_ = *std::move(tsa);
  }
}

SigningHandler::~SigningHandler() = default;

absl::StatusOr<signing::Pkcs11Module*> SigningHandler::Module() {
  absl::MutexLock lock(&module_mu_);
  if (module_ == nullptr) {
    ASSIGN_OR_RETURN(module_, signing::Pkcs11Module::Open(options_.pkcs11_module));
  }
  return module_.get();
}

absl::StatusOr<std::unique_ptr<signing::TokenKey>> SigningHandler::OpenCaKey(const CaRecord& ca) {
  ASSIGN_OR_RETURN(signing::Pkcs11Module * module, Module());
  ASSIGN_OR_RETURN(signing::X509Ptr cert, signing::ParseCertificate(ca.certificate_der));
  return module->OpenKey(ca.token_label, ca.token_pin, std::move(cert), {});
}

v1::SigningKey SigningHandler::Shown(const SigningKeyRecord& record) const {
  v1::SigningKey key = record.key;
  key.set_pin_tries_left(std::max(0, options_.max_pin_tries - record.failed_pins));
  return key;
}

// ---- the organisation CA ----

absl::Status SigningHandler::InitCertificateAuthority(
    const Caller& c, const v1::InitCertificateAuthorityRequest& req,
    v1::CertificateAuthority* out) {
  const std::string org_id = req.organization_id().empty() ? c.organization_id
                                                            : req.organization_id();
  RETURN_IF_ERROR(CheckUserAction("SigningService/InitCertificateAuthority", c, org_id));
  RETURN_IF_ERROR(RequireId("organization_id", org_id));
  v1::Organization org;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(org, tx.GetOrganization(org_id));
    absl::StatusOr<CaRecord> existing = tx.GetCa(org_id);
    if (existing.ok()) {
      return absl::AlreadyExistsError(
          absl::StrCat("organisation ", org.name(), " already has a CA"));
    }
    return absl::IsNotFound(existing.status()) ? absl::OkStatus() : existing.status();
  }));
  ASSIGN_OR_RETURN(signing::Pkcs11Module * module, Module());
  CaRecord ca{org_id, NewTokenLabel("hopso-ca-"), NewTokenSecret(), NewTokenSecret(), "",
              NowMicros()};
  RETURN_IF_ERROR(
      module->CreateTokenWithKey(ca.token_label, ca.so_pin, ca.token_pin, options_.ca_rsa_bits)
          .status());
  ASSIGN_OR_RETURN(std::unique_ptr<signing::TokenKey> key,
                   module->OpenKey(ca.token_label, ca.token_pin, nullptr, {}));
  ASSIGN_OR_RETURN(signing::X509Ptr cert,
                   signing::MakeCaCertificate(key->private_key(), {.organisation = org.name()}));
  ca.certificate_der = signing::CertificateDer(cert.get());
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) { return tx.InsertCa(ca); }));
  v1::GetCertificateAuthorityRequest get;
  get.set_organization_id(org_id);
  return GetCertificateAuthority(c, get, out);
}

absl::Status SigningHandler::GetCertificateAuthority(const Caller& c,
                                                     const v1::GetCertificateAuthorityRequest& req,
                                                     v1::CertificateAuthority* out) {
  const std::string org_id = req.organization_id().empty() ? c.organization_id
                                                            : req.organization_id();
  RETURN_IF_ERROR(CheckUserAction("SigningService/GetCertificateAuthority", c, org_id));
  RETURN_IF_ERROR(RequireId("organization_id", org_id));
  CaRecord ca;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(ca, tx.GetCa(org_id));
    return absl::OkStatus();
  }));
  ASSIGN_OR_RETURN(signing::X509Ptr cert, signing::ParseCertificate(ca.certificate_der));
  out->set_organization_id(org_id);
  out->set_common_name(signing::CommonName(cert.get()));
  out->set_certificate_der(ca.certificate_der);
  out->set_certificate_pem(signing::CertificatePem(cert.get()));
  out->mutable_not_after()->set_unix_micros(signing::NotAfterMicros(cert.get()));
  return absl::OkStatus();
}

// ---- signers' keys ----

absl::Status SigningHandler::CreateSigningKey(const Caller& c,
                                              const v1::CreateSigningKeyRequest& req,
                                              v1::SigningKey* out) {
  RETURN_IF_ERROR(RequireId("user_id", req.user_id()));
  if (req.issuer() != v1::CERTIFICATE_ISSUER_ORGANISATION_CA &&
      req.issuer() != v1::CERTIFICATE_ISSUER_OUTSIDE_CA) {
    return absl::InvalidArgumentError("issuer must be the organisation CA or an outside CA");
  }
  UserRecord user;
  std::optional<CaRecord> ca;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    absl::StatusOr<UserRecord> found = tx.GetUser(req.user_id());
    RETURN_IF_ERROR(CheckUserAction("SigningService/CreateSigningKey", c,
                                    found.ok() ? found->user.organization_id() : "",
                                    req.user_id()));
    ASSIGN_OR_RETURN(user, std::move(found));
    absl::StatusOr<SigningKeyRecord> existing = tx.GetSigningKey(req.user_id());
    if (existing.ok()) {
      return absl::AlreadyExistsError(
          absl::StrCat(user.user.full_name(), " already has a signing key"));
    }
    RETURN_IF_ERROR(absl::IsNotFound(existing.status()) ? absl::OkStatus() : existing.status());
    if (req.issuer() == v1::CERTIFICATE_ISSUER_ORGANISATION_CA) {
      absl::StatusOr<CaRecord> found_ca = tx.GetCa(user.user.organization_id());
      if (absl::IsNotFound(found_ca.status())) {
        return absl::FailedPreconditionError(
            "the organisation has no CA yet: create it first (hopsoctl ca init)");
      }
      ASSIGN_OR_RETURN(ca, std::move(found_ca));
    }
    return absl::OkStatus();
  }));
  std::string org_name;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(v1::Organization org, tx.GetOrganization(user.user.organization_id()));
    org_name = org.name();
    return absl::OkStatus();
  }));

  ASSIGN_OR_RETURN(signing::Pkcs11Module * module, Module());
  SigningKeyRecord record;
  record.key.set_user_id(req.user_id());
  record.key.set_issuer(req.issuer());
  record.key.set_token_label(NewTokenLabel("hopso-u-"));
  record.so_pin = NewTokenSecret();
  // The first user PIN only lives here: it signs the certificate request, then
  // the owner replaces it (SetPin, through the SO PIN).
  const std::string first_pin = NewTokenSecret();
  ASSIGN_OR_RETURN(signing::EvpPkeyPtr public_key,
                   module->CreateTokenWithKey(record.key.token_label(), record.so_pin, first_pin,
                                              options_.signer_rsa_bits));
  const signing::SignerSubject subject{.full_name = user.user.full_name(),
                                       .organisation = org_name,
                                       .user_id = user.user.id()};
  if (ca.has_value()) {
    ASSIGN_OR_RETURN(std::unique_ptr<signing::TokenKey> ca_key, OpenCaKey(*ca));
    ASSIGN_OR_RETURN(signing::X509Ptr cert,
                     signing::IssueSignerCertificate(ca_key->private_key(), ca_key->certificate(),
                                                     public_key.get(), subject));
    record.key.set_certificate_pem(signing::CertificatePem(cert.get()));
    record.key.set_subject(signing::CommonName(cert.get()));
    record.key.mutable_not_after()->set_unix_micros(signing::NotAfterMicros(cert.get()));
    record.key.set_state(v1::SIGNING_KEY_STATE_AWAITING_PIN);
  } else {
    ASSIGN_OR_RETURN(std::unique_ptr<signing::TokenKey> key,
                     module->OpenKey(record.key.token_label(), first_pin, nullptr, {}));
    ASSIGN_OR_RETURN(std::string csr,
                     signing::MakeCertificateRequestPem(key->private_key(), subject));
    record.key.set_certificate_request_pem(csr);
    record.key.set_subject(user.user.full_name());
    record.key.set_state(v1::SIGNING_KEY_STATE_AWAITING_CERTIFICATE);
  }
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) { return tx.PutSigningKey(record); }));
  *out = Shown(record);
  return absl::OkStatus();
}

absl::Status SigningHandler::AttachCertificate(const Caller& c,
                                               const v1::AttachCertificateRequest& req,
                                               v1::SigningKey* out) {
  ASSIGN_OR_RETURN(SigningKeyRecord record,
                   KeyAsAdmin(c, "SigningService/AttachCertificate", req.user_id()));
  if (record.key.issuer() != v1::CERTIFICATE_ISSUER_OUTSIDE_CA) {
    return absl::FailedPreconditionError(
        "this key's certificate comes from the organisation CA; nothing to attach");
  }
  ASSIGN_OR_RETURN(std::vector<signing::X509Ptr> given, ParseChain(req.certificate()));
  if (given.empty()) {
    ASSIGN_OR_RETURN(given.emplace_back(), signing::ParseCertificate(req.certificate()));
  }
  std::string chain_pem;
  for (size_t i = 1; i < given.size(); ++i) {
    absl::StrAppend(&chain_pem, signing::CertificatePem(given[i].get()));
  }
  for (const std::string& extra : req.chain()) {
    ASSIGN_OR_RETURN(signing::X509Ptr cert, signing::ParseCertificate(extra));
    absl::StrAppend(&chain_pem, signing::CertificatePem(cert.get()));
  }
  ASSIGN_OR_RETURN(signing::Pkcs11Module * module, Module());
  ASSIGN_OR_RETURN(signing::EvpPkeyPtr public_key, module->PublicKey(record.key.token_label()));
  RETURN_IF_ERROR(
      signing::CheckSignerCertificate(given[0].get(), public_key.get(), NowMicros()));
  record.key.set_certificate_pem(signing::CertificatePem(given[0].get()));
  record.key.clear_certificate_request_pem();
  record.key.set_subject(signing::CommonName(given[0].get()));
  record.key.mutable_not_after()->set_unix_micros(signing::NotAfterMicros(given[0].get()));
  record.chain_pem = chain_pem;
  if (record.key.state() == v1::SIGNING_KEY_STATE_AWAITING_CERTIFICATE) {
    record.key.set_state(v1::SIGNING_KEY_STATE_AWAITING_PIN);
  }
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) { return tx.PutSigningKey(record); }));
  *out = Shown(record);
  return absl::OkStatus();
}

absl::Status SigningHandler::ResetPin(const Caller& c, const v1::ResetPinRequest& req,
                                      v1::SigningKey* out) {
  ASSIGN_OR_RETURN(SigningKeyRecord record,
                   KeyAsAdmin(c, "SigningService/ResetPin", req.user_id()));
  if (record.key.state() == v1::SIGNING_KEY_STATE_AWAITING_CERTIFICATE) {
    return absl::FailedPreconditionError("the key has no certificate yet; attach it first");
  }
  ASSIGN_OR_RETURN(signing::Pkcs11Module * module, Module());
  // Nobody knows the new PIN: the owner must set their own before signing.
  RETURN_IF_ERROR(
      module->InitUserPin(record.key.token_label(), record.so_pin, NewTokenSecret()));
  record.key.set_state(v1::SIGNING_KEY_STATE_AWAITING_PIN);
  record.failed_pins = 0;
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) { return tx.PutSigningKey(record); }));
  *out = Shown(record);
  return absl::OkStatus();
}

absl::Status SigningHandler::GetSigningKey(const Caller& c, const v1::GetSigningKeyRequest& req,
                                           v1::SigningKey* out) {
  SigningKeyRecord record;
  if (req.user_id().empty() || req.user_id() == c.user_id) {
    RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(record, tx.GetSigningKey(c.user_id));
      return absl::OkStatus();
    }));
  } else {
    ASSIGN_OR_RETURN(record, KeyAsAdmin(c, "SigningService/GetSigningKey", req.user_id()));
  }
  *out = Shown(record);
  return absl::OkStatus();
}

absl::StatusOr<SigningKeyRecord> SigningHandler::KeyAsAdmin(const Caller& c,
                                                            absl::string_view rpc,
                                                            absl::string_view user_id) {
  RETURN_IF_ERROR(RequireId("user_id", user_id));
  SigningKeyRecord record;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    absl::StatusOr<UserRecord> user = tx.GetUser(user_id);
    // Only those who may act on the user learn whether they exist.
    RETURN_IF_ERROR(
        CheckUserAction(rpc, c, user.ok() ? user->user.organization_id() : "", user_id));
    RETURN_IF_ERROR(user.status());
    ASSIGN_OR_RETURN(record, tx.GetSigningKey(user_id));
    return absl::OkStatus();
  }));
  return record;
}

absl::Status SigningHandler::SetPin(const Caller& c, const v1::SetPinRequest& req,
                                    v1::SigningKey* out) {
  RETURN_IF_ERROR(ValidatePin("pin", req.pin()));
  SigningKeyRecord record;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(record, tx.GetSigningKey(c.user_id));
    return absl::OkStatus();
  }));
  if (record.key.state() != v1::SIGNING_KEY_STATE_AWAITING_PIN) {
    return absl::FailedPreconditionError(
        record.key.state() == v1::SIGNING_KEY_STATE_AWAITING_CERTIFICATE
            ? "your key has no certificate yet"
            : "your PIN is already set: change it with the old one (ChangePin), or ask an "
              "administrator to reset it");
  }
  ASSIGN_OR_RETURN(signing::Pkcs11Module * module, Module());
  RETURN_IF_ERROR(module->InitUserPin(record.key.token_label(), record.so_pin, req.pin()));
  record.key.set_state(v1::SIGNING_KEY_STATE_READY);
  record.failed_pins = 0;
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) { return tx.PutSigningKey(record); }));
  *out = Shown(record);
  return absl::OkStatus();
}

absl::Status SigningHandler::WrongPin(const std::string& user_id) {
  int left = 0;
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(SigningKeyRecord record, tx.GetSigningKey(user_id));
    ++record.failed_pins;
    left = std::max(0, options_.max_pin_tries - record.failed_pins);
    if (left == 0) record.key.set_state(v1::SIGNING_KEY_STATE_LOCKED);
    return tx.PutSigningKey(record);
  }));
  if (left == 0) {
    return absl::PermissionDeniedError(
        "wrong PIN; the key is now locked: an administrator must reset the PIN");
  }
  return absl::PermissionDeniedError(absl::StrCat("wrong PIN; ", left, left == 1 ? " try" : " tries",
                                                  " left before the key locks"));
}

absl::Status SigningHandler::GoodPin(const SigningKeyRecord& record) {
  if (record.failed_pins == 0) return absl::OkStatus();
  return store_.Write([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(SigningKeyRecord fresh, tx.GetSigningKey(record.key.user_id()));
    fresh.failed_pins = 0;
    return tx.PutSigningKey(fresh);
  });
}

namespace {

// Refuses before the token is even asked when the key cannot sign.
absl::Status CheckKeyUsable(const SigningKeyRecord& record, int max_tries) {
  switch (record.key.state()) {
    case v1::SIGNING_KEY_STATE_READY:
      break;
    case v1::SIGNING_KEY_STATE_LOCKED:
      return absl::FailedPreconditionError(
          "your signing key is locked after too many wrong PINs: an administrator must reset "
          "the PIN");
    case v1::SIGNING_KEY_STATE_AWAITING_PIN:
      return absl::FailedPreconditionError("set your PIN first (hopsoctl pin set)");
    case v1::SIGNING_KEY_STATE_AWAITING_CERTIFICATE:
      return absl::FailedPreconditionError("your signing key has no certificate yet");
    default:
      return absl::FailedPreconditionError("your signing key is not usable");
  }
  if (record.failed_pins >= max_tries) {
    return absl::FailedPreconditionError("your signing key is locked after too many wrong PINs");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SigningHandler::ChangePin(const Caller& c, const v1::ChangePinRequest& req,
                                       v1::SigningKey* out) {
  RETURN_IF_ERROR(ValidatePin("new_pin", req.new_pin()));
  if (req.old_pin().empty()) return absl::InvalidArgumentError("old_pin is required");
  SigningKeyRecord record;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(record, tx.GetSigningKey(c.user_id));
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(CheckKeyUsable(record, options_.max_pin_tries));
  ASSIGN_OR_RETURN(signing::Pkcs11Module * module, Module());
  absl::Status changed =
      module->ChangeUserPin(record.key.token_label(), req.old_pin(), req.new_pin());
  if (absl::IsPermissionDenied(changed)) return WrongPin(c.user_id);
  RETURN_IF_ERROR(changed);
  RETURN_IF_ERROR(GoodPin(record));
  record.failed_pins = 0;
  *out = Shown(record);
  return absl::OkStatus();
}

// ---- minutes ----

absl::Status SigningHandler::SetMinutesText(const Caller& c, const v1::SetMinutesTextRequest& req,
                                            v1::Minutes* out) {
  RETURN_IF_ERROR(RequireId("meeting_id", req.meeting_id()));
  RETURN_IF_ERROR(ValidateText("number", req.number(), {.min_chars = 0, .max_chars = 60}));
  for (const std::string& paragraph : req.conclusions()) {
    RETURN_IF_ERROR(ValidateText("conclusions", paragraph, {.max_chars = 5000, .multiline = true}));
  }
  for (const v1::ItemConclusion& item : req.item_conclusions()) {
    RETURN_IF_ERROR(RequireId("item_conclusions.agenda_item_id", item.agenda_item_id()));
    RETURN_IF_ERROR(ValidateText("item_conclusions.text", item.text(),
                                 {.min_chars = 0, .max_chars = 5000, .multiline = true}));
  }
  return store_.Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "SetMinutesText", req.meeting_id()).status());
    ASSIGN_OR_RETURN(v1::Minutes m, LoadMinutes(tx, req.meeting_id()));
    RETURN_IF_ERROR(RefuseOnceFrozen(m));
    ASSIGN_OR_RETURN(std::vector<v1::AgendaItem> items, tx.ListAgendaItems(req.meeting_id()));
    for (const v1::ItemConclusion& given : req.item_conclusions()) {
      bool known = false;
      for (const v1::AgendaItem& item : items) known = known || item.id() == given.agenda_item_id();
      if (!known) {
        return absl::NotFoundError(absl::StrCat("agenda item ", given.agenda_item_id(),
                                                " is not on this meeting's agenda"));
      }
    }
    m.set_number(req.number());
    *m.mutable_item_conclusions() = req.item_conclusions();
    *m.mutable_conclusions() = req.conclusions();
    RETURN_IF_ERROR(tx.PutMinutes(m));
    RETURN_IF_ERROR(MinutesEvent(tx, c, m));
    RETURN_IF_ERROR(WithSignatures(tx, m));
    *out = std::move(m);
    return absl::OkStatus();
  });
}

absl::Status SigningHandler::GenerateMinutes(const Caller& c,
                                             const v1::GenerateMinutesRequest& req,
                                             v1::Minutes* out) {
  RETURN_IF_ERROR(RequireId("meeting_id", req.meeting_id()));
  absl::MutexLock lock(&documents_mu_);
  v1::Minutes m;
  BuiltMinutes built;
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(MeetingAccess access,
                     CheckedMeetingAccess(tx, c, "GenerateMinutes", req.meeting_id()));
    ASSIGN_OR_RETURN(m, LoadMinutes(tx, req.meeting_id()));
    RETURN_IF_ERROR(RefuseOnceFrozen(m));
    if (m.document_id().empty()) {
      // The minutes' QR code names the document, not one version: it leads to
      // the signed original once there is one.
      m.set_document_id(NewId());
      ASSIGN_OR_RETURN(std::string payload,
                       documents_.ReserveDocumentQr(tx, req.meeting_id(), m.document_id()));
      m.set_qr_payload(payload);
    }
    MinutesSource source{access.meeting, m, m.document_id(), m.qr_payload()};
    ASSIGN_OR_RETURN(built, BuildMinutesSpec(tx, source));
    return absl::OkStatus();
  }));
  TempFile draft(blobs_.TempPath("minutes") + ".pdf");
  ASSIGN_OR_RETURN(pdf::MinutesLayout layout, pdf::WriteMinutes(built.spec, draft.path()));
  UploadRecord meta;
  meta.meeting_id = req.meeting_id();
  meta.document_id = m.document_id();
  meta.title = absl::StrCat("Biên bản phiên họp: ", built.spec.meeting_title);
  meta.filename = "bien-ban-phien-hop.pdf";
  RETURN_IF_ERROR(
      documents_.StoreGeneratedPdf(
          c, "GenerateMinutes", draft.path(), meta,
          [&](Transaction& tx, const v1::Document& stored) -> absl::Status {
            ASSIGN_OR_RETURN(v1::Minutes current, LoadMinutes(tx, req.meeting_id()));
            RETURN_IF_ERROR(RefuseOnceFrozen(current));
            m.set_version(stored.versions(0).number());
            m.set_state(v1::MINUTES_STATE_DRAFT);
            m.set_record_seq(built.head.seq);
            m.set_record_hash(built.head.hash);
            m.clear_signature_places();
            for (const auto& [role, box] : {std::pair{"Chủ tọa", layout.chair},
                                            std::pair{"Thư ký", layout.secretary}}) {
              v1::SignaturePlace* place = m.add_signature_places();
              place->set_role_text(role);
              place->set_page(box.page);
              place->set_x(box.x);
              place->set_y(box.y);
              place->set_width(box.width);
              place->set_height(box.height);
            }
            RETURN_IF_ERROR(tx.PutMinutes(m));
            return MinutesEvent(tx, c, m);
          }).status());
  v1::GetMinutesRequest get;
  get.set_meeting_id(req.meeting_id());
  return GetMinutes(c, get, out);
}

absl::Status SigningHandler::GetMinutes(const Caller& c, const v1::GetMinutesRequest& req,
                                        v1::Minutes* out) {
  RETURN_IF_ERROR(RequireId("meeting_id", req.meeting_id()));
  return store_.Read([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "GetMinutes", req.meeting_id()).status());
    ASSIGN_OR_RETURN(v1::Minutes m, LoadMinutes(tx, req.meeting_id()));
    RETURN_IF_ERROR(WithSignatures(tx, m));
    *out = std::move(m);
    return absl::OkStatus();
  });
}

absl::Status SigningHandler::RequestSignatures(const Caller& c,
                                               const v1::RequestSignaturesRequest& req,
                                               v1::Minutes* out) {
  RETURN_IF_ERROR(RequireId("meeting_id", req.meeting_id()));
  for (const std::string& id : req.signer_user_ids()) RETURN_IF_ERROR(RequireId("signer", id));
  absl::MutexLock lock(&documents_mu_);
  return store_.Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "RequestSignatures", req.meeting_id()).status());
    ASSIGN_OR_RETURN(v1::Minutes m, LoadMinutes(tx, req.meeting_id()));
    RETURN_IF_ERROR(RefuseOnceFrozen(m));
    if (m.state() != v1::MINUTES_STATE_DRAFT) {
      return absl::FailedPreconditionError(
          m.state() == v1::MINUTES_STATE_DECLINED
              ? "a signer declined: generate the minutes again before asking for signatures"
              : "generate the minutes first");
    }
    // Who signs, in order: the chair, then the secretary, unless named.
    std::vector<std::pair<std::string, v1::MeetingRole>> signers;
    PageQuery page{.after = "", .limit = 500};
    std::vector<v1::Participant> participants;
    do {
      ASSIGN_OR_RETURN(Page<v1::Participant> result, tx.ListParticipants(req.meeting_id(), page));
      for (v1::Participant& p : result.items) participants.push_back(std::move(p));
      page.after = result.next;
    } while (!page.after.empty());
    auto role_of = [&](const std::string& user_id) {
      for (const v1::Participant& p : participants) {
        if (p.user_id() == user_id) return p.role();
      }
      return v1::MEETING_ROLE_UNSPECIFIED;
    };
    if (req.signer_user_ids().empty()) {
      for (v1::MeetingRole role : {v1::MEETING_ROLE_CHAIR, v1::MEETING_ROLE_SECRETARY}) {
        std::string id = role == v1::MEETING_ROLE_SECRETARY ? c.user_id : "";
        for (const v1::Participant& p : participants) {
          if (p.role() == role && id.empty()) id = p.user_id();
        }
        if (id.empty() || role_of(id) != role) {
          return absl::FailedPreconditionError(absl::StrCat("the meeting has no ",
                                                            RoleText(role), " to sign"));
        }
        signers.emplace_back(id, role);
      }
    } else {
      for (const std::string& id : req.signer_user_ids()) {
        v1::MeetingRole role = role_of(id);
        if (role == v1::MEETING_ROLE_UNSPECIFIED) {
          return absl::NotFoundError(absl::StrCat("user ", id, " is not in this meeting"));
        }
        for (const auto& [earlier, unused] : signers) {
          if (earlier == id) {
            return absl::InvalidArgumentError(absl::StrCat("user ", id, " is named twice"));
          }
        }
        signers.emplace_back(id, role);
      }
    }
    RETURN_IF_ERROR(tx.DeleteSignatureRequests(req.meeting_id()));
    const int64_t now = NowMicros();
    std::vector<bool> taken(m.signature_places_size(), false);
    for (size_t i = 0; i < signers.size(); ++i) {
      const auto& [user_id, role] = signers[i];
      ASSIGN_OR_RETURN(UserRecord user, tx.GetUser(user_id));
      SignatureRequestRecord r;
      r.request.set_id(NewId());
      r.request.set_meeting_id(req.meeting_id());
      r.request.set_document_id(m.document_id());
      r.request.set_signer_user_id(user_id);
      r.request.set_signer_name(user.user.full_name());
      r.request.set_role_text(RoleText(role));
      r.request.set_order(static_cast<int>(i) + 1);
      r.request.set_state(i == 0 ? v1::SIGNATURE_STATE_PENDING : v1::SIGNATURE_STATE_WAITING);
      r.request.set_requested_by(c.user_id);
      r.request.mutable_request_time()->set_unix_micros(now);
      // Each signer takes the printed block of their role, else the first
      // one left (a deputy signing for the chair, say).
      int place = -1;
      for (int p = 0; p < m.signature_places_size() && place < 0; ++p) {
        if (!taken[p] && m.signature_places(p).role_text() == RoleText(role)) place = p;
      }
      for (int p = 0; p < m.signature_places_size() && place < 0; ++p) {
        if (!taken[p]) place = p;
      }
      if (place < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "the minutes have ", m.signature_places_size(),
            " signature blocks (chair and secretary): name at most that many signers"));
      }
      taken[place] = true;
      const v1::SignaturePlace& box = m.signature_places(place);
      r.box = {box.page(), box.x(), box.y(), box.width(), box.height()};
      RETURN_IF_ERROR(tx.InsertSignatureRequest(r));
      RETURN_IF_ERROR(SignatureEvent(tx, c, r.request));
    }
    m.set_state(v1::MINUTES_STATE_SIGNING);
    RETURN_IF_ERROR(tx.PutMinutes(m));
    RETURN_IF_ERROR(MinutesEvent(tx, c, m));
    RETURN_IF_ERROR(WithSignatures(tx, m));
    *out = std::move(m);
    return absl::OkStatus();
  });
}

absl::Status SigningHandler::ListSignatureRequests(const Caller& c,
                                                   const v1::ListSignatureRequestsRequest& req,
                                                   v1::ListSignatureRequestsResponse* out) {
  return store_.Read([&](Transaction& tx) -> absl::Status {
    std::vector<SignatureRequestRecord> found;
    if (req.meeting_id().empty()) {
      ASSIGN_OR_RETURN(found, tx.ListSignatureRequestsOf(c.user_id));
    } else {
      RETURN_IF_ERROR(
          CheckedMeetingAccess(tx, c, "ListSignatureRequests", req.meeting_id()).status());
      ASSIGN_OR_RETURN(found, tx.ListSignatureRequests(req.meeting_id()));
    }
    for (SignatureRequestRecord& r : found) *out->add_requests() = std::move(r.request);
    return absl::OkStatus();
  });
}

namespace {

// The request, checked to be the caller's turn.
absl::StatusOr<SignatureRequestRecord> OwnPendingRequest(Transaction& tx, const Caller& c,
                                                         absl::string_view rpc,
                                                         absl::string_view request_id) {
  ASSIGN_OR_RETURN(SignatureRequestRecord r, tx.GetSignatureRequest(request_id));
  if (r.request.signer_user_id() != c.user_id) {
    return absl::PermissionDeniedError(
        "you were not asked to sign this document: the request is someone else's");
  }
  RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, rpc, r.request.meeting_id()).status());
  switch (r.request.state()) {
    case v1::SIGNATURE_STATE_PENDING:
      return r;
    case v1::SIGNATURE_STATE_SIGNED:
      return absl::FailedPreconditionError("you have already signed this document");
    case v1::SIGNATURE_STATE_DECLINED:
      return absl::FailedPreconditionError("you declined to sign this document");
    case v1::SIGNATURE_STATE_WAITING:
      return absl::FailedPreconditionError(
          "not your turn yet: an earlier signer has not signed the document");
    default:
      return absl::FailedPreconditionError("this request cannot be signed");
  }
}

}  // namespace

absl::Status SigningHandler::SignDocument(const Caller& c, const v1::SignDocumentRequest& req,
                                          v1::SignatureRequest* out) {
  RETURN_IF_ERROR(RequireId("request_id", req.request_id()));
  if (req.pin().empty()) return absl::InvalidArgumentError("pin is required");
  absl::MutexLock lock(&documents_mu_);
  SignatureRequestRecord request;
  SigningKeyRecord key_record;
  v1::Document document;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(request, OwnPendingRequest(tx, c, "SignDocument", req.request_id()));
    absl::StatusOr<SigningKeyRecord> key = tx.GetSigningKey(c.user_id);
    if (absl::IsNotFound(key.status())) {
      return absl::FailedPreconditionError(
          "you have no signing key: an administrator creates one (hopsoctl keys create)");
    }
    ASSIGN_OR_RETURN(key_record, std::move(key));
    ASSIGN_OR_RETURN(document, tx.GetDocument(request.request.document_id()));
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(CheckKeyUsable(key_record, options_.max_pin_tries));
  ASSIGN_OR_RETURN(signing::X509Ptr cert,
                   signing::ParseCertificate(key_record.key.certificate_pem()));
  ASSIGN_OR_RETURN(std::vector<signing::X509Ptr> chain, ParseChain(key_record.chain_pem));
  ASSIGN_OR_RETURN(signing::Pkcs11Module * module, Module());
  absl::StatusOr<std::unique_ptr<signing::TokenKey>> key =
      module->OpenKey(key_record.key.token_label(), req.pin(), std::move(cert), std::move(chain));
  if (absl::IsPermissionDenied(key.status())) return WrongPin(c.user_id);
  RETURN_IF_ERROR(key.status());
  RETURN_IF_ERROR(GoodPin(key_record));

  if (document.versions_size() == 0) return absl::FailedPreconditionError("the document is empty");
  ASSIGN_OR_RETURN(std::string source, blobs_.PathOf(document.versions(0).sha256()));
  TempFile signed_copy(blobs_.TempPath("signed") + ".pdf");
  pdf::SignatureAppearance appearance;
  appearance.signer_name = request.request.signer_name();
  appearance.role = request.request.role_text();
  appearance.time_micros = NowMicros();
  appearance.page = request.box.page;
  appearance.x = request.box.x;
  appearance.y = request.box.y;
  appearance.width = request.box.width;
  appearance.height = request.box.height;
  const std::string field = absl::StrCat("ChuKy", request.request.order());
  RETURN_IF_ERROR(pdf::SignPdf(source, signed_copy.path(), field, appearance, **key, tsa_.get()));

  UploadRecord meta;
  meta.meeting_id = request.request.meeting_id();
  meta.document_id = document.id();
  meta.filename = document.versions(0).filename();
  RETURN_IF_ERROR(
      documents_
          .StoreGeneratedPdf(
              c, "SignDocument", signed_copy.path(), meta,
              [&](Transaction& tx, const v1::Document& stored) -> absl::Status {
                ASSIGN_OR_RETURN(SignatureRequestRecord current,
                                 OwnPendingRequest(tx, c, "SignDocument", req.request_id()));
                v1::SignatureRequest& r = current.request;
                r.set_state(v1::SIGNATURE_STATE_SIGNED);
                r.mutable_decide_time()->set_unix_micros(appearance.time_micros);
                r.set_signed_version(stored.versions(0).number());
                r.set_timestamped(tsa_ != nullptr);
                RETURN_IF_ERROR(tx.UpdateSignatureRequest(r));
                RETURN_IF_ERROR(SignatureEvent(tx, c, r));
                ASSIGN_OR_RETURN(std::vector<SignatureRequestRecord> all,
                                 tx.ListSignatureRequests(r.meeting_id()));
                bool all_signed = true;
                for (SignatureRequestRecord& next : all) {
                  if (next.request.order() == r.order() + 1 &&
                      next.request.state() == v1::SIGNATURE_STATE_WAITING) {
                    next.request.set_state(v1::SIGNATURE_STATE_PENDING);
                    RETURN_IF_ERROR(tx.UpdateSignatureRequest(next.request));
                    RETURN_IF_ERROR(SignatureEvent(tx, c, next.request));
                  }
                  all_signed = all_signed && (next.request.id() == r.id() ||
                                              next.request.state() == v1::SIGNATURE_STATE_SIGNED);
                }
                ASSIGN_OR_RETURN(v1::Minutes m, LoadMinutes(tx, r.meeting_id()));
                if (m.document_id() == r.document_id()) {
                  m.set_version(stored.versions(0).number());
                  if (all_signed) m.set_state(v1::MINUTES_STATE_SIGNED);
                  RETURN_IF_ERROR(tx.PutMinutes(m));
                  RETURN_IF_ERROR(MinutesEvent(tx, c, m));
                }
                *out = r;
                return absl::OkStatus();
              })
          .status());
  return absl::OkStatus();
}

absl::Status SigningHandler::DeclineSignature(const Caller& c,
                                              const v1::DeclineSignatureRequest& req,
                                              v1::SignatureRequest* out) {
  RETURN_IF_ERROR(RequireId("request_id", req.request_id()));
  RETURN_IF_ERROR(ValidateText("reason", req.reason(), {.max_chars = 1000, .multiline = true}));
  absl::MutexLock lock(&documents_mu_);
  return store_.Write([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(SignatureRequestRecord r,
                     OwnPendingRequest(tx, c, "DeclineSignature", req.request_id()));
    r.request.set_state(v1::SIGNATURE_STATE_DECLINED);
    r.request.set_decline_reason(req.reason());
    r.request.mutable_decide_time()->set_unix_micros(NowMicros());
    RETURN_IF_ERROR(tx.UpdateSignatureRequest(r.request));
    RETURN_IF_ERROR(SignatureEvent(tx, c, r.request));
    ASSIGN_OR_RETURN(v1::Minutes m, LoadMinutes(tx, r.request.meeting_id()));
    if (m.document_id() == r.request.document_id()) {
      m.set_state(v1::MINUTES_STATE_DECLINED);
      RETURN_IF_ERROR(tx.PutMinutes(m));
      RETURN_IF_ERROR(MinutesEvent(tx, c, m));
    }
    *out = std::move(r.request);
    return absl::OkStatus();
  });
}

// ---- verification ----

absl::StatusOr<std::vector<std::string>> SigningHandler::TrustedRoots(Transaction& tx) {
  std::vector<std::string> roots = options_.extra_trusted_roots_der;
  ASSIGN_OR_RETURN(Page<v1::Organization> orgs, tx.ListOrganizations({.after = "", .limit = 1000}));
  for (const v1::Organization& org : orgs.items) {
    absl::StatusOr<CaRecord> ca = tx.GetCa(org.id());
    if (ca.ok()) roots.push_back(ca->certificate_der);
  }
  return roots;
}

absl::Status SigningHandler::VerifyDocument(const Caller& c, const v1::VerifyDocumentRequest& req,
                                            v1::VerificationReport* out) {
  pdf::VerifyOptions options;
  std::string path;
  std::optional<TempFile> inline_copy;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(options.trusted_roots_der, TrustedRoots(tx));
    if (req.has_stored()) {
      ASSIGN_OR_RETURN(auto found,
                       VisibleDocument(tx, c, "Download", req.stored().document_id()));
      for (const v1::DocumentVersion& v : found.first.versions()) {
        if (req.stored().version() == 0 || v.number() == req.stored().version()) {
          ASSIGN_OR_RETURN(path, blobs_.PathOf(v.sha256()));
          return absl::OkStatus();
        }
      }
      return absl::NotFoundError(absl::StrCat("document ", req.stored().document_id(),
                                              " has no version ", req.stored().version()));
    }
    return absl::OkStatus();
  }));
  if (!req.has_stored()) {
    if (req.pdf().empty()) return absl::InvalidArgumentError("give a stored document or a PDF");
    if (static_cast<int64_t>(req.pdf().size()) > options_.max_inline_pdf_bytes) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "the PDF is ", req.pdf().size() >> 20, " MB; at most ",
          options_.max_inline_pdf_bytes >> 20, " MB can be checked inline: upload it instead"));
    }
    inline_copy.emplace(blobs_.TempPath("verify") + ".pdf");
    std::ofstream file(inline_copy->path(), std::ios::binary);
    file.write(req.pdf().data(), static_cast<std::streamsize>(req.pdf().size()));
    if (!file.flush()) return absl::UnavailableError("cannot keep the PDF to check it");
    path = inline_copy->path();
  }
  ASSIGN_OR_RETURN(auto hashed, BlobStore::HashFile(path));
  ASSIGN_OR_RETURN(pdf::VerifyReport report, pdf::VerifyPdf(path, options));
  out->set_size_bytes(report.file_size);
  out->set_sha256(hashed.first);
  for (const pdf::SignatureReport& s : report.signatures) {
    v1::VerifiedSignature* v = out->add_signatures();
    v->set_field_name(s.field_name);
    v->set_sub_filter(s.sub_filter);
    v->set_signer_name(s.signer_name);
    v->set_signer_subject(s.signer_subject);
    v->set_issuer_subject(s.issuer_subject);
    v->mutable_claimed_time()->set_unix_micros(s.claimed_time_micros);
    v->set_digest_matches(s.digest_matches);
    v->set_signature_valid(s.signature_valid);
    v->set_chain_trusted(s.chain_trusted);
    v->set_chain_error(s.chain_error);
    v->set_covers_whole_file(s.covers_whole_file);
    switch (s.changes_after) {
      case pdf::ChangesAfter::kNone:
        v->set_changes_after(v1::CHANGES_AFTER_SIGNING_NONE);
        break;
      case pdf::ChangesAfter::kSignedRevisions:
        v->set_changes_after(v1::CHANGES_AFTER_SIGNING_SIGNED_REVISIONS);
        break;
      case pdf::ChangesAfter::kUnsignedChanges:
        v->set_changes_after(v1::CHANGES_AFTER_SIGNING_UNSIGNED_CHANGES);
        break;
    }
    v->set_has_timestamp(s.has_timestamp);
    v->set_timestamp_valid(s.timestamp_valid);
    v->set_timestamp_trusted(s.timestamp_trusted);
    v->mutable_timestamp_time()->set_unix_micros(s.timestamp_micros);
    v->set_has_signing_certificate_v2(s.has_signing_certificate_v2);
    for (const std::string& p : s.problems) v->add_problems(p);
    v->set_ok(s.digest_matches && s.signature_valid && s.chain_trusted &&
              s.changes_after != pdf::ChangesAfter::kUnsignedChanges &&
              (!s.has_timestamp || s.timestamp_valid));
  }
  return absl::OkStatus();
}

}  // namespace hopso::server
