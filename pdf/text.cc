#include "pdf/text.h"

#include <cstdlib>

#include <utf8proc.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

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

}  // namespace hopso::pdf
