#include "pdf/text.h"

#include <cstdlib>

#include <utf8proc.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "pdf/internal/status_macros.h"

namespace hopso::pdf {

absl::StatusOr<std::string> NormalizeNfc(absl::string_view utf8) {
  if (utf8.empty()) return std::string();
  utf8proc_uint8_t* out = nullptr;
  // An explicit length (not UTF8PROC_NULLTERM) so an embedded NUL is a code
  // point like any other rather than the end of the text.
  const utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
      static_cast<utf8proc_ssize_t>(utf8.size()), &out,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("text is not valid UTF-8: ", utf8proc_errmsg(n)));
  }
  std::string result(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  std::free(out);
  return result;
}

absl::StatusOr<std::string> UppercaseNfc(absl::string_view utf8) {
  ASSIGN_OR_RETURN(std::string nfc, NormalizeNfc(utf8));
  std::string upper;
  upper.reserve(nfc.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(nfc.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(nfc.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t used = utf8proc_iterate(p, left, &cp);
    if (used <= 0) return absl::InvalidArgumentError("text is not valid UTF-8");
    utf8proc_uint8_t encoded[4];
    const utf8proc_ssize_t n = utf8proc_encode_char(utf8proc_toupper(cp), encoded);
    upper.append(reinterpret_cast<const char*>(encoded), static_cast<size_t>(n));
    p += used;
    left -= used;
  }
  return upper;
}

}  // namespace hopso::pdf
