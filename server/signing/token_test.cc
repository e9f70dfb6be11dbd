// Keys in SoftHSM2 tokens, checked by oracles that share no code with
// token.cc: OpenSSL's verification with the public key, the token itself
// asked through PKCS#11 for the private key's attributes, `openssl verify`,
// `openssl x509`, `openssl req -verify`, and poppler's pdfsig (with an NSS
// database made by certutil) on a PDF signed with a token key. Each test has
// its own token directory.
#include "server/signing/token.h"

#include <dlfcn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <p11-kit/pkcs11.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/test_tools.h"
#include "pdf/sign.h"
#include "server/signing/ca.h"

namespace hopso::server::signing {
namespace {

using ::hopso::pdf::testing::RunCommand;
using ::hopso::pdf::testing::ScopedTempDir;
using ::hopso::pdf::testing::WriteFileOrDie;
using ::hopso::pdf::testing::WriteSimplePdf;
using ::testing::AnyOf;
using ::testing::HasSubstr;

constexpr char kSoPin[] = "so-pin-2468";
constexpr char kPin[] = "123456";
constexpr char kSignerName[] = "Nguyễn Thị Ánh Tuyết";
constexpr char kOrganisation[] = "UBND tỉnh Quảng Nam";

bool Verifies(EVP_PKEY* public_key, const std::string& data, const std::string& signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, public_key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

// A CA held in memory, for tests about the token rather than the CA.
struct SoftwareCa {
  EvpPkeyPtr key;
  X509Ptr cert;
};

const SoftwareCa& TestCa() {
  static const SoftwareCa* const ca = [] {
    auto* made = new SoftwareCa{EvpPkeyPtr(EVP_RSA_gen(2048)), nullptr};
    made->cert = *MakeCaCertificate(made->key.get(), {.organisation = "Test"});
    return made;
  }();
  return *ca;
}

X509Ptr CertificateFor(EVP_PKEY* public_key) {
  const SoftwareCa& ca = TestCa();
  absl::StatusOr<X509Ptr> cert = IssueSignerCertificate(
      ca.key.get(), ca.cert.get(), public_key, {.full_name = kSignerName, .user_id = "u1"});
  EXPECT_TRUE(cert.ok()) << cert.status();
  return cert.ok() ? *std::move(cert) : nullptr;
}

class TokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // SoftHSM2 reads SOFTHSM2_CONF when the module is opened, so each test's
    // module sees only this test's tokens.
    unsetenv("SOFTHSM2_CONF");
    ASSERT_TRUE(PrepareSoftHsm(dir_.File("tokens")).ok());
    absl::StatusOr<std::unique_ptr<Pkcs11Module>> module = Pkcs11Module::Open(kSoftHsmModule);
    ASSERT_TRUE(module.ok()) << module.status();
    module_ = *std::move(module);
  }
  void TearDown() override {
    module_.reset();
    unsetenv("SOFTHSM2_CONF");
  }

  EvpPkeyPtr Create(const std::string& label, int bits = 2048) {
    absl::StatusOr<EvpPkeyPtr> key = module_->CreateTokenWithKey(label, kSoPin, kPin, bits);
    EXPECT_TRUE(key.ok()) << key.status();
    return key.ok() ? *std::move(key) : nullptr;
  }

  absl::StatusOr<std::unique_ptr<TokenKey>> Open(const std::string& label, const std::string& pin,
                                                 EVP_PKEY* public_key) {
    return module_->OpenKey(label, pin, CertificateFor(public_key), {});
  }

  ScopedTempDir dir_;
  std::unique_ptr<Pkcs11Module> module_;
};

TEST_F(TokenTest, CreatesATokenWhosePublicKeyItReturnsLater) {
  EvpPkeyPtr created = Create("khoa.pm");
  ASSERT_NE(created, nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(created.get()), EVP_PKEY_RSA);
  EXPECT_EQ(EVP_PKEY_get_bits(created.get()), 2048);
  absl::StatusOr<EvpPkeyPtr> again = module_->PublicKey("khoa.pm");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(EVP_PKEY_eq(created.get(), again->get()), 1);

  // The size for a CA's key.
  EvpPkeyPtr other = Create("hopso-ca", 3072);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(EVP_PKEY_get_bits(other.get()), 3072);
  EXPECT_NE(EVP_PKEY_eq(created.get(), other.get()), 1);
}

TEST_F(TokenTest, SignsWithTheRightPinAndTheSignatureVerifies) {
  EvpPkeyPtr public_key = Create("khoa.pm");
  ASSERT_NE(public_key, nullptr);
  absl::StatusOr<std::unique_ptr<TokenKey>> key = Open("khoa.pm", kPin, public_key.get());
  ASSERT_TRUE(key.ok()) << key.status();
  const std::string data = "Biên bản phiên họp thứ 12";
  absl::StatusOr<std::string> signature = (*key)->Sign(data);
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(signature->size(), 256u);
  EXPECT_TRUE(Verifies(public_key.get(), data, *signature));
  EXPECT_FALSE(Verifies(public_key.get(), data + ".", *signature));
  // RSA PKCS#1 v1.5 is deterministic: EVP_DigestSign on private_key() (the
  // path X509_sign takes) gives the same bytes.
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string again(256, '\0');
  size_t length = again.size();
  ASSERT_EQ(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, (*key)->private_key()), 1);
  ASSERT_EQ(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(again.data()), &length,
                           reinterpret_cast<const unsigned char*>(data.data()), data.size()),
            1);
  EVP_MD_CTX_free(ctx);
  EXPECT_EQ(again, *signature);
  EXPECT_NE((*key)->certificate(), nullptr);
  EXPECT_TRUE((*key)->chain().empty());
}

TEST_F(TokenTest, WrongPinIsPermissionDenied) {
  EvpPkeyPtr public_key = Create("khoa.pm");
  ASSERT_NE(public_key, nullptr);
  absl::StatusOr<std::unique_ptr<TokenKey>> key = Open("khoa.pm", "654321", public_key.get());
  EXPECT_EQ(key.status().code(), absl::StatusCode::kPermissionDenied) << key.status();
}

// libp11 takes any PIN while a token is logged in; a key kept open must not
// let a wrong PIN through for the same token.
TEST_F(TokenTest, WrongPinIsRefusedWhileAnotherKeyOfTheTokenIsOpen) {
  EvpPkeyPtr public_key = Create("khoa.pm");
  ASSERT_NE(public_key, nullptr);
  absl::StatusOr<std::unique_ptr<TokenKey>> open = Open("khoa.pm", kPin, public_key.get());
  ASSERT_TRUE(open.ok()) << open.status();
  EXPECT_EQ(Open("khoa.pm", "654321", public_key.get()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(module_->InitUserPin("khoa.pm", "wrong-so-pin", "999999").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE((*open)->Sign("x").ok());
}

TEST_F(TokenTest, ChangedPinReplacesTheOldOne) {
  EvpPkeyPtr public_key = Create("khoa.pm");
  ASSERT_NE(public_key, nullptr);
  absl::StatusOr<std::unique_ptr<TokenKey>> before = Open("khoa.pm", kPin, public_key.get());
  ASSERT_TRUE(before.ok()) << before.status();

  EXPECT_EQ(module_->ChangeUserPin("khoa.pm", "000000", "24681357").code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(module_->ChangeUserPin("khoa.pm", kPin, "24681357").ok());
  EXPECT_EQ(Open("khoa.pm", kPin, public_key.get()).status().code(),
            absl::StatusCode::kPermissionDenied);
  absl::StatusOr<std::unique_ptr<TokenKey>> after = Open("khoa.pm", "24681357", public_key.get());
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE((*after)->Sign("x").ok());
  // A key opened with the old PIN logs in for each signature, so it stops.
  EXPECT_EQ((*before)->Sign("x").status().code(), absl::StatusCode::kPermissionDenied);
}

// The certificate functions see a token key only as an EVP_PKEY; its
// failures still come back with the token's status.
TEST_F(TokenTest, TokenFailuresReachTheCertificateFunctions) {
  ASSERT_NE(Create("hopso-ca"), nullptr);
  absl::StatusOr<std::unique_ptr<TokenKey>> key = module_->OpenKey("hopso-ca", kPin, nullptr, {});
  ASSERT_TRUE(key.ok()) << key.status();
  // Without a certificate it cannot sign a PDF.
  WriteSimplePdf(dir_.File("in.pdf"), "Bien ban");
  pdf::SignatureAppearance appearance;
  appearance.signer_name = "A";
  EXPECT_EQ(pdf::SignPdf(dir_.File("in.pdf"), dir_.File("out.pdf"), "F", appearance, **key).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(MakeCaCertificate((*key)->private_key(), {.organisation = kOrganisation}).ok());
  ASSERT_TRUE(module_->ChangeUserPin("hopso-ca", kPin, "24681357").ok());
  const absl::Status status =
      MakeCaCertificate((*key)->private_key(), {.organisation = kOrganisation}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  EXPECT_THAT(status.message(), HasSubstr("wrong PIN"));
}

TEST_F(TokenTest, SoPinSetsANewUserPin) {
  EvpPkeyPtr public_key = Create("khoa.pm");
  ASSERT_NE(public_key, nullptr);
  EXPECT_EQ(module_->InitUserPin("khoa.pm", "wrong-so-pin", "11223344").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Open("khoa.pm", kPin, public_key.get()).ok());  // unchanged
  ASSERT_TRUE(module_->InitUserPin("khoa.pm", kSoPin, "11223344").ok());
  EXPECT_EQ(Open("khoa.pm", kPin, public_key.get()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Open("khoa.pm", "11223344", public_key.get()).ok());
}

TEST_F(TokenTest, LabelsAreUniqueAndUnknownLabelsAreNotFound) {
  ASSERT_NE(Create("khoa.pm"), nullptr);
  EXPECT_EQ(module_->CreateTokenWithKey("khoa.pm", kSoPin, kPin, 2048).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(module_->PublicKey("nobody").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(
      module_->OpenKey("nobody", kPin, CertificateFor(TestCa().key.get()), {}).status().code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(module_->InitUserPin("nobody", kSoPin, kPin).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(module_->ChangeUserPin("nobody", kPin, "654321").code(), absl::StatusCode::kNotFound);
}

TEST_F(TokenTest, RefusesBadLabelsPinsAndSizes) {
  const auto code = [&](const std::string& label, const std::string& so_pin, const std::string& pin,
                        int bits) {
    return module_->CreateTokenWithKey(label, so_pin, pin, bits).status().code();
  };
  EXPECT_EQ(code("", kSoPin, kPin, 2048), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(std::string(33, 'a'), kSoPin, kPin, 2048), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("Khoa ", kSoPin, kPin, 2048), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("Khóa", kSoPin, kPin, 2048), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("khoa", kSoPin, "123", 2048), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("khoa", kSoPin, std::string("12\0456", 6), 2048),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("khoa", "so", kPin, 2048), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code("khoa", kSoPin, kPin, 1024), absl::StatusCode::kInvalidArgument);
  // Nothing was initialised by the refusals.
  EXPECT_EQ(module_->PublicKey("khoa").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(TokenTest, CertificateForAnotherKeyIsRefused) {
  EvpPkeyPtr public_key = Create("khoa.pm");
  ASSERT_NE(public_key, nullptr);
  EvpPkeyPtr other(EVP_RSA_gen(2048));
  EXPECT_EQ(module_->OpenKey("khoa.pm", kPin, CertificateFor(other.get()), {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(Pkcs11ModuleTest, MissingModuleIsFailedPrecondition) {
  absl::StatusOr<std::unique_ptr<Pkcs11Module>> module =
      Pkcs11Module::Open("/nonexistent/libnothing.so");
  EXPECT_EQ(module.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(module.status().message(), HasSubstr("/nonexistent/libnothing.so"));
}

// The token itself, asked through PKCS#11 without libp11 (pkcs11-tool is not
// installed), must refuse to give out the private key.
TEST_F(TokenTest, PrivateKeyCannotBeReadOut) {
  ASSERT_NE(Create("khoa.pm"), nullptr);
  // The module instance the Pkcs11Module loaded, with its state.
  void* handle = dlopen(kSoftHsmModule, RTLD_NOW | RTLD_NOLOAD);
  ASSERT_NE(handle, nullptr);
  auto get_function_list =
      reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
  CK_FUNCTION_LIST_PTR f = nullptr;
  ASSERT_EQ(get_function_list(&f), CKR_OK);

  CK_SLOT_ID slots[16];
  CK_ULONG slot_count = 16;
  ASSERT_EQ(f->C_GetSlotList(CK_TRUE, slots, &slot_count), CKR_OK);
  std::string padded_label = "khoa.pm";
  padded_label.resize(32, ' ');
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  for (CK_ULONG i = 0; i < slot_count; ++i) {
    CK_TOKEN_INFO info;
    if (f->C_GetTokenInfo(slots[i], &info) == CKR_OK &&
        std::memcmp(info.label, padded_label.data(), 32) == 0) {
      ASSERT_EQ(f->C_OpenSession(slots[i], CKF_SERIAL_SESSION, nullptr, nullptr, &session), CKR_OK);
    }
  }
  ASSERT_NE(session, CK_INVALID_HANDLE);
  std::string pin = kPin;
  ASSERT_EQ(f->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin.data()), pin.size()),
            CKR_OK);
  CK_OBJECT_CLASS private_class = CKO_PRIVATE_KEY;
  CK_ATTRIBUTE find[] = {{CKA_CLASS, &private_class, sizeof(private_class)}};
  CK_OBJECT_HANDLE objects[4];
  CK_ULONG found = 0;
  ASSERT_EQ(f->C_FindObjectsInit(session, find, 1), CKR_OK);
  ASSERT_EQ(f->C_FindObjects(session, objects, 4, &found), CKR_OK);
  f->C_FindObjectsFinal(session);
  ASSERT_EQ(found, 1u);

  CK_BBOOL sensitive = CK_FALSE, always_sensitive = CK_FALSE, extractable = CK_TRUE,
           never_extractable = CK_FALSE, sign = CK_FALSE, decrypt = CK_TRUE, unwrap = CK_TRUE;
  CK_ATTRIBUTE flags[] = {
      {CKA_SENSITIVE, &sensitive, 1},
      {CKA_ALWAYS_SENSITIVE, &always_sensitive, 1},
      {CKA_EXTRACTABLE, &extractable, 1},
      {CKA_NEVER_EXTRACTABLE, &never_extractable, 1},
      {CKA_SIGN, &sign, 1},
      {CKA_DECRYPT, &decrypt, 1},
      {CKA_UNWRAP, &unwrap, 1},
  };
  ASSERT_EQ(f->C_GetAttributeValue(session, objects[0], flags, std::size(flags)), CKR_OK);
  EXPECT_TRUE(sensitive);
  EXPECT_TRUE(always_sensitive);
  EXPECT_FALSE(extractable);
  EXPECT_TRUE(never_extractable);
  EXPECT_TRUE(sign);
  EXPECT_FALSE(decrypt);
  EXPECT_FALSE(unwrap);
  for (const CK_ATTRIBUTE_TYPE secret :
       {CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2, CKA_EXPONENT_1, CKA_COEFFICIENT}) {
    CK_ATTRIBUTE value = {secret, nullptr, 0};
    EXPECT_EQ(f->C_GetAttributeValue(session, objects[0], &value, 1), CKR_ATTRIBUTE_SENSITIVE)
        << "attribute 0x" << std::hex << secret;
  }
  // The modulus is public.
  CK_ATTRIBUTE modulus = {CKA_MODULUS, nullptr, 0};
  EXPECT_EQ(f->C_GetAttributeValue(session, objects[0], &modulus, 1), CKR_OK);
  EXPECT_EQ(modulus.ulValueLen, 256u);
  // Leave the token logged out, as the Pkcs11Module expects.
  f->C_Logout(session);
  f->C_CloseSession(session);
  dlclose(handle);
}

// libp11 0.4.12 frees a slot's state under keys still using it when the
// slots are listed again, as a new token requires: keys stay usable.
TEST_F(TokenTest, OpenKeysKeepSigningWhileTokensAreCreated) {
  EvpPkeyPtr first_public = Create("khoa.pm");
  ASSERT_NE(first_public, nullptr);
  absl::StatusOr<std::unique_ptr<TokenKey>> first = Open("khoa.pm", kPin, first_public.get());
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::unique_ptr<TokenKey>> twin = Open("khoa.pm", kPin, first_public.get());
  ASSERT_TRUE(twin.ok()) << twin.status();
  EvpPkeyPtr second_public = Create("tuyet.nta");
  ASSERT_NE(second_public, nullptr);
  absl::StatusOr<std::unique_ptr<TokenKey>> second = Open("tuyet.nta", kPin, second_public.get());
  ASSERT_TRUE(second.ok()) << second.status();
  twin->reset();  // closing one key of a token leaves the other working

  std::vector<std::thread> threads;
  std::vector<int> verified(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      TokenKey& key = t % 2 == 0 ? **first : **second;
      EVP_PKEY* public_key = t % 2 == 0 ? first_public.get() : second_public.get();
      for (int i = 0; i < 5; ++i) {
        const std::string data = "trang " + std::to_string(t * 10 + i);
        absl::StatusOr<std::string> signature = key.Sign(data);
        if (signature.ok() && Verifies(public_key, data, *signature)) ++verified[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(verified, std::vector<int>(4, 5));
}

// ---- the organisation CA in a token ----

// `openssl` run on files in `dir`.
std::string Openssl(const std::vector<std::string>& args, int* exit_code = nullptr) {
  std::vector<std::string> argv = {"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = RunCommand(argv, /*merge_stderr=*/true);
  if (exit_code != nullptr) *exit_code = result.exit_code;
  return result.output;
}

class TokenCaTest : public TokenTest {
 protected:
  void SetUp() override {
    TokenTest::SetUp();
    if (HasFatalFailure()) return;
    // 2048 bits keep the test quick; CreateTokenWithKey is checked with 3072.
    EvpPkeyPtr ca_public = Create("hopso-ca");
    ASSERT_NE(ca_public, nullptr);
    // No certificate yet: the CA's key makes its own.
    absl::StatusOr<std::unique_ptr<TokenKey>> ca_key =
        module_->OpenKey("hopso-ca", kPin, nullptr, {});
    ASSERT_TRUE(ca_key.ok()) << ca_key.status();
    ca_key_ = *std::move(ca_key);
    absl::StatusOr<X509Ptr> ca_cert =
        MakeCaCertificate(ca_key_->private_key(), {.organisation = kOrganisation});
    ASSERT_TRUE(ca_cert.ok()) << ca_cert.status();
    ca_cert_ = *std::move(ca_cert);
    ca_pem_ = dir_.File("ca.pem");
    WriteFileOrDie(ca_pem_, CertificatePem(ca_cert_.get()));

    signer_public_ = Create("tuyet.nta");
    ASSERT_NE(signer_public_, nullptr);
    absl::StatusOr<X509Ptr> signer_cert = IssueSignerCertificate(
        ca_key_->private_key(), ca_cert_.get(), signer_public_.get(),
        {.full_name = kSignerName, .organisation = kOrganisation, .user_id = "k3xq7m2pa9dtw4ns"});
    ASSERT_TRUE(signer_cert.ok()) << signer_cert.status();
    signer_cert_ = *std::move(signer_cert);
    signer_pem_ = dir_.File("signer.pem");
    WriteFileOrDie(signer_pem_, CertificatePem(signer_cert_.get()));
  }

  std::unique_ptr<TokenKey> ca_key_;
  X509Ptr ca_cert_;
  std::string ca_pem_;
  EvpPkeyPtr signer_public_;
  X509Ptr signer_cert_;
  std::string signer_pem_;
};

TEST_F(TokenCaTest, OpensslVerifiesTheSignerCertificate) {
  int exit_code = -1;
  const std::string verify = Openssl({"verify", "-CAfile", ca_pem_, signer_pem_}, &exit_code);
  EXPECT_EQ(exit_code, 0) << verify;
  EXPECT_THAT(verify, HasSubstr("signer.pem: OK"));

  const std::string ca_text = Openssl({"x509", "-noout", "-text", "-in", ca_pem_});
  EXPECT_THAT(ca_text, HasSubstr("X509v3 Basic Constraints: critical\n                CA:TRUE"));
  EXPECT_THAT(ca_text,
              HasSubstr("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"));
  EXPECT_THAT(ca_text, HasSubstr("X509v3 Subject Key Identifier"));
  EXPECT_THAT(ca_text, HasSubstr("sha256WithRSAEncryption"));

  const std::string text = Openssl({"x509", "-noout", "-text", "-in", signer_pem_});
  EXPECT_THAT(text, HasSubstr("X509v3 Key Usage: critical\n"
                              "                Digital Signature, Non Repudiation"));
  EXPECT_THAT(text, HasSubstr("E-mail Protection"));
  EXPECT_THAT(text, AnyOf(HasSubstr("1.3.6.1.5.5.7.3.36"), HasSubstr("Document Signing")));
  EXPECT_THAT(text, HasSubstr("CA:FALSE"));
  EXPECT_THAT(text, HasSubstr("X509v3 Authority Key Identifier"));
  EXPECT_THAT(text, HasSubstr("Public-Key: (2048 bit)"));
}

TEST_F(TokenCaTest, VietnameseNamesRoundTripAsUtf8String) {
  EXPECT_EQ(CommonName(signer_cert_.get()), kSignerName);
  EXPECT_EQ(CommonName(ca_cert_.get()), std::string(kOrganisation) + " - Hopso CA");
  // OpenSSL's own reading of the subject, with UTF-8 printed as is.
  const std::string subject =
      Openssl({"x509", "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb", "-in", signer_pem_});
  EXPECT_THAT(subject, HasSubstr(std::string("CN=") + kSignerName));
  EXPECT_THAT(subject, HasSubstr(std::string("O=") + kOrganisation));
  EXPECT_THAT(subject, HasSubstr("UID=k3xq7m2pa9dtw4ns"));
  WriteFileOrDie(dir_.File("signer.der"), CertificateDer(signer_cert_.get()));
  const std::string asn1 = Openssl({"asn1parse", "-inform", "DER", "-in", dir_.File("signer.der")});
  EXPECT_THAT(asn1, HasSubstr(std::string("UTF8STRING        :") + kSignerName));
  EXPECT_THAT(asn1, HasSubstr("PRINTABLESTRING   :VN"));
}

TEST_F(TokenCaTest, CertificateRequestFromATokenKeyVerifies) {
  absl::StatusOr<std::unique_ptr<TokenKey>> key = module_->OpenKey("tuyet.nta", kPin, nullptr, {});
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<std::string> pem = MakeCertificateRequestPem(
      (*key)->private_key(), {.full_name = kSignerName, .organisation = kOrganisation});
  ASSERT_TRUE(pem.ok()) << pem.status();
  WriteFileOrDie(dir_.File("req.pem"), *pem);
  int exit_code = -1;
  const std::string out =
      Openssl({"req", "-verify", "-noout", "-in", dir_.File("req.pem")}, &exit_code);
  EXPECT_EQ(exit_code, 0) << out;
  EXPECT_THAT(out, HasSubstr("verify OK"));
  // It is the token's key that is certified.
  const std::string modulus = Openssl({"req", "-noout", "-modulus", "-in", dir_.File("req.pem")});
  EXPECT_EQ(modulus, Openssl({"x509", "-noout", "-modulus", "-in", signer_pem_}));
}

TEST_F(TokenCaTest, CheckSignerCertificateRefusesAnotherKeyAndExpiry) {
  const int64_t now = absl::ToUnixMicros(absl::Now());
  EXPECT_TRUE(CheckSignerCertificate(signer_cert_.get(), signer_public_.get(), now).ok());
  absl::StatusOr<EvpPkeyPtr> ca_public = module_->PublicKey("hopso-ca");
  ASSERT_TRUE(ca_public.ok()) << ca_public.status();
  const absl::Status other = CheckSignerCertificate(signer_cert_.get(), ca_public->get(), now);
  EXPECT_EQ(other.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(other.message(), HasSubstr("another key"));

  // A certificate issued for one day, checked two days on.
  absl::StatusOr<X509Ptr> short_lived =
      IssueSignerCertificate(ca_key_->private_key(), ca_cert_.get(), signer_public_.get(),
                             {.full_name = kSignerName, .validity_days = 1});
  ASSERT_TRUE(short_lived.ok()) << short_lived.status();
  EXPECT_TRUE(CheckSignerCertificate(short_lived->get(), signer_public_.get(), now).ok());
  const absl::Status expired = CheckSignerCertificate(
      short_lived->get(), signer_public_.get(), now + absl::ToInt64Microseconds(absl::Hours(48)));
  EXPECT_EQ(expired.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(expired.message(), HasSubstr("expired"));
}

// End to end: the CA and the signer in tokens, a PDF signed with the token
// key through pdf::SignPdf, and pdfsig trusting the chain through NSS.
TEST_F(TokenCaTest, PdfSignedWithATokenKeyIsValidAndTrusted) {
  absl::StatusOr<std::unique_ptr<TokenKey>> key =
      module_->OpenKey("tuyet.nta", kPin, X509Ptr(X509_dup(signer_cert_.get())), {});
  ASSERT_TRUE(key.ok()) << key.status();
  const std::string input = dir_.File("bien-ban.pdf");
  const std::string signed_pdf = dir_.File("bien-ban-ky.pdf");
  WriteSimplePdf(input, "Bien ban phien hop");
  pdf::SignatureAppearance appearance;
  appearance.signer_name = kSignerName;
  appearance.role = "Thư ký";
  appearance.time_micros = absl::ToUnixMicros(absl::Now());
  appearance.x = 50;
  appearance.y = 50;
  const absl::Status status = pdf::SignPdf(input, signed_pdf, "ThuKy", appearance, **key);
  ASSERT_TRUE(status.ok()) << status;

  const auto pdfsig = RunCommand({"pdfsig", signed_pdf}, true);
  EXPECT_EQ(pdf::testing::CountOccurrences(pdfsig.output, "Signature is Valid."), 1) << pdfsig.output;
  EXPECT_THAT(pdfsig.output, HasSubstr(kSignerName));

  const std::string nss = "sql:" + dir_.File("nss");
  std::filesystem::create_directories(dir_.File("nss"));
  ASSERT_EQ(RunCommand({"certutil", "-N", "--empty-password", "-d", nss}, true).exit_code, 0);
  ASSERT_EQ(
      RunCommand({"certutil", "-A", "-n", "ca", "-t", "CT,C,C", "-i", ca_pem_, "-d", nss}, true)
          .exit_code,
      0);
  const auto trusted = RunCommand({"pdfsig", "-nssdir", nss, signed_pdf}, true);
  EXPECT_THAT(trusted.output, HasSubstr("Signature is Valid.")) << trusted.output;
  EXPECT_THAT(trusted.output, HasSubstr("Certificate Validation: Certificate is Trusted."))
      << trusted.output;
}

}  // namespace
}  // namespace hopso::server::signing
