// Fractions of a count, as quorum and majority rules use them: "more than
// 1/2", "at least 2/3".
#ifndef HOPSO_SERVER_DOMAIN_FRACTION_H_
#define HOPSO_SERVER_DOMAIN_FRACTION_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hopso/v1/attendance.pb.h"

namespace hopso::server {

// ValidateFraction
//
// INVALID_ARGUMENT (naming `field`) unless 0 < numerator <= denominator <= 1000.
absl::Status ValidateFraction(absl::string_view field, const v1::Fraction& f);

// RequiredCount
//
// The smallest count n that meets `f` of `base`: n/base > p/q when strict,
// n/base >= p/q when not, and never less than 1 (nothing passes with no
// votes). Exact integer arithmetic.
int64_t RequiredCount(const v1::Fraction& f, int64_t base);

// OnThreshold
//
// True when `count` is exactly p/q of `base` (count*q == p*base) and base > 0:
// the case a strict rule's tie rule decides.
bool OnThreshold(const v1::Fraction& f, int64_t count, int64_t base);

// Describes the fraction for people: "hơn 1/2" / "more than 1/2",
// "ít nhất 2/3" / "at least 2/3". `language` is "vi" or "en".
std::string DescribeFraction(const v1::Fraction& f, absl::string_view language);

v1::Fraction MakeFraction(int32_t numerator, int32_t denominator, bool strict);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_DOMAIN_FRACTION_H_
