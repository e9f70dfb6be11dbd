#include "server/services/paging.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/util/random_id.h"

namespace hopso::server {
namespace {
// A version prefix, so a token from another build or another list is refused.
constexpr absl::string_view kTokenPrefix = "p1:";
}  // namespace

absl::StatusOr<PageQuery> ParsePage(int page_size, absl::string_view page_token) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size ", page_size, " is out of range 0..", kMaxPageSize,
                     " (0 means the default of ", kDefaultPageSize, ")"));
  }
  PageQuery query;
  query.limit = page_size == 0 ? kDefaultPageSize : page_size;
  if (!page_token.empty()) {
    std::string raw;
    if (!Base64UrlDecode(page_token, &raw) || !absl::StartsWith(raw, kTokenPrefix)) {
      return absl::InvalidArgumentError("page_token is not valid; start again without one");
    }
    query.after = raw.substr(kTokenPrefix.size());
  }
  return query;
}

std::string PageToken(absl::string_view next) {
  if (next.empty()) return "";
  return Base64UrlEncode(absl::StrCat(kTokenPrefix, next));
}

}  // namespace hopso::server
