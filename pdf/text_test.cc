#include "pdf/text.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace hopso::pdf {
namespace {

TEST(NormalizeNfc, ComposesVietnamese) {
  struct Case {
    const char* name;
    std::string input;
    std::string want;
  };
  const Case cases[] = {
      // "Hội nghị": o + circumflex + dot below, i + dot below.
      {"decomposed", "Ho\xCC\x82\xCC\xA3i nghi\xCC\xA3", "H\xE1\xBB\x99i ngh\xE1\xBB\x8B"},
      // The same letter with its marks in the other order: canonical
      // reordering puts the dot below (class 220) before the circumflex (230).
      {"marks reordered", "e\xCC\xA3\xCC\x82", "\xE1\xBB\x87"},
      {"partly composed", "Tr\xC6\xB0o\xCC\x9B\xCC\x81ng", "Tr\xC6\xB0\xE1\xBB\x9Bng"},
      {"already NFC", "ỦY BAN NHÂN DÂN TỈNH", "ỦY BAN NHÂN DÂN TỈNH"},
      {"ascii", "Agenda 2025", "Agenda 2025"},
      {"empty", "", ""},
      {"embedded NUL kept", std::string("a\0b", 3), std::string("a\0b", 3)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<std::string> got = NormalizeNfc(c.input);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, c.want);
  }
}

TEST(NormalizeNfc, DecomposedAndPrecomposedTitlesCompareEqual) {
  const std::string precomposed = "CHƯƠNG TRÌNH PHIÊN HỌP";
  // U+01AF is itself NFC; decompose the rest by hand: Ì = I + grave,
  // Ê = E + circumflex, Ọ = O + dot below.
  const std::string decomposed =
      "CH\xC6\xAF\xC6\xA0NG TRI\xCC\x80NH PHIE\xCC\x82N HO\xCC\xA3P";
  absl::StatusOr<std::string> a = NormalizeNfc(precomposed);
  absl::StatusOr<std::string> b = NormalizeNfc(decomposed);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(precomposed, decomposed);
}

TEST(NormalizeNfc, RejectsInvalidUtf8) {
  const std::string bad[] = {
      "\xC3\x28",          // bad continuation byte
      "\xC0\xAF",          // overlong '/'
      "\xED\xA0\x80",      // UTF-16 surrogate
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "abc\xE1\xBB",       // truncated sequence
  };
  for (const std::string& input : bad) {
    SCOPED_TRACE(::testing::PrintToString(input));
    absl::StatusOr<std::string> got = NormalizeNfc(input);
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(UppercaseNfc, UpperCasesTheIssuingBodyTheDecreeWay) {
  EXPECT_EQ(UppercaseNfc("Ủy ban nhân dân tỉnh Quảng Nam").value(),
            "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM");
  EXPECT_EQ(UppercaseNfc("Sở Tài chính, đường Hùng Vương").value(),
            "SỞ TÀI CHÍNH, ĐƯỜNG HÙNG VƯƠNG");
  // Decomposed input is composed first, so the result is one code point per letter.
  EXPECT_EQ(UppercaseNfc("ho\xcc\x9b\xcc\xa3p").value(), "HỢP");
  EXPECT_FALSE(UppercaseNfc("\xff").ok());
}

}  // namespace
}  // namespace hopso::pdf
