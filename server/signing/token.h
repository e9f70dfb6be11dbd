// Server-held signing keys in PKCS#11 tokens ("ký số từ xa"): one token per
// signer, so each signer has their own PIN, plus one for the organisation
// CA. Keys are generated inside the token and never leave it; a signature
// needs the owner's PIN. SoftHSM2 here, a real HSM in production (the same
// calls, through libp11 0.4.12 and, where libp11 falls short, to the module
// directly). The certificate functions are in ca.h (included here). See
// shared/design/SIGNING.md.
//
// Tokens do not count wrong PINs reliably (SoftHSM2 never locks), so the
// caller keeps the count and refuses to try once the limit is reached.
//
// Every token operation, including each signature, runs under one lock and
// logs in, works and logs out again. libp11 0.4.12 forces this: it reports
// success for a login with any PIN while the token is already logged in,
// and it frees a slot's state, under any key still using it, whenever the
// slot list is enumerated again (which a new token requires; its
// PKCS11_update_slots, meant to avoid that, reads freed memory itself).
#ifndef HOPSO_SERVER_SIGNING_TOKEN_H_
#define HOPSO_SERVER_SIGNING_TOKEN_H_

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "pdf/sign.h"
#include "server/signing/ca.h"

// libp11's types, kept out of this header.
struct PKCS11_ctx_st;
struct PKCS11_slot_st;

namespace hopso::server::signing {

inline constexpr char kSoftHsmModule[] = "/usr/lib/softhsm/libsofthsm2.so";

// PrepareSoftHsm
//
// Makes SoftHSM2 keep its tokens in `token_dir` (created 0700): writes
// `token_dir`/softhsm2.conf and sets SOFTHSM2_CONF to it, unless
// SOFTHSM2_CONF is already set (then that configuration wins and nothing is
// written). SoftHSM2 reads SOFTHSM2_CONF when the module is opened: call
// before Pkcs11Module::Open. INTERNAL when the directory or file cannot be
// written.
absl::Status PrepareSoftHsm(const std::string& token_dir);

class Pkcs11Module;

// The OpenSSL error library (ERR_GET_LIB) of a token key's failures seen
// through TokenKey::private_key().
int TokenKeyErrorLibrary();

// A signer's RSA key in its token. OpenKey has checked the owner's PIN; the
// key keeps the PIN (wiped when it is destroyed) and each signature logs in
// with it, so a PIN changed meanwhile makes Sign fail with
// PERMISSION_DENIED. Sign() computes SHA-256 with RSA PKCS#1 v1.5 inside the
// token. Must not outlive its Pkcs11Module. Thread-safe.
class TokenKey : public pdf::SignatureKey {
 public:
  ~TokenKey() override;
  TokenKey(const TokenKey&) = delete;
  TokenKey& operator=(const TokenKey&) = delete;

  // The statuses of Pkcs11Module::OpenKey; INTERNAL when OpenSSL fails.
  absl::StatusOr<std::string> Sign(absl::string_view data_to_sign) override;
  X509* certificate() const override { return certificate_.get(); }
  const std::vector<X509*>& chain() const override { return chain_; }
  // The token's private key as an OpenSSL key, for X509_sign, X509_REQ_sign
  // and EVP_DigestSign (RSA PKCS#1 v1.5 only): its public half is real, and
  // signing goes to the token under the module's lock. When the token fails,
  // the OpenSSL call fails with an error of TokenKeyErrorLibrary() whose
  // reason is the absl::StatusCode Sign would have returned (ca.h's
  // functions return that code). Valid while this object lives.
  EVP_PKEY* private_key() const { return private_key_.get(); }

 private:
  friend class Pkcs11Module;
  struct Handle;  // module, label and PIN, owned by private_key_'s RSA

  TokenKey(EvpPkeyPtr private_key, const Handle* handle, X509Ptr certificate,
           std::vector<X509Ptr> chain);

  // An RSA key with `public_key`'s modulus and exponent whose signatures
  // come from the token `handle` names. Takes `handle`.
  static absl::StatusOr<EvpPkeyPtr> MakeTokenBackedKey(EVP_PKEY* public_key,
                                                       std::unique_ptr<Handle> handle);
  // The RSA_METHOD callbacks of that key.
  static int RsaSign(int type, const unsigned char* m, unsigned int m_length, unsigned char* sigret,
                     unsigned int* siglen, const RSA* rsa);
  static int RsaFinish(RSA* rsa);

  EvpPkeyPtr private_key_;
  const Handle* handle_;  // owned by private_key_
  X509Ptr certificate_;
  std::vector<X509Ptr> owned_chain_;
  std::vector<X509*> chain_;
};

// A loaded PKCS#11 module. Open at most one per module path per process: the
// module is initialised once per process and finalised when this is
// destroyed. Thread-safe: one lock serialises every call into libp11.
class Pkcs11Module {
 public:
  // Loads the PKCS#11 module. FAILED_PRECONDITION naming the path when it
  // cannot be loaded or initialised.
  static absl::StatusOr<std::unique_ptr<Pkcs11Module>> Open(const std::string& module_path);
  ~Pkcs11Module();
  Pkcs11Module(const Pkcs11Module&) = delete;
  Pkcs11Module& operator=(const Pkcs11Module&) = delete;

  // CreateTokenWithKey
  //
  // Initialises a free slot's token with `label` (printable ASCII, 1–32
  // bytes, no spaces at either end), the SO PIN and the user PIN, and
  // generates an RSA key pair of `rsa_bits` (2048, 3072 or 4096) inside it:
  // the private key sensitive, never extractable, and for signing only.
  // Returns the public key. ALREADY_EXISTS when a token has that label;
  // RESOURCE_EXHAUSTED when no free slot; INVALID_ARGUMENT for a bad label,
  // PIN (4–64 bytes, no NUL) or size; UNAVAILABLE when the token fails (a
  // failure after initialisation leaves a token with that label and no key).
  absl::StatusOr<EvpPkeyPtr> CreateTokenWithKey(const std::string& label, const std::string& so_pin,
                                                const std::string& user_pin, int rsa_bits)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The public key of the token's key, without logging in. NOT_FOUND when
  // there is no such token or key.
  absl::StatusOr<EvpPkeyPtr> PublicKey(const std::string& label) ABSL_LOCKS_EXCLUDED(mu_);

  // Logs in as SO and sets a new user PIN (also unlocks a locked user PIN).
  // PERMISSION_DENIED for a wrong SO PIN; FAILED_PRECONDITION when the SO
  // PIN is locked; NOT_FOUND for no such token; INVALID_ARGUMENT for a bad
  // new PIN.
  absl::Status InitUserPin(const std::string& label, const std::string& so_pin,
                           const std::string& new_pin) ABSL_LOCKS_EXCLUDED(mu_);

  // The owner changes the user PIN. PERMISSION_DENIED for a wrong old PIN,
  // FAILED_PRECONDITION when the token has locked the PIN; NOT_FOUND for no
  // such token; INVALID_ARGUMENT for a bad new PIN.
  absl::Status ChangeUserPin(const std::string& label, const std::string& old_pin,
                             const std::string& new_pin) ABSL_LOCKS_EXCLUDED(mu_);

  // OpenKey
  //
  // Checks the user PIN on the token and returns its key with `certificate`
  // (whose public key must match: FAILED_PRECONDITION otherwise) and `chain`
  // (intermediates). `certificate` may be null while the key has none yet:
  // such a key makes the CA's own certificate or a certificate request
  // (SignPdf refuses it: INVALID_ARGUMENT). PERMISSION_DENIED for a wrong
  // PIN ("sai mã PIN" is the caller's job; the message here is English);
  // FAILED_PRECONDITION when the token reports the PIN locked or the key is
  // not RSA; NOT_FOUND for no such token or no key in it; UNAVAILABLE when
  // the token cannot be used.
  absl::StatusOr<std::unique_ptr<TokenKey>> OpenKey(const std::string& label,
                                                    const std::string& user_pin,
                                                    X509Ptr certificate, std::vector<X509Ptr> chain)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  friend class TokenKey;
  class Login;
  struct Raw;  // the module's own PKCS#11 entry points

  Pkcs11Module(PKCS11_ctx_st* ctx, std::unique_ptr<Raw> raw);

  // Enumerates the slots afresh (forgetting the old list).
  absl::Status RefreshSlotsLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The slot whose initialised token has `label`, enumerating again if it is
  // not in the current list; opened read-write. NOT_FOUND otherwise.
  absl::StatusOr<PKCS11_slot_st*> FindSlotLocked(const std::string& label)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<PKCS11_slot_st*> FindInListLocked(const std::string& label)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<EvpPkeyPtr> PublicKeyLocked(PKCS11_slot_st* slot)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The token's RSA private key as libp11 gives it (logged in). Valid until
  // the slot list is enumerated again.
  absl::StatusOr<EvpPkeyPtr> PrivateKeyLocked(PKCS11_slot_st* slot)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status GenerateKeyPairLocked(PKCS11_slot_st* slot, const std::string& label, int rsa_bits)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Logs in with `pin` and signs `digest` (of the digest `md_nid`) with the
  // token's key, RSA PKCS#1 v1.5. For TokenKey.
  absl::StatusOr<std::string> SignDigest(const std::string& label, const std::string& pin,
                                         int md_nid, absl::string_view digest)
      ABSL_LOCKS_EXCLUDED(mu_);

  absl::Mutex mu_;
  PKCS11_ctx_st* const ctx_;
  const std::unique_ptr<Raw> raw_;
  PKCS11_slot_st* slots_ ABSL_GUARDED_BY(mu_) = nullptr;
  unsigned int slot_count_ ABSL_GUARDED_BY(mu_) = 0;
  // Slots of the current list opened read-write (libp11 keeps the mode of a
  // slot's first session, and SO login and PIN changes need read-write).
  std::set<unsigned long> rw_slots_ ABSL_GUARDED_BY(mu_);
  // Set when a logout failed: libp11 would then take any PIN, so the list is
  // enumerated afresh (closing the slots' sessions) before the next use.
  bool slots_stale_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace hopso::server::signing

#endif  // HOPSO_SERVER_SIGNING_TOKEN_H_
