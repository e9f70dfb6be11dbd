// Broken and hostile uploads: each is refused with a status a person can act
// on, leaves nothing behind (no document, no event, no blob), and the server
// stays up and keeps taking good documents. The dangerous files (nested
// dictionaries that crash or stall PoDoFo) are read only by the sandboxed
// screening child, so only that child may die.
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/test_tools.h"
#include "server/util/random_id.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

namespace hopso::integration {
namespace {

using ::hopso::pdf::testing::ReadFileOrDie;
using ::hopso::pdf::testing::WriteRawPdf;
using ::testing::HasSubstr;

// The largest upload hopsod takes (pdf::ScreenLimits::max_bytes).
constexpr int64_t kMaxUploadBytes = int64_t{100} << 20;

std::string NotAPdf(const HopsodProcess&) {
  return "Biên bản cuộc họp ngày 12/3/2025\nKhông phải tệp PDF, chỉ là văn bản thường.\n";
}

std::string TruncatedPdf(const HopsodProcess& server) {
  const std::string good =
      DemoPdf(server, "Báo cáo tình hình thực hiện nhiệm vụ", 3, pdf::DemoDocKind::kBaoCao);
  return good.substr(0, good.size() * 6 / 10);
}

std::string EncryptedPdf(const HopsodProcess& server) {
  const std::string plain = ScratchFile(server, DemoPdf(server, "Tài liệu mật", 1));
  const std::string encrypted = absl::StrCat(plain, ".encrypted.pdf");
  const pdf::testing::CommandResult qpdf = pdf::testing::RunCommand(
      {"qpdf", "--encrypt", "u", "o", "256", "--", plain, encrypted}, /*merge_stderr=*/true);
  if (qpdf.exit_code != 0) throw std::runtime_error("qpdf --encrypt: " + qpdf.output);
  return ReadFileOrDie(encrypted);
}

// One page whose /Foo is a dictionary nested `depth` deep: a few kilobytes
// that cost PoDoFo 0.9.8 seconds (1,100: far past the screening time limit
// on a quiet machine, where 700 took under 4 s) or its whole stack (20,000).
std::string NestedPdf(const HopsodProcess& server, int depth) {
  std::string nested;
  for (int i = 0; i < depth; ++i) nested += "<< /A ";
  nested += "1";
  for (int i = 0; i < depth; ++i) nested += " >>";
  const std::string path = ScratchFile(server, "", ".nested.pdf");
  WriteRawPdf(path,
              {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Foo 4 0 R >>", nested});
  return ReadFileOrDie(path);
}
std::string Nested20000(const HopsodProcess& server) { return NestedPdf(server, 20000); }
std::string Nested1100(const HopsodProcess& server) { return NestedPdf(server, 1100); }

std::string GoodPdf(const HopsodProcess& server) {
  return DemoPdf(server, "Về việc tổ chức hội nghị tổng kết", 2);
}

class HostileUploadTest : public HopsodTest {
 protected:
  void SetUp() override {
    HopsodTest::SetUp();
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_OK_AND_ASSIGN(cast_, MakeCast(*server_, "Sở Thông tin và Truyền thông", ""));
    ASSERT_OK_AND_ASSIGN(meeting_, MakeMeeting(cast_, v1::MEETING_STATE_PUBLISHED));
    // One document already there, so "nothing stored" is not just "empty".
    ASSERT_OK(UploadDocument(cast_.secretary, meeting_.id(), "Tài liệu có sẵn",
                             DemoPdf(*server_, "Về việc có sẵn", 1)));
    ASSERT_OK_AND_ASSIGN(documents_before_, ListDocuments(cast_.secretary, meeting_.id()));
    ASSERT_OK_AND_ASSIGN(v1::Meeting meeting, GetMeeting(cast_.secretary, meeting_.id()));
    seq_before_ = meeting.last_event_seq();
    blobs_before_ = StoredBlobs(*server_);
  }

  // Nothing was stored, the server answers, still screens a good PDF, and
  // shuts down cleanly: it never died.
  void ExpectNothingStoredAndServerUp() {
    ASSERT_OK_AND_ASSIGN(v1::Meeting meeting, GetMeeting(cast_.secretary, meeting_.id()));
    EXPECT_EQ(meeting.last_event_seq(), seq_before_) << "no event for a refused upload";
    ASSERT_OK_AND_ASSIGN(std::vector<v1::Document> documents,
                         ListDocuments(cast_.delegate, meeting_.id()));
    ASSERT_EQ(documents.size(), documents_before_.size());
    for (size_t i = 0; i < documents.size(); ++i) {
      EXPECT_EQ(documents[i].id(), documents_before_[i].id());
    }
    EXPECT_EQ(StoredBlobs(*server_), blobs_before_);

    EXPECT_OK(UploadDocument(cast_.secretary, meeting_.id(), "Tài liệu sau đó", GoodPdf(*server_)));
    // Idle client connections hold up hopsod's shutdown (up to its 5 s grace
    // period): close them first.
    cast_ = Cast();
    absl::StatusOr<int> exit_code = server_->Stop();
    ASSERT_OK(exit_code) << "hopsod did not survive the upload";
    EXPECT_EQ(*exit_code, 0);
  }

  Cast cast_;
  v1::Meeting meeting_;
  std::vector<v1::Document> documents_before_;
  int64_t seq_before_ = 0;
  std::vector<std::string> blobs_before_;
};

struct FileCase {
  std::string name;
  std::string (*make)(const HopsodProcess&);
  // Declare the SHA-256 of other bytes than those sent.
  bool wrong_hash = false;
  absl::StatusCode code;
  std::string message;
};

void PrintTo(const FileCase& c, std::ostream* os) { *os << c.name; }

class HostileFileTest : public HostileUploadTest, public ::testing::WithParamInterface<FileCase> {};

TEST_P(HostileFileTest, IsRefusedAndNothingIsStored) {
  const FileCase& c = GetParam();
  const std::string bytes = c.make(*server_);
  v1::StartUploadRequest request =
      UploadRequest(meeting_.id(), c.name, absl::StrCat(c.name, ".pdf"), bytes);
  if (c.wrong_hash) {
    // Another PDF's hash, as when the file changed after it was hashed.
    request.set_sha256(server::Sha256(DemoPdf(*server_, "Một văn bản khác", 2)));
    ASSERT_NE(request.sha256(), server::Sha256(bytes));
  }

  const absl::Time start = absl::Now();
  absl::StatusOr<v1::Document> document = Upload(cast_.secretary, request, bytes);
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(document.status().code(), c.code) << document.status();
  EXPECT_THAT(document.status().message(), HasSubstr(c.message));
  std::cerr << c.name << ": " << document.status() << " after " << took << "\n";
  ExpectNothingStoredAndServerUp();
}

INSTANTIATE_TEST_SUITE_P(
    Files, HostileFileTest,
    ::testing::Values(FileCase{"NotAPdfNamedPdf", NotAPdf, false,
                               absl::StatusCode::kInvalidArgument, "the file is not a PDF"},
                      FileCase{"TruncatedPdf", TruncatedPdf, false,
                               absl::StatusCode::kInvalidArgument, "the PDF is damaged"},
                      FileCase{"EncryptedPdf", EncryptedPdf, false,
                               absl::StatusCode::kFailedPrecondition,
                               "encrypted PDFs are not accepted"},
                      // Overflows PoDoFo's stack: the screening child dies of SIGSEGV.
                      FileCase{"Nested20000Deep", Nested20000, false,
                               absl::StatusCode::kInvalidArgument, "the PDF crashed the reader"},
                      // Keeps PoDoFo busy well past the screening time limit, which
                      // must end it.
                      FileCase{"Nested1100Deep", Nested1100, false,
                               absl::StatusCode::kInvalidArgument, "the PDF took too long to read"},
                      FileCase{"DeclaredHashDoesNotMatch", GoodPdf, true,
                               absl::StatusCode::kInvalidArgument, "does not match the declared"}),
    [](const ::testing::TestParamInfo<FileCase>& info) { return info.param.name; });

TEST_F(HostileUploadTest, AFileOverTheSizeLimitIsRefusedBeforeAnyByteIsSent) {
  v1::StartUploadRequest request =
      UploadRequest(meeting_.id(), "Quá lớn", "qua-lon.pdf", "%PDF-1.7\n");
  request.set_size_bytes(kMaxUploadBytes + 1);
  std::unique_ptr<v1::DocumentService::Stub> documents = Documents(cast_.secretary);
  absl::StatusOr<v1::UploadState> started =
      Call(*documents, &v1::DocumentService::Stub::StartUpload, request);
  EXPECT_EQ(started.status().code(), absl::StatusCode::kResourceExhausted) << started.status();
  EXPECT_THAT(started.status().message(), HasSubstr("100 MB"));

  // No upload was opened: there is nothing to send to.
  v1::GetUploadRequest get;
  get.set_upload_id(request.upload_id());
  EXPECT_EQ(Call(*documents, &v1::DocumentService::Stub::GetUpload, get).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(SendChunks(cast_.secretary, request.upload_id(), "%PDF-1.7\n").ok());
  ExpectNothingStoredAndServerUp();
}

TEST_F(HostileUploadTest, AStreamThatStopsMidwayCannotBeFinished) {
  const std::string bytes = GoodPdf(*server_);
  const int64_t half = static_cast<int64_t>(bytes.size() / 2);
  const v1::StartUploadRequest request =
      UploadRequest(meeting_.id(), "Dừng giữa chừng", "dung-giua-chung.pdf", bytes);
  std::unique_ptr<v1::DocumentService::Stub> documents = Documents(cast_.secretary);
  ASSERT_OK(Call(*documents, &v1::DocumentService::Stub::StartUpload, request));
  ASSERT_OK_AND_ASSIGN(v1::UploadState state, SendChunks(cast_.secretary, request.upload_id(),
                                                         bytes.substr(0, half), 0, 8 * 1024));
  ASSERT_EQ(state.received_bytes(), half);

  v1::FinishUploadRequest finish;
  finish.set_upload_id(request.upload_id());
  absl::StatusOr<v1::Document> document =
      Call(*documents, &v1::DocumentService::Stub::FinishUpload, finish);
  EXPECT_EQ(document.status().code(), absl::StatusCode::kFailedPrecondition) << document.status();
  // Says how far it got and where to continue.
  EXPECT_THAT(document.status().message(), HasSubstr(absl::StrCat(half)));
  EXPECT_THAT(document.status().message(), HasSubstr(absl::StrCat(bytes.size())));
  ExpectNothingStoredAndServerUp();
}

}  // namespace
}  // namespace hopso::integration
