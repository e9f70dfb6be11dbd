// RFC 4180 CSV as spreadsheets export it (optional UTF-8 BOM, quoted fields
// with "" escapes, CRLF or LF), for importing delegates.
#ifndef HOPSO_SERVER_SERVICES_CSV_H_
#define HOPSO_SERVER_SERVICES_CSV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace hopso::server {

struct CsvRow {
  int line = 0;  // 1-based line where the row starts
  std::vector<std::string> fields;
};

// ParseCsv
//
// Rows, blank lines skipped. INVALID_ARGUMENT naming the line for invalid
// UTF-8 or an unterminated quote.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_CSV_H_
