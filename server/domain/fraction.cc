#include "server/domain/fraction.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace hopso::server {

absl::Status ValidateFraction(absl::string_view field, const v1::Fraction& f) {
  if (f.numerator() <= 0 || f.denominator() < f.numerator() || f.denominator() > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": a fraction p/q needs 0 < p <= q <= 1000 (e.g. 1/2 or 2/3), got ",
                     f.numerator(), "/", f.denominator()));
  }
  return absl::OkStatus();
}

int64_t RequiredCount(const v1::Fraction& f, int64_t base) {
  const int64_t p = f.numerator();
  const int64_t q = f.denominator();
  // An invalid fraction never reaches here through validated input; if one
  // does, demand more than everyone rather than divide by zero.
  if (p <= 0 || q <= 0) return std::max<int64_t>(1, base + 1);
  const int64_t pb = p * std::max<int64_t>(0, base);
  // Strict: n*q > p*base, the smallest n is floor(p*base/q) + 1.
  // Not strict: n*q >= p*base, the smallest n is ceil(p*base/q).
  const int64_t n = f.strict() ? pb / q + 1 : (pb + q - 1) / q;
  return std::max<int64_t>(1, n);
}

bool OnThreshold(const v1::Fraction& f, int64_t count, int64_t base) {
  return base > 0 && f.denominator() > 0 &&
         count * int64_t{f.denominator()} == int64_t{f.numerator()} * base;
}

std::string DescribeFraction(const v1::Fraction& f, absl::string_view language) {
  const bool vi = language == "vi";
  absl::string_view words =
      f.strict() ? (vi ? "hơn " : "more than ") : (vi ? "ít nhất " : "at least ");
  return absl::StrCat(words, f.numerator(), "/", f.denominator());
}

v1::Fraction MakeFraction(int32_t numerator, int32_t denominator, bool strict) {
  v1::Fraction f;
  f.set_numerator(numerator);
  f.set_denominator(denominator);
  f.set_strict(strict);
  return f;
}

}  // namespace hopso::server
