#include "server/signing/token.h"

#include <dlfcn.h>
#include <libp11.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <p11-kit/pkcs11.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/util/status_macros.h"

namespace hopso::server::signing {
namespace {

constexpr size_t kMaxLabelBytes = 32;  // CK_TOKEN_INFO's label field
constexpr size_t kMinPinBytes = 4;
constexpr size_t kMaxPinBytes = 64;

// The status for a failed libp11 call, from the PKCS#11 return value libp11
// put on OpenSSL's error queue. Empties the queue.
absl::Status TokenError(absl::string_view doing) {
  const int pkcs11_lib = ERR_get_CKR_code();
  bool have_rv = false;
  unsigned long rv = CKR_OK;
  std::string text;
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    if (!have_rv && ERR_GET_LIB(code) == pkcs11_lib) {
      have_rv = true;
      rv = ERR_GET_REASON(code);
    }
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    absl::StrAppend(&text, text.empty() ? "" : "; ", buffer);
  }
  if (have_rv && rv == CKR_PIN_INCORRECT) {
    return absl::PermissionDeniedError(absl::StrCat(doing, ": wrong PIN"));
  }
  if (have_rv && rv == CKR_PIN_LOCKED) {
    return absl::FailedPreconditionError(absl::StrCat(doing, ": the PIN is locked"));
  }
  if (have_rv && (rv == CKR_PIN_LEN_RANGE || rv == CKR_PIN_INVALID)) {
    return absl::InvalidArgumentError(absl::StrCat(doing, ": the token refuses this PIN"));
  }
  return absl::UnavailableError(
      absl::StrCat(doing, ": ", text.empty() ? "no error reported" : text));
}

absl::Status RawError(absl::string_view doing, CK_RV rv) {
  return absl::UnavailableError(absl::StrFormat("%s: PKCS#11 error 0x%lx", doing, rv));
}

absl::Status CheckLabel(const std::string& label) {
  if (label.empty() || label.size() > kMaxLabelBytes) {
    return absl::InvalidArgumentError("a token label has 1 to 32 characters");
  }
  for (const char c : label) {
    if (c < 0x20 || c > 0x7e) {
      return absl::InvalidArgumentError("a token label is printable ASCII");
    }
  }
  // The token pads its label with spaces, so they would not come back.
  if (label.front() == ' ' || label.back() == ' ') {
    return absl::InvalidArgumentError("a token label cannot start or end with a space");
  }
  return absl::OkStatus();
}

absl::Status CheckPin(absl::string_view what, const std::string& pin) {
  if (pin.size() < kMinPinBytes || pin.size() > kMaxPinBytes) {
    return absl::InvalidArgumentError(absl::StrCat("the ", what, " has 4 to 64 characters"));
  }
  // libp11 takes PINs as C strings.
  if (pin.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("the ", what, " contains a NUL byte"));
  }
  return absl::OkStatus();
}

// A copy of `key`'s public half that owes nothing to libp11 (its keys point
// into slot state that a new enumeration frees).
absl::StatusOr<EvpPkeyPtr> DetachedPublicKey(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0) {
    ERR_clear_error();
    return absl::InternalError("cannot encode the token's public key");
  }
  const unsigned char* p = der;
  EvpPkeyPtr copy(d2i_PUBKEY(nullptr, &p, length));
  OPENSSL_free(der);
  if (copy == nullptr) {
    ERR_clear_error();
    return absl::InternalError("cannot decode the token's public key");
  }
  return copy;
}

}  // namespace

// ---- PrepareSoftHsm ----

absl::Status PrepareSoftHsm(const std::string& token_dir) {
  if (std::getenv("SOFTHSM2_CONF") != nullptr) return absl::OkStatus();
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path dir = fs::absolute(token_dir, error);
  if (!error) fs::create_directories(dir, error);
  if (!error) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create the token directory ", token_dir, ": ", error.message()));
  }
  const std::string conf = (dir / "softhsm2.conf").string();
  std::ofstream out(conf, std::ios::trunc);
  out << "directories.tokendir = " << dir.string() << "\n"
      << "objectstore.backend = file\n"
      << "log.level = ERROR\n";
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", conf));
  if (setenv("SOFTHSM2_CONF", conf.c_str(), /*overwrite=*/0) != 0) {
    return absl::InternalError("cannot set SOFTHSM2_CONF");
  }
  return absl::OkStatus();
}

// ---- TokenKey ----

int TokenKeyErrorLibrary() {
  static const int library = ERR_get_next_error_library();
  return library;
}

struct TokenKey::Handle {
  Handle(Pkcs11Module* module, std::string label, std::string pin)
      : module(module), label(std::move(label)), pin(std::move(pin)) {}
  ~Handle() { OPENSSL_cleanse(pin.data(), pin.size()); }
  Pkcs11Module* const module;
  const std::string label;
  std::string pin;
};

TokenKey::TokenKey(EvpPkeyPtr private_key, const Handle* handle, X509Ptr certificate,
                   std::vector<X509Ptr> chain)
    : private_key_(std::move(private_key)),
      handle_(handle),
      certificate_(std::move(certificate)),
      owned_chain_(std::move(chain)) {
  for (const X509Ptr& c : owned_chain_) chain_.push_back(c.get());
}

TokenKey::~TokenKey() = default;

absl::StatusOr<std::string> TokenKey::Sign(absl::string_view data_to_sign) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data_to_sign.data()), data_to_sign.size(), digest);
  return handle_->module->SignDigest(
      handle_->label, handle_->pin, NID_sha256,
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

// RSA_METHOD is deprecated in OpenSSL 3.0, but short of writing a provider it
// is the way to send a key's private operations elsewhere; libp11 0.4.12's
// own keys work the same way, and OpenSSL 3 runs such keys through its legacy
// code (X509_sign, X509_REQ_sign and EVP_DigestSign all reach RsaSign).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace {
int HandleIndex() {
  static const int index = RSA_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}
}  // namespace

int TokenKey::RsaSign(int type, const unsigned char* m, unsigned int m_length,
                      unsigned char* sigret, unsigned int* siglen, const RSA* rsa) {
  const auto* handle = static_cast<const Handle*>(RSA_get_ex_data(rsa, HandleIndex()));
  if (handle == nullptr) return 0;
  absl::StatusOr<std::string> signature =
      handle->module->SignDigest(handle->label, handle->pin, type,
                                 absl::string_view(reinterpret_cast<const char*>(m), m_length));
  if (!signature.ok()) {
    // OpenSSL's caller only sees the error queue (see private_key()).
    ERR_raise_data(TokenKeyErrorLibrary(), static_cast<int>(signature.status().code()), "%s",
                   std::string(signature.status().message()).c_str());
    return 0;
  }
  if (signature->size() > static_cast<size_t>(RSA_size(rsa))) return 0;
  memcpy(sigret, signature->data(), signature->size());
  *siglen = static_cast<unsigned int>(signature->size());
  return 1;
}

int TokenKey::RsaFinish(RSA* rsa) {
  delete static_cast<Handle*>(RSA_get_ex_data(rsa, HandleIndex()));
  RSA_set_ex_data(rsa, HandleIndex(), nullptr);
  // OpenSSL's own finish frees the caches its public-key operations made.
  return RSA_meth_get_finish(RSA_PKCS1_OpenSSL())(rsa);
}

absl::StatusOr<EvpPkeyPtr> TokenKey::MakeTokenBackedKey(EVP_PKEY* public_key,
                                                        std::unique_ptr<Handle> handle) {
  static RSA_METHOD* const method = [] {
    RSA_METHOD* m = RSA_meth_dup(RSA_PKCS1_OpenSSL());
    RSA_meth_set1_name(m, "Hopso PKCS#11 token key");
    RSA_meth_set_flags(m, RSA_meth_get_flags(m) | RSA_FLAG_EXT_PKEY);
    RSA_meth_set_sign(m, &TokenKey::RsaSign);
    RSA_meth_set_finish(m, &TokenKey::RsaFinish);
    return m;
  }();
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  if (EVP_PKEY_get_bn_param(public_key, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
      EVP_PKEY_get_bn_param(public_key, OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
    BN_free(n);
    BN_free(e);
    ERR_clear_error();
    return absl::FailedPreconditionError("the token's key is not an RSA key");
  }
  RSA* rsa = RSA_new();
  if (rsa == nullptr || method == nullptr || RSA_set_method(rsa, method) != 1 ||
      RSA_set0_key(rsa, n, e, nullptr) != 1) {
    RSA_free(rsa);
    BN_free(n);
    BN_free(e);
    ERR_clear_error();
    return absl::InternalError("cannot make an OpenSSL key for the token");
  }
  // From here on RSA_free deletes the handle (RsaFinish).
  RSA_set_ex_data(rsa, HandleIndex(), handle.release());
  EvpPkeyPtr key(EVP_PKEY_new());
  if (key == nullptr || EVP_PKEY_assign_RSA(key.get(), rsa) != 1) {
    RSA_free(rsa);
    ERR_clear_error();
    return absl::InternalError("cannot make an OpenSSL key for the token");
  }
  return key;
}

#pragma GCC diagnostic pop

// ---- Pkcs11Module ----

struct Pkcs11Module::Raw {
  ~Raw() {
    if (dl_handle != nullptr) dlclose(dl_handle);
  }
  void* dl_handle = nullptr;
  CK_FUNCTION_LIST_PTR functions = nullptr;
};

// A login for the length of one operation, logged out on destruction. If
// libp11 believes the slot is still logged in it takes any PIN, so a failed
// logout, or a login state found left over, marks the slot list stale.
class Pkcs11Module::Login {
 public:
  Login(Pkcs11Module* module, PKCS11_SLOT* slot, bool so, const std::string& pin,
        absl::string_view doing) ABSL_EXCLUSIVE_LOCKS_REQUIRED(module->mu_)
      : module_(module), slot_(slot) {
    int user_in = 0;
    int so_in = 0;
    if (PKCS11_is_logged_in(slot, 0, &user_in) != 0 || PKCS11_is_logged_in(slot, 1, &so_in) != 0 ||
        user_in || so_in) {
      module_->slots_stale_ = true;
      status_ = absl::InternalError(absl::StrCat(doing, ": the token is still logged in"));
      return;
    }
    if (PKCS11_login(slot, so ? 1 : 0, pin.c_str()) != 0) {
      status_ = TokenError(doing);
      return;
    }
    logged_in_ = true;
  }
  ~Login() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    if (logged_in_ && PKCS11_logout(slot_) != 0) {
      ERR_clear_error();
      module_->slots_stale_ = true;
    }
  }
  Login(const Login&) = delete;
  Login& operator=(const Login&) = delete;

  const absl::Status& status() const { return status_; }

 private:
  Pkcs11Module* const module_;
  PKCS11_SLOT* const slot_;
  bool logged_in_ = false;
  absl::Status status_;
};

Pkcs11Module::Pkcs11Module(PKCS11_CTX* ctx, std::unique_ptr<Raw> raw)
    : ctx_(ctx), raw_(std::move(raw)) {}

absl::StatusOr<std::unique_ptr<Pkcs11Module>> Pkcs11Module::Open(const std::string& module_path) {
  ERR_clear_error();
  PKCS11_CTX* ctx = PKCS11_CTX_new();
  if (ctx == nullptr) return absl::ResourceExhaustedError("out of memory");
  if (PKCS11_CTX_load(ctx, module_path.c_str()) != 0) {
    const absl::Status error = TokenError("loading");
    PKCS11_CTX_free(ctx);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot load the PKCS#11 module ", module_path, ": ", error.message()));
  }
  // Key generation needs a template libp11 0.4.12 cannot pass, so we also
  // call the module directly: RTLD_NOLOAD gives the very instance libp11 has
  // loaded and initialised, sharing its sessions' login state.
  auto raw = std::make_unique<Raw>();
  raw->dl_handle = dlopen(module_path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  const auto get_function_list =
      raw->dl_handle == nullptr
          ? nullptr
          : reinterpret_cast<CK_C_GetFunctionList>(dlsym(raw->dl_handle, "C_GetFunctionList"));
  if (get_function_list == nullptr || get_function_list(&raw->functions) != CKR_OK ||
      raw->functions == nullptr) {
    PKCS11_CTX_unload(ctx);
    PKCS11_CTX_free(ctx);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot reach the functions of the PKCS#11 module ", module_path));
  }
  std::unique_ptr<Pkcs11Module> module(new Pkcs11Module(ctx, std::move(raw)));
  absl::MutexLock lock(&module->mu_);
  if (absl::Status status = module->RefreshSlotsLocked(); !status.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the PKCS#11 module ", module_path, " lists no slots: ", status.message()));
  }
  return module;
}

Pkcs11Module::~Pkcs11Module() {
  {
    absl::MutexLock lock(&mu_);
    if (slots_ != nullptr) PKCS11_release_all_slots(ctx_, slots_, slot_count_);
    slots_ = nullptr;
  }
  PKCS11_CTX_unload(ctx_);
  PKCS11_CTX_free(ctx_);
}

absl::Status Pkcs11Module::RefreshSlotsLocked() {
  // Every operation logs out before it returns, so no login is lost here;
  // and no libp11 key outlives the operation that fetched it.
  if (slots_ != nullptr) PKCS11_release_all_slots(ctx_, slots_, slot_count_);
  slots_ = nullptr;
  slot_count_ = 0;
  rw_slots_.clear();
  slots_stale_ = false;
  if (PKCS11_enumerate_slots(ctx_, &slots_, &slot_count_) != 0) {
    slots_ = nullptr;
    slot_count_ = 0;
    return TokenError("listing the PKCS#11 slots");
  }
  return absl::OkStatus();
}

absl::StatusOr<PKCS11_SLOT*> Pkcs11Module::FindInListLocked(const std::string& label) {
  for (unsigned int i = 0; i < slot_count_; ++i) {
    PKCS11_SLOT* slot = &slots_[i];
    const PKCS11_TOKEN* token = slot->token;
    if (token == nullptr || !token->initialized || token->label == nullptr ||
        label != token->label) {
      continue;
    }
    const unsigned long id = PKCS11_get_slotid_from_slot(slot);
    if (rw_slots_.insert(id).second && PKCS11_open_session(slot, /*rw=*/1) != 0) {
      rw_slots_.erase(id);
      return TokenError("opening a session with the token");
    }
    return slot;
  }
  return absl::NotFoundError(absl::StrCat("no token is labelled \"", label, "\""));
}

absl::StatusOr<PKCS11_SLOT*> Pkcs11Module::FindSlotLocked(const std::string& label) {
  if (slots_stale_) RETURN_IF_ERROR(RefreshSlotsLocked());
  absl::StatusOr<PKCS11_SLOT*> slot = FindInListLocked(label);
  if (!absl::IsNotFound(slot.status())) return slot;
  // A token made since the list was read (by another process, say).
  RETURN_IF_ERROR(RefreshSlotsLocked());
  return FindInListLocked(label);
}

absl::StatusOr<EvpPkeyPtr> Pkcs11Module::PublicKeyLocked(PKCS11_SLOT* slot) {
  PKCS11_KEY* keys = nullptr;
  unsigned int count = 0;
  if (PKCS11_enumerate_public_keys(slot->token, &keys, &count) != 0) {
    return TokenError("listing the token's public keys");
  }
  for (unsigned int i = 0; i < count; ++i) {
    if (PKCS11_get_key_type(&keys[i]) != EVP_PKEY_RSA) continue;
    EvpPkeyPtr key(PKCS11_get_public_key(&keys[i]));
    if (key == nullptr) return TokenError("reading the token's public key");
    return DetachedPublicKey(key.get());
  }
  return absl::NotFoundError("the token holds no RSA key");
}

absl::StatusOr<EvpPkeyPtr> Pkcs11Module::PrivateKeyLocked(PKCS11_SLOT* slot) {
  PKCS11_KEY* keys = nullptr;
  unsigned int count = 0;
  if (PKCS11_enumerate_keys(slot->token, &keys, &count) != 0) {
    return TokenError("listing the token's keys");
  }
  if (count == 0) return absl::NotFoundError("the token holds no key");
  for (unsigned int i = 0; i < count; ++i) {
    if (PKCS11_get_key_type(&keys[i]) != EVP_PKEY_RSA) continue;
    EvpPkeyPtr key(PKCS11_get_private_key(&keys[i]));
    if (key == nullptr) return TokenError("reading the token's key");
    return key;
  }
  return absl::FailedPreconditionError("the token's key is not an RSA key");
}

absl::Status Pkcs11Module::GenerateKeyPairLocked(PKCS11_SLOT* slot, const std::string& label,
                                                 int rsa_bits) {
  CK_FUNCTION_LIST_PTR f = raw_->functions;
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  // A session of this process sees libp11's login.
  CK_RV rv = f->C_OpenSession(PKCS11_get_slotid_from_slot(slot),
                              CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session);
  if (rv != CKR_OK) return RawError("opening a session for key generation", rv);
  CK_BBOOL yes = CK_TRUE;
  CK_BBOOL no = CK_FALSE;
  CK_ULONG bits = static_cast<CK_ULONG>(rsa_bits);
  CK_BYTE exponent[] = {0x01, 0x00, 0x01};
  // One key per token, so a fixed CKA_ID pairs its two halves.
  CK_BYTE id[] = {0x01};
  std::string key_label = label;
  // libp11's PKCS11_generate_key (deprecated in 0.4.12) cannot ask for these:
  // it leaves CKA_EXTRACTABLE to the token's default (vendor-specific; FALSE
  // in SoftHSM2) and makes the key decrypt and unwrap too.
  CK_ATTRIBUTE public_template[] = {
      {CKA_TOKEN, &yes, sizeof(yes)},
      {CKA_PRIVATE, &no, sizeof(no)},  // PublicKey() reads it without a login
      {CKA_VERIFY, &yes, sizeof(yes)},
      {CKA_ENCRYPT, &no, sizeof(no)},
      {CKA_WRAP, &no, sizeof(no)},
      {CKA_MODULUS_BITS, &bits, sizeof(bits)},
      {CKA_PUBLIC_EXPONENT, exponent, sizeof(exponent)},
      {CKA_LABEL, key_label.data(), key_label.size()},
      {CKA_ID, id, sizeof(id)},
  };
  CK_ATTRIBUTE private_template[] = {
      {CKA_TOKEN, &yes, sizeof(yes)},
      {CKA_PRIVATE, &yes, sizeof(yes)},
      {CKA_SENSITIVE, &yes, sizeof(yes)},
      {CKA_EXTRACTABLE, &no, sizeof(no)},  // not even wrapped by another key
      {CKA_SIGN, &yes, sizeof(yes)},
      {CKA_DECRYPT, &no, sizeof(no)},
      {CKA_UNWRAP, &no, sizeof(no)},
      {CKA_LABEL, key_label.data(), key_label.size()},
      {CKA_ID, id, sizeof(id)},
  };
  CK_MECHANISM mechanism = {CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
  rv = f->C_GenerateKeyPair(session, &mechanism, public_template, std::size(public_template),
                            private_template, std::size(private_template), &public_key,
                            &private_key);
  f->C_CloseSession(session);
  if (rv != CKR_OK) return RawError("generating the key pair", rv);
  return absl::OkStatus();
}

absl::StatusOr<EvpPkeyPtr> Pkcs11Module::CreateTokenWithKey(const std::string& label,
                                                            const std::string& so_pin,
                                                            const std::string& user_pin,
                                                            int rsa_bits) {
  RETURN_IF_ERROR(CheckLabel(label));
  RETURN_IF_ERROR(CheckPin("SO PIN", so_pin));
  RETURN_IF_ERROR(CheckPin("user PIN", user_pin));
  if (rsa_bits != 2048 && rsa_bits != 3072 && rsa_bits != 4096) {
    return absl::InvalidArgumentError("an RSA key has 2048, 3072 or 4096 bits");
  }
  absl::MutexLock lock(&mu_);
  ERR_clear_error();
  RETURN_IF_ERROR(RefreshSlotsLocked());
  if (FindInListLocked(label).ok()) {
    return absl::AlreadyExistsError(absl::StrCat("a token is already labelled \"", label, "\""));
  }
  PKCS11_SLOT* free_slot = nullptr;
  for (unsigned int i = 0; i < slot_count_ && free_slot == nullptr; ++i) {
    if (slots_[i].token != nullptr && !slots_[i].token->initialized) free_slot = &slots_[i];
  }
  if (free_slot == nullptr) {
    return absl::ResourceExhaustedError("no free PKCS#11 slot for a new token");
  }
  // Through the module itself: libp11 0.4.12 pads the label with NULs where
  // PKCS#11 asks for blanks.
  CK_UTF8CHAR padded_label[kMaxLabelBytes];
  std::fill(std::begin(padded_label), std::end(padded_label), ' ');
  std::copy(label.begin(), label.end(), padded_label);
  std::string so_pin_copy = so_pin;  // C_InitToken takes a non-const pointer
  const CK_RV rv = raw_->functions->C_InitToken(PKCS11_get_slotid_from_slot(free_slot),
                                                reinterpret_cast<CK_UTF8CHAR*>(so_pin_copy.data()),
                                                so_pin_copy.size(), padded_label);
  OPENSSL_cleanse(so_pin_copy.data(), so_pin_copy.size());
  if (rv != CKR_OK) return RawError("initialising the token", rv);
  // libp11 does not see the new label (nor the free slot SoftHSM2 adds).
  RETURN_IF_ERROR(RefreshSlotsLocked());
  ASSIGN_OR_RETURN(PKCS11_SLOT * slot, FindInListLocked(label));
  {
    Login login(this, slot, /*so=*/true, so_pin, "logging in to the new token as SO");
    RETURN_IF_ERROR(login.status());
    if (PKCS11_init_pin(slot->token, user_pin.c_str()) != 0) {
      return TokenError("setting the user PIN");
    }
  }
  {
    Login login(this, slot, /*so=*/false, user_pin, "logging in to the new token");
    RETURN_IF_ERROR(login.status());
    RETURN_IF_ERROR(GenerateKeyPairLocked(slot, label, rsa_bits));
  }
  return PublicKeyLocked(slot);
}

absl::StatusOr<EvpPkeyPtr> Pkcs11Module::PublicKey(const std::string& label) {
  absl::MutexLock lock(&mu_);
  ERR_clear_error();
  ASSIGN_OR_RETURN(PKCS11_SLOT * slot, FindSlotLocked(label));
  return PublicKeyLocked(slot);
}

absl::Status Pkcs11Module::InitUserPin(const std::string& label, const std::string& so_pin,
                                       const std::string& new_pin) {
  RETURN_IF_ERROR(CheckPin("new PIN", new_pin));
  absl::MutexLock lock(&mu_);
  ERR_clear_error();
  ASSIGN_OR_RETURN(PKCS11_SLOT * slot, FindSlotLocked(label));
  Login login(this, slot, /*so=*/true, so_pin, "logging in to the token as SO");
  RETURN_IF_ERROR(login.status());
  if (PKCS11_init_pin(slot->token, new_pin.c_str()) != 0) {
    return TokenError("setting the user PIN");
  }
  return absl::OkStatus();
}

absl::Status Pkcs11Module::ChangeUserPin(const std::string& label, const std::string& old_pin,
                                         const std::string& new_pin) {
  RETURN_IF_ERROR(CheckPin("new PIN", new_pin));
  absl::MutexLock lock(&mu_);
  ERR_clear_error();
  ASSIGN_OR_RETURN(PKCS11_SLOT * slot, FindSlotLocked(label));
  // Outside a login C_SetPIN changes the user PIN, checking the old one.
  if (PKCS11_change_pin(slot, old_pin.c_str(), new_pin.c_str()) != 0) {
    return TokenError("changing the PIN");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<TokenKey>> Pkcs11Module::OpenKey(const std::string& label,
                                                                const std::string& user_pin,
                                                                X509Ptr certificate,
                                                                std::vector<X509Ptr> chain) {
  EvpPkeyPtr public_key;
  {
    absl::MutexLock lock(&mu_);
    ERR_clear_error();
    ASSIGN_OR_RETURN(PKCS11_SLOT * slot, FindSlotLocked(label));
    Login login(this, slot, /*so=*/false, user_pin, "logging in to the token");
    RETURN_IF_ERROR(login.status());
    ASSIGN_OR_RETURN(EvpPkeyPtr token_key, PrivateKeyLocked(slot));
    ASSIGN_OR_RETURN(public_key, DetachedPublicKey(token_key.get()));
  }
  if (certificate != nullptr &&
      EVP_PKEY_eq(X509_get0_pubkey(certificate.get()), public_key.get()) != 1) {
    ERR_clear_error();
    return absl::FailedPreconditionError(
        absl::StrCat("the certificate is not for the key in token \"", label, "\""));
  }
  auto handle = std::make_unique<TokenKey::Handle>(this, label, user_pin);
  const TokenKey::Handle* handle_ptr = handle.get();
  ASSIGN_OR_RETURN(EvpPkeyPtr key,
                   TokenKey::MakeTokenBackedKey(public_key.get(), std::move(handle)));
  std::vector<X509Ptr> own_chain;
  for (X509Ptr& c : chain) {
    if (c != nullptr) own_chain.push_back(std::move(c));
  }
  return std::unique_ptr<TokenKey>(
      new TokenKey(std::move(key), handle_ptr, std::move(certificate), std::move(own_chain)));
}

absl::StatusOr<std::string> Pkcs11Module::SignDigest(const std::string& label,
                                                     const std::string& pin, int md_nid,
                                                     absl::string_view digest) {
  const EVP_MD* md = EVP_get_digestbynid(md_nid);
  if (md == nullptr || digest.size() != static_cast<size_t>(EVP_MD_get_size(md))) {
    return absl::InvalidArgumentError("not a digest the token key signs");
  }
  absl::MutexLock lock(&mu_);
  ERR_clear_error();
  ASSIGN_OR_RETURN(PKCS11_SLOT * slot, FindSlotLocked(label));
  Login login(this, slot, /*so=*/false, pin, "logging in to the token");
  RETURN_IF_ERROR(login.status());
  ASSIGN_OR_RETURN(EvpPkeyPtr key, PrivateKeyLocked(slot));
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key.get(), nullptr);
  std::string signature;
  size_t length = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(digest.data());
  bool ok = ctx != nullptr && EVP_PKEY_sign_init(ctx) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
            EVP_PKEY_CTX_set_signature_md(ctx, md) == 1 &&
            EVP_PKEY_sign(ctx, nullptr, &length, in, digest.size()) == 1;
  if (ok) {
    signature.resize(length);
    ok = EVP_PKEY_sign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length, in,
                       digest.size()) == 1;
    signature.resize(length);
  }
  EVP_PKEY_CTX_free(ctx);
  if (!ok) return TokenError("signing in the token");
  return signature;
}

}  // namespace hopso::server::signing
