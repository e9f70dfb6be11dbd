// page_size / page_token handling shared by every List RPC.
#ifndef HOPSO_SERVER_SERVICES_PAGING_H_
#define HOPSO_SERVER_SERVICES_PAGING_H_

#include <string>

#include "absl/status/statusor.h"
#include "server/store/store.h"

namespace hopso::server {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// ParsePage
//
// page_size 0 means kDefaultPageSize; negative or above kMaxPageSize is
// INVALID_ARGUMENT, as is a page_token this server did not hand out.
absl::StatusOr<PageQuery> ParsePage(int page_size, absl::string_view page_token);

// The page_token for the page after one whose store key is `next`.
std::string PageToken(absl::string_view next);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_PAGING_H_
