#include "server/domain/fraction.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace hopso::server {
namespace {

TEST(RequiredCount, IsTheSmallestCountMeetingTheRule) {
  struct Case {
    std::string name;
    int32_t p, q;
    bool strict;
    int64_t base, required;
  };
  const Case kCases[] = {
      {"more than 1/2 of 12 needs 7", 1, 2, true, 12, 7},
      {"more than 1/2 of 11 needs 6", 1, 2, true, 11, 6},
      {"more than 1/2 of 1 needs 1", 1, 2, true, 1, 1},
      {"at least 1/2 of 12 needs 6", 1, 2, false, 12, 6},
      {"at least 1/2 of 11 needs 6", 1, 2, false, 11, 6},
      {"at least 2/3 of 12 needs 8", 2, 3, false, 12, 8},
      {"at least 2/3 of 10 needs 7", 2, 3, false, 10, 7},
      {"more than 2/3 of 12 needs 9", 2, 3, true, 12, 9},
      {"more than 2/3 of 10 needs 7", 2, 3, true, 10, 7},
      {"at least 3/4 of 8 needs 6", 3, 4, false, 8, 6},
      {"more than 3/4 of 8 needs 7", 3, 4, true, 8, 7},
      {"at least 1/1 of 5 needs all 5", 1, 1, false, 5, 5},
      {"more than 1/1 of 5 cannot be met (6)", 1, 1, true, 5, 6},
      {"strict base 0 still needs 1", 1, 2, true, 0, 1},
      {"non-strict base 0 still needs 1", 1, 2, false, 0, 1},
      {"at least 1/1000 of 3 still needs 1", 1, 1000, false, 3, 1},
      {"large base without overflow", 999, 1000, false, 1'000'000'000'000, 999'000'000'000},
      {"large base strict", 999, 1000, true, 1'000'000'000'000, 999'000'000'001},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(RequiredCount(MakeFraction(c.p, c.q, c.strict), c.base), c.required);
  }
}

// Every fraction p/q with q <= 12 over every base up to 60, checked against
// the definition: the count meets the rule, one less does not (or is 0).
TEST(RequiredCount, MatchesTheDefinitionForEverySmallCase) {
  for (int32_t q = 1; q <= 12; ++q) {
    for (int32_t p = 1; p <= q; ++p) {
      for (bool strict : {false, true}) {
        for (int64_t base = 0; base <= 60; ++base) {
          SCOPED_TRACE(absl::StrCat(strict ? "more than " : "at least ", p, "/", q, " of ", base));
          const int64_t n = RequiredCount(MakeFraction(p, q, strict), base);
          auto meets = [&](int64_t count) {
            return strict ? count * q > p * base : count * q >= p * base;
          };
          EXPECT_GE(n, 1);
          EXPECT_TRUE(meets(n));
          if (n > 1) {
            EXPECT_FALSE(meets(n - 1));
          }
        }
      }
    }
  }
}

TEST(OnThreshold, IsExactlyTheFractionOfAPositiveBase) {
  struct Case {
    std::string name;
    int32_t p, q;
    int64_t count, base;
    bool expected;
  };
  const Case kCases[] = {
      {"6 of 12 is exactly 1/2", 1, 2, 6, 12, true},
      {"7 of 12 is above 1/2", 1, 2, 7, 12, false},
      {"5 of 11 is below 1/2", 1, 2, 5, 11, false},
      {"8 of 12 is exactly 2/3", 2, 3, 8, 12, true},
      {"0 of 0 is not a threshold", 1, 2, 0, 0, false},
      {"0 of 5 is not 1/2", 1, 2, 0, 5, false},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(OnThreshold(MakeFraction(c.p, c.q, true), c.count, c.base), c.expected);
  }
}

TEST(ValidateFraction, RefusesFractionsOutsideZeroToOne) {
  struct Case {
    std::string name;
    int32_t p, q;
    bool ok;
  };
  const Case kCases[] = {
      {"1/2", 1, 2, true},         {"1/1", 1, 1, true},          {"1000/1000", 1000, 1000, true},
      {"0/2", 0, 2, false},        {"unset 0/0", 0, 0, false},   {"3/2 above one", 3, 2, false},
      {"1/0", 1, 0, false},        {"-1/2", -1, 2, false},       {"1/1001", 1, 1001, false},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    absl::Status status = ValidateFraction("rule.fraction", MakeFraction(c.p, c.q, true));
    EXPECT_EQ(status.ok(), c.ok) << status;
    if (!c.ok) {
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
      EXPECT_NE(status.message().find("rule.fraction"), std::string::npos) << status;
    }
  }
}

TEST(DescribeFraction, SaysMoreThanOrAtLeastInBothLanguages) {
  EXPECT_EQ(DescribeFraction(MakeFraction(1, 2, true), "vi"), "hơn 1/2");
  EXPECT_EQ(DescribeFraction(MakeFraction(2, 3, false), "vi"), "ít nhất 2/3");
  EXPECT_EQ(DescribeFraction(MakeFraction(1, 2, true), "en"), "more than 1/2");
  EXPECT_EQ(DescribeFraction(MakeFraction(3, 4, false), "en"), "at least 3/4");
}

}  // namespace
}  // namespace hopso::server
