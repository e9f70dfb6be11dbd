// The demo meeting's documents: Vietnamese administrative papers generated
// with pdf::WriteDemoDocument (and an OpenDocument text when LibreOffice is
// installed), uploaded, versioned, attached and made confidential the way a
// secretary (thư ký) prepares a meeting.
#ifndef HOPSO_SERVER_CTL_DEMO_DOCUMENTS_H_
#define HOPSO_SERVER_CTL_DEMO_DOCUMENTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hopso/v1/document.pb.h"
#include "server/ctl/client.h"
#include "server/ctl/demo_script.h"

namespace hopso::ctl {

// The confidential demo document (tài liệu mật), readable by the chair only
// besides the secretaries.
inline constexpr absl::string_view kConfidentialTitle =
    "Dự thảo Nghị quyết về sắp xếp đơn vị hành chính cấp xã giai đoạn 2026 – 2030";

// UploadDemoDocuments
//
// As the meeting's secretary, gives the meeting the demo's documents, doing
// only what is still missing (so an interrupted seeding is finished, and a
// finished one left alone):
//   * "Tờ trình về dự toán ngân sách tỉnh năm 2027" (6 pages) on the budget
//     item, then a corrected second version of it;
//   * "Báo cáo tình hình kinh tế – xã hội năm 2026" (10 pages) on the report
//     item, its upload stopped half way and resumed;
//   * kConfidentialTitle (4 pages) uploaded to the meeting, attached to the
//     restructuring item and made confidential for the chair;
//   * a Word-processor file (.odt) on the Tết item when `soffice` is on PATH,
//     converted by the server; otherwise a line saying it was skipped.
// Narrates each step in `transcript`.
absl::Status UploadDemoDocuments(const Client& secretary, const std::string& meeting_id,
                                 Transcript& transcript);

// ListAllDocuments
//
// Every document of the meeting `client` may see, all pages.
absl::StatusOr<std::vector<v1::Document>> ListAllDocuments(const Client& client,
                                                           const std::string& meeting_id);

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_DEMO_DOCUMENTS_H_
