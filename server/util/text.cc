#include "server/util/text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace hopso::server {

bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      const unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

size_t CodePointCount(absl::string_view s) {
  size_t count = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

absl::Status ValidateText(absl::string_view field, absl::string_view value, TextRule rule) {
  if (!IsValidUtf8(value)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not valid UTF-8"));
  }
  for (unsigned char c : value) {
    if ((c < 0x20 && !(rule.multiline && (c == '\n' || c == '\t'))) || c == 0x7F) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " contains a control character (byte ", static_cast<int>(c), ")"));
    }
  }
  if (rule.min_chars > 0 && absl::StripAsciiWhitespace(value).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " must not be empty"));
  }
  const size_t chars = CodePointCount(value);
  if (chars > rule.max_chars) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is too long: ", chars,
                                                   " characters, at most ", rule.max_chars));
  }
  return absl::OkStatus();
}

}  // namespace hopso::server
