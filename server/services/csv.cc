#include "server/services/csv.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/util/text.h"

namespace hopso::server {

absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text) {
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  // Check encoding line by line so the error can say where.
  int line_no = 1;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == absl::string_view::npos) end = text.size();
    if (!IsValidUtf8(text.substr(start, end - start))) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_no, ": not valid UTF-8 (save the file as CSV UTF-8)"));
    }
    start = end + 1;
    ++line_no;
  }
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool in_quotes = false, field_started = false, row_has_content = false;
  int line = 1;
  row.line = 1;
  auto end_field = [&] {
    row.fields.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_row = [&] {
    if (row_has_content || row.fields.size() > 0) {
      end_field();
      rows.push_back(std::move(row));
    }
    row = CsvRow{};
    row_has_content = false;
    field.clear();
    field_started = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    switch (c) {
      case '"':
        in_quotes = true;
        field_started = row_has_content = true;
        break;
      case ',':
        end_field();
        row_has_content = true;
        break;
      case '\r':
        break;
      case '\n':
        end_row();
        ++line;
        row.line = line;
        break;
      default:
        field.push_back(c);
        field_started = row_has_content = true;
    }
  }
  if (in_quotes) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", row.line, ": a quoted field is not closed"));
  }
  if (row_has_content || field_started) end_row();
  return rows;
}

}  // namespace hopso::server
