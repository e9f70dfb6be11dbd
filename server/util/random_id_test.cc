#include "server/util/random_id.h"

#include <set>

#include "gtest/gtest.h"

namespace hopso::server {
namespace {

TEST(NewId, IsSixteenBase32CharactersAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewId();
    ASSERT_EQ(id.size(), 16u);
    for (char c : id) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '9')) << id;
    EXPECT_TRUE(seen.insert(id).second) << "duplicate id " << id;
  }
}

TEST(Base64Url, RoundTrips) {
  std::string raw = RandomBytes(32);
  std::string decoded;
  ASSERT_TRUE(Base64UrlDecode(Base64UrlEncode(raw), &decoded));
  EXPECT_EQ(decoded, raw);
  EXPECT_FALSE(Base64UrlDecode("not base64 !!", &decoded));
}

TEST(Sha256, MatchesKnownVector) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Base32, MatchesRfc4648Vectors) {
  EXPECT_EQ(Base32Encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(Base32Encode("foobarbaz!"), "MZXW6YTBOJRGC6RB");
  EXPECT_EQ(Base32Encode(""), "");
}

}  // namespace
}  // namespace hopso::server
