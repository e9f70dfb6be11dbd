// Checks on user-supplied text: every name and title that reaches the store
// passes through here, so the database never holds invalid UTF-8.
#ifndef HOPSO_SERVER_UTIL_TEXT_H_
#define HOPSO_SERVER_UTIL_TEXT_H_

#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace hopso::server {

// IsValidUtf8
//
// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing
// above U+10FFFF).
bool IsValidUtf8(absl::string_view s);

// CodePointCount
//
// Number of code points in valid UTF-8 `s`.
size_t CodePointCount(absl::string_view s);

struct TextRule {
  size_t min_chars = 1;
  size_t max_chars = 300;
  bool multiline = false;
};

// ValidateText
//
// INVALID_ARGUMENT naming `field` when `value` is not valid UTF-8, has control
// characters (newlines only when `rule.multiline`), is blank while
// `rule.min_chars` > 0, or is too long. Example:
//   RETURN_IF_ERROR(ValidateText("title", req.title(), {.max_chars = 300}));
absl::Status ValidateText(absl::string_view field, absl::string_view value, TextRule rule);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_UTIL_TEXT_H_
