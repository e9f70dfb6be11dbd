#include "server/util/text.h"

#include "gtest/gtest.h"

namespace hopso::server {
namespace {

TEST(IsValidUtf8, AcceptsVietnameseRejectsMalformed) {
  EXPECT_TRUE(IsValidUtf8("Kỳ họp thứ Mười lăm, Hội đồng nhân dân tỉnh"));
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("ab\xFFcd"));
}

TEST(ValidateText, NamesTheFieldAndTheProblem) {
  struct Case {
    std::string value;
    TextRule rule;
    bool ok;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {"Họp UBND tỉnh", {}, true, ""},
      {"", {}, false, "title must not be empty"},
      {"   ", {}, false, "must not be empty"},
      {"", {.min_chars = 0}, true, ""},
      {"a\nb", {}, false, "control character"},
      {"a\nb", {.multiline = true}, true, ""},
      {std::string(301, 'x'), {}, false, "too long: 301 characters, at most 300"},
      {"\xC3\x28", {}, false, "not valid UTF-8"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    absl::Status s = ValidateText("title", c.value, c.rule);
    EXPECT_EQ(s.ok(), c.ok) << s;
    if (!c.ok) {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
      EXPECT_NE(s.message().find(c.message_part), std::string::npos) << s.message();
    }
  }
}

TEST(ValidateText, CountsCodePointsNotBytes) {
  // 300 Vietnamese letters are 600+ bytes but within the limit.
  std::string s;
  for (int i = 0; i < 300; ++i) s += "ệ";
  EXPECT_TRUE(ValidateText("title", s, {}).ok());
  EXPECT_FALSE(ValidateText("title", s + "ệ", {}).ok());
}

}  // namespace
}  // namespace hopso::server
