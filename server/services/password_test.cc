#include "server/services/password.h"

#include "gtest/gtest.h"

namespace hopso::server {
namespace {

TEST(Password, VerifiesOnlyTheRightPasswordAndSaltsEachHash) {
  const std::string hash = HashPassword("Mật khẩu 2026");
  EXPECT_TRUE(VerifyPassword("Mật khẩu 2026", hash));
  EXPECT_FALSE(VerifyPassword("Mat khau 2026", hash));
  EXPECT_NE(hash, HashPassword("Mật khẩu 2026"));
  EXPECT_EQ(hash.rfind("scrypt$32768$8$1$", 0), 0u) << hash;
}

TEST(Password, RefusesEmptyAndMalformedHashes) {
  EXPECT_FALSE(VerifyPassword("x", ""));
  EXPECT_FALSE(VerifyPassword("x", "scrypt$1$2$3"));
  EXPECT_FALSE(VerifyPassword("x", "scrypt$99999999999$8$1$AAAA$AAAA"));
}

}  // namespace
}  // namespace hopso::server
