#include "server/ctl/demo_minutes.h"

#include "absl/strings/str_cat.h"
#include "hopso/v1/auth.grpc.pb.h"
#include "hopso/v1/signing.grpc.pb.h"
#include "server/ctl/files.h"
#include "server/ctl/signing_text.h"
#include "server/ctl/transfer.h"
#include "server/util/status_macros.h"

namespace hopso::ctl {
namespace {

using SigningStub = v1::SigningService::Stub;

// Demo PINs; a real signer's PIN is theirs alone.
constexpr char kChairPin[] = "135790";
constexpr char kSecretaryPin[] = "246802";

absl::StatusOr<v1::User> Me(const Client& client) {
  ASSIGN_OR_RETURN(v1::WhoAmIResponse me,
                   client.Call(&v1::AuthService::Stub::WhoAmI, v1::WhoAmIRequest()));
  return me.user();
}

absl::Status EnsureKey(const Client& admin, const v1::User& user, Transcript& transcript) {
  v1::CreateSigningKeyRequest create;
  create.set_user_id(user.id());
  create.set_issuer(v1::CERTIFICATE_ISSUER_ORGANISATION_CA);
  absl::StatusOr<v1::SigningKey> key = admin.Call(&SigningStub::CreateSigningKey, create);
  if (absl::IsAlreadyExists(key.status())) return absl::OkStatus();
  RETURN_IF_ERROR(key.status());
  transcript.Say(absl::StrCat("Quản trị viên tạo khóa ký trong token cho / admin creates a "
                              "signing key in a token for ",
                              user.full_name(), ": ", key->subject()));
  return absl::OkStatus();
}

// Sets the owner's PIN unless it is set already.
absl::Status EnsurePin(const Client& owner, absl::string_view pin, absl::string_view name,
                       Transcript& transcript) {
  ASSIGN_OR_RETURN(v1::SigningKey key,
                   owner.Call(&SigningStub::GetSigningKey, v1::GetSigningKeyRequest()));
  if (key.state() != v1::SIGNING_KEY_STATE_AWAITING_PIN) return absl::OkStatus();
  v1::SetPinRequest set;
  set.set_pin(std::string(pin));
  RETURN_IF_ERROR(owner.Call(&SigningStub::SetPin, set).status());
  transcript.Say(absl::StrCat(name, " đặt mã PIN ký số / sets their signing PIN"));
  return absl::OkStatus();
}

absl::StatusOr<v1::SignatureRequest> PendingRequestOf(const Client& signer,
                                                      const std::string& meeting_id) {
  v1::ListSignatureRequestsRequest list;
  list.set_meeting_id(meeting_id);
  ASSIGN_OR_RETURN(v1::ListSignatureRequestsResponse requests,
                   signer.Call(&SigningStub::ListSignatureRequests, list));
  ASSIGN_OR_RETURN(v1::User me, Me(signer));
  for (const v1::SignatureRequest& r : requests.requests()) {
    if (r.signer_user_id() == me.id() && r.state() == v1::SIGNATURE_STATE_PENDING) return r;
  }
  return absl::InternalError(absl::StrCat(me.full_name(), " has no pending signature request"));
}

absl::Status SignAs(const Client& signer, const std::string& meeting_id, absl::string_view pin,
                    Transcript& transcript) {
  ASSIGN_OR_RETURN(v1::SignatureRequest request, PendingRequestOf(signer, meeting_id));
  v1::SignDocumentRequest sign;
  sign.set_request_id(request.id());
  sign.set_pin(std::string(pin));
  ASSIGN_OR_RETURN(v1::SignatureRequest signed_request,
                   signer.Call(&SigningStub::SignDocument, sign));
  transcript.Say(absl::StrCat("Ký số / signed: ", RequestLine(signed_request)));
  return absl::OkStatus();
}

}  // namespace

absl::Status SetUpDemoSigning(const Client& admin, const std::string& organization_id,
                              const Client& secretary, const Client& chair, Transcript& transcript) {
  v1::InitCertificateAuthorityRequest init;
  init.set_organization_id(organization_id);
  absl::StatusOr<v1::CertificateAuthority> ca =
      admin.Call(&SigningStub::InitCertificateAuthority, init);
  if (ca.ok()) {
    transcript.Say(absl::StrCat("Quản trị viên tạo CA của tổ chức / admin creates the "
                                "organisation CA: ",
                                ca->common_name()));
  } else if (!absl::IsAlreadyExists(ca.status())) {
    return ca.status();
  }
  for (const Client* person : {&chair, &secretary}) {
    ASSIGN_OR_RETURN(v1::User user, Me(*person));
    RETURN_IF_ERROR(EnsureKey(admin, user, transcript));
  }
  return absl::OkStatus();
}

absl::Status SignDemoMinutes(const Client& secretary, const Client& chair,
                             const std::string& meeting_id, const std::string& out,
                             Transcript& transcript) {
  ASSIGN_OR_RETURN(v1::User chair_user, Me(chair));
  ASSIGN_OR_RETURN(v1::User secretary_user, Me(secretary));
  RETURN_IF_ERROR(EnsurePin(chair, kChairPin, chair_user.full_name(), transcript));
  RETURN_IF_ERROR(EnsurePin(secretary, kSecretaryPin, secretary_user.full_name(), transcript));

  v1::SetMinutesTextRequest text;
  text.set_meeting_id(meeting_id);
  text.set_number("15/BB-UBND");
  text.add_conclusions(
      "Ủy ban nhân dân tỉnh thống nhất thông qua dự toán ngân sách năm 2027 theo kết quả biểu "
      "quyết; giao Sở Tài chính hoàn thiện hồ sơ, trình Hội đồng nhân dân tỉnh tại kỳ họp gần "
      "nhất.");
  text.add_conclusions(
      "Đề án sắp xếp tổ chức bộ máy chưa đạt tỷ lệ biểu quyết cần thiết; giao Sở Nội vụ tiếp thu "
      "ý kiến của các thành viên, hoàn chỉnh và trình lại tại phiên họp tháng sau.");
  RETURN_IF_ERROR(secretary.Call(&SigningStub::SetMinutesText, text).status());
  v1::GenerateMinutesRequest generate;
  generate.set_meeting_id(meeting_id);
  ASSIGN_OR_RETURN(v1::Minutes draft, secretary.Call(&SigningStub::GenerateMinutes, generate));
  transcript.Say(absl::StrCat("Thư ký lập dự thảo biên bản từ nhật ký phiên họp / the secretary "
                              "generates the minutes from events 1-",
                              draft.record_seq(), " (version ", draft.version(), ")"));
  v1::RequestSignaturesRequest request;
  request.set_meeting_id(meeting_id);
  ASSIGN_OR_RETURN(v1::Minutes signing, secretary.Call(&SigningStub::RequestSignatures, request));
  transcript.Say("Thư ký đề nghị chủ tọa và thư ký ký biên bản / signatures requested:");
  for (const v1::SignatureRequest& r : signing.signatures()) transcript.Say(RequestLine(r));

  // A wrong PIN is refused and counted; the right one then signs.
  ASSIGN_OR_RETURN(v1::SignatureRequest chair_request, PendingRequestOf(chair, meeting_id));
  v1::SignDocumentRequest wrong;
  wrong.set_request_id(chair_request.id());
  wrong.set_pin("000000");
  absl::Status refused = chair.Call(&SigningStub::SignDocument, wrong).status();
  if (!absl::IsPermissionDenied(refused)) {
    return absl::InternalError(
        absl::StrCat("a wrong PIN got ", refused.ToString(), ", expected PERMISSION_DENIED"));
  }
  transcript.Say(absl::StrCat("Sai mã PIN / wrong PIN: ", refused.message()));
  RETURN_IF_ERROR(SignAs(chair, meeting_id, kChairPin, transcript));
  RETURN_IF_ERROR(SignAs(secretary, meeting_id, kSecretaryPin, transcript));

  v1::GetMinutesRequest get;
  get.set_meeting_id(meeting_id);
  ASSIGN_OR_RETURN(v1::Minutes signed_minutes, secretary.Call(&SigningStub::GetMinutes, get));
  if (signed_minutes.state() != v1::MINUTES_STATE_SIGNED) {
    return absl::InternalError("the minutes are not signed after both signatures");
  }
  const std::string path = absl::StrCat(out, "/minutes.pdf");
  RETURN_IF_ERROR(DownloadFile(secretary, signed_minutes.document_id(), "", path).status());
  v1::VerifyDocumentRequest verify;
  verify.mutable_stored()->set_document_id(signed_minutes.document_id());
  ASSIGN_OR_RETURN(v1::VerificationReport report,
                   secretary.Call(&SigningStub::VerifyDocument, verify));
  RETURN_IF_ERROR(WriteFile(absl::StrCat(out, "/signatures.txt"), VerificationText(report)));
  for (const v1::VerifiedSignature& s : report.signatures()) {
    if (!s.ok()) {
      return absl::InternalError(absl::StrCat("signature ", s.field_name(), " of ",
                                              s.signer_name(), " does not verify"));
    }
  }
  transcript.Say(absl::StrCat("Biên bản đã ký số / signed minutes: ", path, ", ",
                              report.signatures_size(), " valid signatures (", out,
                              "/signatures.txt)"));
  return absl::OkStatus();
}

}  // namespace hopso::ctl
