// SigningService logic, gRPC-free: the organisation CA, signers' keys in
// PKCS#11 tokens with their owners' PINs, the minutes generated from the
// meeting record, signature requests in order (chair, then secretary), PAdES
// signing as incremental updates, and verification of any PDF.
#ifndef HOPSO_SERVER_SERVICES_SIGNING_HANDLER_H_
#define HOPSO_SERVER_SERVICES_SIGNING_HANDLER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "hopso/v1/signing.pb.h"
#include "pdf/timestamp.h"
#include "server/domain/permissions.h"
#include "server/services/document_handler.h"
#include "server/signing/token.h"
#include "server/store/blob_store.h"
#include "server/store/store.h"

namespace hopso::server {

struct SigningOptions {
  // The PKCS#11 module holding the keys (SoftHSM2 by default; an HSM's
  // module in production).
  std::string pkcs11_module = signing::kSoftHsmModule;
  // An RFC 3161 timestamp authority; empty: signatures are PAdES B-B.
  std::string tsa_url;
  // Wrong PINs in a row before a key locks until an admin resets it.
  int max_pin_tries = 5;
  int signer_rsa_bits = 2048;
  int ca_rsa_bits = 3072;
  // Certificates trusted when verifying besides the organisations' CAs
  // (outside CAs, the TSA's root), DER.
  std::vector<std::string> extra_trusted_roots_der;
  // Largest PDF VerifyDocument takes inline (under hopsod's 8 MB message
  // limit); larger files are uploaded and checked as stored documents.
  int64_t max_inline_pdf_bytes = int64_t{6} << 20;
};

class SigningHandler {
 public:
  SigningHandler(Store& store, BlobStore& blobs, DocumentHandler& documents,
                 SigningOptions options = {});
  ~SigningHandler();

  absl::Status InitCertificateAuthority(const Caller& c,
                                        const v1::InitCertificateAuthorityRequest& req,
                                        v1::CertificateAuthority* out);
  absl::Status GetCertificateAuthority(const Caller& c,
                                       const v1::GetCertificateAuthorityRequest& req,
                                       v1::CertificateAuthority* out);
  absl::Status CreateSigningKey(const Caller& c, const v1::CreateSigningKeyRequest& req,
                                v1::SigningKey* out);
  absl::Status AttachCertificate(const Caller& c, const v1::AttachCertificateRequest& req,
                                 v1::SigningKey* out);
  absl::Status ResetPin(const Caller& c, const v1::ResetPinRequest& req, v1::SigningKey* out);
  absl::Status GetSigningKey(const Caller& c, const v1::GetSigningKeyRequest& req,
                             v1::SigningKey* out);
  absl::Status SetPin(const Caller& c, const v1::SetPinRequest& req, v1::SigningKey* out);
  absl::Status ChangePin(const Caller& c, const v1::ChangePinRequest& req, v1::SigningKey* out);

  absl::Status SetMinutesText(const Caller& c, const v1::SetMinutesTextRequest& req,
                              v1::Minutes* out);
  absl::Status GenerateMinutes(const Caller& c, const v1::GenerateMinutesRequest& req,
                               v1::Minutes* out);
  absl::Status GetMinutes(const Caller& c, const v1::GetMinutesRequest& req, v1::Minutes* out);
  absl::Status RequestSignatures(const Caller& c, const v1::RequestSignaturesRequest& req,
                                 v1::Minutes* out);
  absl::Status ListSignatureRequests(const Caller& c,
                                     const v1::ListSignatureRequestsRequest& req,
                                     v1::ListSignatureRequestsResponse* out);
  absl::Status SignDocument(const Caller& c, const v1::SignDocumentRequest& req,
                            v1::SignatureRequest* out);
  absl::Status DeclineSignature(const Caller& c, const v1::DeclineSignatureRequest& req,
                                v1::SignatureRequest* out);
  absl::Status VerifyDocument(const Caller& c, const v1::VerifyDocumentRequest& req,
                              v1::VerificationReport* out);

 private:
  // The token module, opened on first use; FAILED_PRECONDITION naming the
  // module when it cannot be loaded.
  absl::StatusOr<signing::Pkcs11Module*> Module();
  absl::StatusOr<std::unique_ptr<signing::TokenKey>> OpenCaKey(const CaRecord& ca);
  v1::SigningKey Shown(const SigningKeyRecord& record) const;
  // The key of `user_id` for a caller `rpc` allows on that user (admins).
  absl::StatusOr<SigningKeyRecord> KeyAsAdmin(const Caller& c, absl::string_view rpc,
                                              absl::string_view user_id);
  // Counts a wrong PIN (locking the key at the limit) and says how many
  // tries are left.
  absl::Status WrongPin(const std::string& user_id);
  absl::Status GoodPin(const SigningKeyRecord& record);
  absl::StatusOr<std::vector<std::string>> TrustedRoots(Transaction& tx);

  Store& store_;
  BlobStore& blobs_;
  DocumentHandler& documents_;
  const SigningOptions options_;
  std::unique_ptr<pdf::TimestampAuthority> tsa_;
  absl::Mutex module_mu_;
  std::unique_ptr<signing::Pkcs11Module> module_ ABSL_GUARDED_BY(module_mu_);
  // Minutes are generated and signed one at a time, so each signature
  // appends to the version the previous one wrote.
  absl::Mutex documents_mu_;
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_SIGNING_HANDLER_H_
