// ca, keys, pin, minutes, sign, verify: the organisation CA, signing keys
// held by the server, the minutes and their signatures, and checking any
// signed PDF.
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "hopso/v1/signing.grpc.pb.h"
#include "server/ctl/client.h"
#include "server/ctl/command.h"
#include "server/ctl/exit_status.h"
#include "server/ctl/files.h"
#include "server/ctl/flags.h"
#include "server/ctl/signing_text.h"
#include "server/ctl/transfer.h"
#include "server/util/status_macros.h"

namespace hopso::ctl {
namespace {

using SigningStub = v1::SigningService::Stub;

// --pin, or the first line of stdin.
absl::StatusOr<std::string> Pin(absl::string_view flag_value) {
  if (!flag_value.empty()) return std::string(flag_value);
  std::string line;
  if (!std::getline(std::cin, line) || line.empty()) {
    return UsageError("give the PIN with --pin or on the first line of stdin");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

absl::Status InitCa() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::InitCertificateAuthorityRequest request;
  request.set_organization_id(absl::GetFlag(FLAGS_org));
  ASSIGN_OR_RETURN(v1::CertificateAuthority ca,
                   client.Call(&SigningStub::InitCertificateAuthority, request));
  std::cout << ca.common_name() << "\nnot-after " << LocalTime(ca.not_after()) << "\n";
  if (const std::string out = absl::GetFlag(FLAGS_out); !out.empty()) {
    RETURN_IF_ERROR(WriteFile(out, ca.certificate_pem()));
  }
  return absl::OkStatus();
}

absl::Status ShowCa() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::GetCertificateAuthorityRequest request;
  request.set_organization_id(absl::GetFlag(FLAGS_org));
  ASSIGN_OR_RETURN(v1::CertificateAuthority ca,
                   client.Call(&SigningStub::GetCertificateAuthority, request));
  if (const std::string out = absl::GetFlag(FLAGS_out); !out.empty()) {
    return WriteFile(out, ca.certificate_pem());
  }
  std::cout << ca.certificate_pem();
  return absl::OkStatus();
}

absl::Status CreateKey() {
  const std::string issuer = absl::GetFlag(FLAGS_issuer);
  if (issuer != "org" && issuer != "outside") return UsageError("--issuer must be org or outside");
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::CreateSigningKeyRequest request;
  request.set_user_id(absl::GetFlag(FLAGS_user));
  request.set_issuer(issuer == "org" ? v1::CERTIFICATE_ISSUER_ORGANISATION_CA
                                     : v1::CERTIFICATE_ISSUER_OUTSIDE_CA);
  ASSIGN_OR_RETURN(v1::SigningKey key, client.Call(&SigningStub::CreateSigningKey, request));
  std::cout << KeyText(key);
  const std::string out = absl::GetFlag(FLAGS_out);
  if (!out.empty()) {
    RETURN_IF_ERROR(WriteFile(out, key.certificate_request_pem().empty()
                                       ? key.certificate_pem()
                                       : key.certificate_request_pem()));
  }
  return absl::OkStatus();
}

absl::Status AttachCertificate() {
  ASSIGN_OR_RETURN(std::string pem, ReadFile(absl::GetFlag(FLAGS_file)));
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::AttachCertificateRequest request;
  request.set_user_id(absl::GetFlag(FLAGS_user));
  request.set_certificate(pem);
  ASSIGN_OR_RETURN(v1::SigningKey key, client.Call(&SigningStub::AttachCertificate, request));
  std::cout << KeyText(key);
  return absl::OkStatus();
}

absl::Status ShowKey() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::GetSigningKeyRequest request;
  request.set_user_id(absl::GetFlag(FLAGS_user));
  ASSIGN_OR_RETURN(v1::SigningKey key, client.Call(&SigningStub::GetSigningKey, request));
  std::cout << KeyText(key);
  return absl::OkStatus();
}

absl::Status ResetPin() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::ResetPinRequest request;
  request.set_user_id(absl::GetFlag(FLAGS_user));
  ASSIGN_OR_RETURN(v1::SigningKey key, client.Call(&SigningStub::ResetPin, request));
  std::cout << KeyText(key);
  return absl::OkStatus();
}

absl::Status SetPin() {
  ASSIGN_OR_RETURN(std::string pin, Pin(absl::GetFlag(FLAGS_pin)));
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::SetPinRequest request;
  request.set_pin(pin);
  ASSIGN_OR_RETURN(v1::SigningKey key, client.Call(&SigningStub::SetPin, request));
  std::cout << KeyText(key);
  return absl::OkStatus();
}

absl::Status ChangePin() {
  ASSIGN_OR_RETURN(std::string old_pin, Pin(absl::GetFlag(FLAGS_pin)));
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::ChangePinRequest request;
  request.set_old_pin(old_pin);
  request.set_new_pin(absl::GetFlag(FLAGS_new_pin));
  ASSIGN_OR_RETURN(v1::SigningKey key, client.Call(&SigningStub::ChangePin, request));
  std::cout << KeyText(key);
  return absl::OkStatus();
}

absl::Status SetMinutesText() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::SetMinutesTextRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  request.set_number(absl::GetFlag(FLAGS_number));
  for (const std::string& p : absl::GetFlag(FLAGS_conclusion).values) request.add_conclusions(p);
  ASSIGN_OR_RETURN(v1::Minutes m, client.Call(&SigningStub::SetMinutesText, request));
  std::cout << MinutesText(m);
  return absl::OkStatus();
}

// Writes the minutes' current version to --out when it is given.
absl::Status DownloadMinutes(const Client& client, const v1::Minutes& m) {
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty() || m.document_id().empty()) return absl::OkStatus();
  return DownloadFile(client, m.document_id(), "", out).status();
}

absl::Status GenerateMinutes() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::GenerateMinutesRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  ASSIGN_OR_RETURN(v1::Minutes m, client.Call(&SigningStub::GenerateMinutes, request));
  std::cout << MinutesText(m);
  return DownloadMinutes(client, m);
}

absl::Status ShowMinutes() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::GetMinutesRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  ASSIGN_OR_RETURN(v1::Minutes m, client.Call(&SigningStub::GetMinutes, request));
  std::cout << MinutesText(m);
  return DownloadMinutes(client, m);
}

absl::Status RequestSignatures() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::RequestSignaturesRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  for (const std::string& id : absl::GetFlag(FLAGS_signer).values) request.add_signer_user_ids(id);
  ASSIGN_OR_RETURN(v1::Minutes m, client.Call(&SigningStub::RequestSignatures, request));
  std::cout << MinutesText(m);
  return absl::OkStatus();
}

absl::Status ListRequests() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::ListSignatureRequestsRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  ASSIGN_OR_RETURN(v1::ListSignatureRequestsResponse response,
                   client.Call(&SigningStub::ListSignatureRequests, request));
  for (const v1::SignatureRequest& r : response.requests()) std::cout << RequestLine(r) << "\n";
  return absl::OkStatus();
}

absl::Status Sign() {
  ASSIGN_OR_RETURN(std::string pin, Pin(absl::GetFlag(FLAGS_pin)));
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::SignDocumentRequest request;
  request.set_request_id(absl::GetFlag(FLAGS_request));
  request.set_pin(pin);
  ASSIGN_OR_RETURN(v1::SignatureRequest r, client.Call(&SigningStub::SignDocument, request));
  std::cout << RequestLine(r) << "\n";
  return absl::OkStatus();
}

absl::Status Decline() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::DeclineSignatureRequest request;
  request.set_request_id(absl::GetFlag(FLAGS_request));
  request.set_reason(absl::GetFlag(FLAGS_reason));
  ASSIGN_OR_RETURN(v1::SignatureRequest r, client.Call(&SigningStub::DeclineSignature, request));
  std::cout << RequestLine(r) << "\n";
  return absl::OkStatus();
}

// One block per signature; exit 3 when any signature is not fully valid.
absl::Status Verify() {
  v1::VerifyDocumentRequest request;
  const std::string file = absl::GetFlag(FLAGS_file);
  if (!file.empty()) {
    ASSIGN_OR_RETURN(std::string bytes, ReadFile(file));
    request.set_pdf(std::move(bytes));
  } else if (!absl::GetFlag(FLAGS_document).empty()) {
    request.mutable_stored()->set_document_id(absl::GetFlag(FLAGS_document));
  } else {
    return UsageError("give a FILE or --document");
  }
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  ASSIGN_OR_RETURN(v1::VerificationReport report,
                   client.Call(&SigningStub::VerifyDocument, request));
  std::cout << VerificationText(report);
  int bad = 0;
  for (const v1::VerifiedSignature& s : report.signatures()) bad += s.ok() ? 0 : 1;
  if (bad > 0) {
    return WithExitCode(absl::DataLossError(absl::StrCat(bad, " of ", report.signatures_size(),
                                                         " signatures are not valid")),
                        kExitAuditFailed);
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> SigningCommands() {
  return {
      {.name = "ca init",
       .summary = "create the organisation's CA, its key in a token (admin); --out saves the "
                  "certificate (PEM)",
       .optional = {"org", "out"},
       .run = InitCa},
      {.name = "ca show",
       .summary = "the organisation CA's certificate (PEM), to trust it elsewhere",
       .optional = {"org", "out"},
       .run = ShowCa},
      {.name = "keys create",
       .summary = "generate USER's signing key inside a token (admin): certified by the "
                  "organisation CA, or --issuer outside prints a request (--out saves it)",
       .required = {"user"},
       .optional = {"issuer", "out"},
       .run = CreateKey,
       .arguments = {"user"}},
      {.name = "keys attach",
       .summary = "attach an outside CA's certificate (PEM, chain after it) to USER's key",
       .required = {"user", "file"},
       .run = AttachCertificate,
       .arguments = {"user", "file"}},
      {.name = "keys show",
       .summary = "state of a signing key (yours, or --user for an admin)",
       .optional = {"user"},
       .run = ShowKey,
       .arguments = {"user"}},
      {.name = "keys reset",
       .summary = "clear USER's locked or forgotten PIN (admin); they set a new one",
       .required = {"user"},
       .run = ResetPin,
       .arguments = {"user"}},
      {.name = "pin set",
       .summary = "set your signing PIN the first time (or after a reset)",
       .optional = {"pin"},
       .run = SetPin},
      {.name = "pin change",
       .summary = "change your signing PIN: --pin the old one, --new_pin the new",
       .required = {"new_pin"},
       .optional = {"pin"},
       .run = ChangePin},
      {.name = "minutes text",
       .summary = "set the minutes' number and closing conclusions (secretary)",
       .required = {"meeting"},
       .optional = {"number", "conclusion"},
       .run = SetMinutesText,
       .arguments = {"meeting"}},
      {.name = "minutes generate",
       .summary = "generate the draft minutes from the meeting record (secretary); --out "
                  "downloads the PDF",
       .required = {"meeting"},
       .optional = {"out"},
       .run = GenerateMinutes,
       .arguments = {"meeting"}},
      {.name = "minutes show",
       .summary = "the minutes' state and signatures; --out downloads the current PDF",
       .required = {"meeting"},
       .optional = {"out"},
       .run = ShowMinutes,
       .arguments = {"meeting"}},
      {.name = "minutes request",
       .summary = "freeze the minutes and ask the chair, then the secretary, to sign "
                  "(or --signer, in order)",
       .required = {"meeting"},
       .optional = {"signer"},
       .run = RequestSignatures,
       .arguments = {"meeting"}},
      {.name = "sign requests",
       .summary = "signature requests: yours, or a --meeting's",
       .optional = {"meeting"},
       .run = ListRequests},
      {.name = "sign",
       .summary = "sign REQUEST with your key, unlocked by your PIN (--pin or stdin)",
       .required = {"request"},
       .optional = {"pin"},
       .run = Sign,
       .arguments = {"request"}},
      {.name = "sign decline",
       .summary = "decline to sign REQUEST, with a --reason",
       .required = {"request"},
       .optional = {"reason"},
       .run = Decline,
       .arguments = {"request"}},
      {.name = "verify",
       .summary = "check every signature of a PDF FILE (or a stored --document): signer, time, "
                  "coverage, trust, timestamp, changes after signing; exit 3 if any is not valid",
       .optional = {"file", "document"},
       .run = Verify,
       .arguments = {"file"}},
  };
}

}  // namespace hopso::ctl
