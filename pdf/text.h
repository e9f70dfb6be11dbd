// Unicode normalisation of text that is about to be drawn into a PDF.
//
// PoDoFo does no shaping: a base letter followed by combining accents is drawn
// glyph after glyph and the accents collide. Vietnamese typed on some
// keyboards (or pasted from macOS) arrives decomposed, so every string goes
// through NFC first; Liberation Serif has all precomposed Vietnamese letters.
#ifndef HOPSO_PDF_TEXT_H_
#define HOPSO_PDF_TEXT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hopso::pdf {

// NormalizeNfc
//
// Returns `utf8` in Unicode Normalization Form C. INVALID_ARGUMENT when
// `utf8` is not well-formed UTF-8. Example:
//   NormalizeNfc("Ho\xcc\x9b\xcc\xa3p")  // "Họp" with U+031B U+0323 -> "Hợp"
absl::StatusOr<std::string> NormalizeNfc(absl::string_view utf8);

// UppercaseNfc
//
// NFC, then every letter in upper case (Unicode simple case mapping), as
// Decree 30/2020/NĐ-CP prints the issuing body: "Ủy ban nhân dân tỉnh Quảng
// Nam" -> "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM". Errors as NormalizeNfc.
absl::StatusOr<std::string> UppercaseNfc(absl::string_view utf8);

}  // namespace hopso::pdf

#endif  // HOPSO_PDF_TEXT_H_
