// Documents travel whole: what a secretary uploads comes back from Download
// byte for byte as the server stored it (the normalised PDF, named by its
// SHA-256), also when the upload or the download was cut off and resumed;
// new versions keep the old ones; and an upload that does not add up stores
// nothing.
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
#include "pdf/composer.h"
#include "pdf/internal/test_tools.h"
#include "server/util/random_id.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

namespace hopso::integration {
namespace {

using ::hopso::pdf::testing::PageCount;
using ::hopso::pdf::testing::PdfToText;
using ::hopso::pdf::testing::QpdfCheck;
using ::hopso::pdf::testing::ReadFileOrDie;
using ::hopso::pdf::testing::WriteRawPdf;
using ::testing::Contains;
using ::testing::HasSubstr;

constexpr int64_t kKiB = 1024;
constexpr int64_t kMiB = 1024 * kKiB;
// Download chunks are 256 KiB to 1 MiB (all but the last at least 256 KiB).
constexpr size_t kMinDownloadChunk = 256 * kKiB;
constexpr size_t kMaxDownloadChunk = 1 * kMiB;

// A one-page PDF showing one RGB image of random pixels: incompressible, so
// the stored (normalised, Flate-encoded) file is as large as the upload.
std::string NoisePdf(const HopsodProcess& server, int64_t image_bytes) {
  constexpr int kWidth = 1000;
  const int height = static_cast<int>(image_bytes / (3 * kWidth));
  const std::string pixels = server::RandomBytes(static_cast<size_t>(3) * kWidth * height);
  const std::string content = "q 500 0 0 700 47 71 cm /Im1 Do Q\n";
  const std::string path = absl::StrCat(server.scratch_dir(), "/noise-", server::NewId(), ".pdf");
  WriteRawPdf(
      path, {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
             "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
             "/Resources << /XObject << /Im1 5 0 R >> >> >>",
             absl::StrCat("<< /Length ", content.size(), " >>\nstream\n", content, "endstream"),
             absl::StrCat("<< /Type /XObject /Subtype /Image /Width ", kWidth, " /Height ", height,
                          " /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length ", pixels.size(),
                          " >>\nstream\n", pixels, "\nendstream")});
  return ReadFileOrDie(path);
}

// A document composed with pdf::Composer: headings, paragraphs and a table
// over several pages.
std::string ComposedPdf(const HopsodProcess& server) {
  absl::StatusOr<std::unique_ptr<pdf::Composer>> composer =
      pdf::Composer::Create({.title = "Báo cáo tổng hợp ý kiến"});
  if (!composer.ok()) throw std::runtime_error(composer.status().ToString());
  pdf::Composer& c = **composer;
  auto check = [](const absl::Status& status) {
    if (!status.ok()) throw std::runtime_error(status.ToString());
  };
  check(c.Paragraph("BÁO CÁO TỔNG HỢP Ý KIẾN CÁC ĐẠI BIỂU",
                    {.size_pt = 14, .bold = true, .align = pdf::Align::kCenter})
            .status());
  pdf::TableSpec table;
  table.columns = {
      {.width_mm = 15, .align = pdf::Align::kCenter}, {.width_mm = 55}, {.width_mm = 90}};
  table.header = {"STT", "Đại biểu", "Ý kiến"};
  for (int i = 1; i <= 60; ++i) {
    table.rows.push_back({absl::StrCat(i), absl::StrCat("Đại biểu số ", i),
                          "Đề nghị bổ sung số liệu về ngân sách, tiến độ giải ngân và trách "
                          "nhiệm của từng sở, ngành trong việc triển khai nghị quyết."});
  }
  check(c.Table(table).status());
  check(c.AddPageNumbers());
  const std::string path =
      absl::StrCat(server.scratch_dir(), "/composed-", server::NewId(), ".pdf");
  check(c.Save(path));
  return ReadFileOrDie(path);
}

class DocumentsTest : public HopsodTest {
 protected:
  void SetUp() override {
    HopsodTest::SetUp();
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_OK_AND_ASSIGN(cast_, MakeCast(*server_, "Văn phòng UBND tỉnh Quảng Nam", ""));
    ASSERT_OK_AND_ASSIGN(meeting_, MakeMeeting(cast_, v1::MEETING_STATE_PUBLISHED));
  }

  int64_t LastEventSeq() {
    absl::StatusOr<v1::Meeting> meeting = GetMeeting(cast_.secretary, meeting_.id());
    EXPECT_OK(meeting);
    return meeting.ok() ? meeting->last_event_seq() : -1;
  }

  // Downloads `version` of `document_id` as the delegate and checks that it
  // is that version, byte for byte: the first chunk names its size and
  // SHA-256, the bytes hash to it, and the chunks have the promised sizes.
  // Returns the bytes.
  std::string DownloadAndCheck(const std::string& document_id, const v1::DocumentVersion& version,
                               bool ask_by_hash) {
    absl::StatusOr<Downloaded> got =
        Download(cast_.delegate, document_id, ask_by_hash ? version.sha256() : "");
    EXPECT_OK(got);
    if (!got.ok()) return "";
    EXPECT_EQ(got->sha256, version.sha256());
    EXPECT_EQ(got->size_bytes, version.size_bytes());
    EXPECT_EQ(static_cast<int64_t>(got->data.size()), version.size_bytes());
    EXPECT_EQ(server::Sha256(got->data), version.sha256()) << "the bytes are not the version";
    for (size_t i = 0; i < got->chunk_sizes.size(); ++i) {
      EXPECT_LE(got->chunk_sizes[i], kMaxDownloadChunk) << "chunk " << i;
      if (i + 1 < got->chunk_sizes.size()) {
        EXPECT_GE(got->chunk_sizes[i], kMinDownloadChunk) << "chunk " << i;
      }
    }
    return got->data;
  }

  // ListDocuments, the meeting's log and the blob store are as they were.
  void ExpectNothingStored(const std::vector<v1::Document>& documents_before, int64_t seq_before,
                           const std::vector<std::string>& blobs_before) {
    absl::StatusOr<std::vector<v1::Document>> documents =
        ListDocuments(cast_.secretary, meeting_.id());
    ASSERT_OK(documents);
    EXPECT_EQ(documents->size(), documents_before.size());
    EXPECT_EQ(LastEventSeq(), seq_before) << "no event for a refused upload";
    EXPECT_EQ(StoredBlobs(*server_), blobs_before);
  }

  Cast cast_;
  v1::Meeting meeting_;
};

TEST_F(DocumentsTest, RoundTripsComeBackAsTheStoredVersion) {
  struct Case {
    std::string name;
    std::string bytes;
    int pages;
    size_t chunk_bytes;
  };
  const Case cases[] = {
      {"tờ trình, 1 page", DemoPdf(*server_, "Về việc phê duyệt kế hoạch năm 2025", 1), 1,
       kUploadChunkBytes},
      {"báo cáo, 3 pages",
       DemoPdf(*server_, "Báo cáo tình hình kinh tế - xã hội quý I", 3, pdf::DemoDocKind::kBaoCao),
       3, 4 * kKiB},
      {"dự thảo nghị quyết, 12 pages",
       DemoPdf(*server_, "Dự thảo nghị quyết về phòng họp không giấy", 12,
               pdf::DemoDocKind::kDuThaoNghiQuyet),
       12, 64 * kKiB},
      {"composed table", ComposedPdf(*server_), -1, 100 * kKiB},
      {"6 MB image", NoisePdf(*server_, 6 * kMiB), 1, 256 * kKiB},
  };
  int64_t seq = LastEventSeq();
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.name, " (", c.bytes.size(), " bytes)"));
    const std::string original = ScratchFile(*server_, c.bytes);
    const int pages = c.pages > 0 ? c.pages : PageCount(original);
    ASSERT_GT(pages, 0);

    ASSERT_OK_AND_ASSIGN(
        v1::Document document,
        Upload(cast_.secretary,
               UploadRequest(meeting_.id(), c.name, absl::StrCat(c.name, ".pdf"), c.bytes), c.bytes,
               c.chunk_bytes));
    EXPECT_EQ(document.meeting_id(), meeting_.id());
    EXPECT_EQ(document.title(), c.name);
    ASSERT_EQ(document.versions_size(), 1);
    const v1::DocumentVersion& version = document.versions(0);
    EXPECT_EQ(version.number(), 1);
    EXPECT_EQ(version.sha256().size(), 32u);
    EXPECT_EQ(version.page_count(), pages);
    EXPECT_EQ(version.content_type(), "application/pdf");
    EXPECT_FALSE(version.signed_());
    EXPECT_EQ(version.uploaded_by(), cast_.secretary.user.id());
    EXPECT_EQ(LastEventSeq(), ++seq) << "one event per new document";
    EXPECT_THAT(StoredBlobs(*server_), Contains(server::HexEncode(version.sha256())));

    // Once by "current version", once by its hash: the same stored bytes.
    const std::string stored = DownloadAndCheck(document.id(), version, /*ask_by_hash=*/false);
    EXPECT_EQ(DownloadAndCheck(document.id(), version, /*ask_by_hash=*/true), stored);

    // The stored file is the upload normalised: a sound PDF with the same
    // pages and text.
    const std::string stored_path = ScratchFile(*server_, stored);
    std::string check;
    EXPECT_TRUE(QpdfCheck(stored_path, &check)) << check;
    EXPECT_EQ(PageCount(stored_path), pages);
    EXPECT_EQ(PdfToText(stored_path), PdfToText(original));
  }
}

TEST_F(DocumentsTest, ADownloadResumesFromAnyOffset) {
  const std::string bytes = NoisePdf(*server_, 3 * kMiB + 12345);
  ASSERT_OK_AND_ASSIGN(v1::Document document,
                       UploadDocument(cast_.secretary, meeting_.id(), "Phụ lục bản đồ", bytes));
  const v1::DocumentVersion& version = document.versions(0);
  const std::string whole = DownloadAndCheck(document.id(), version, /*ask_by_hash=*/false);
  ASSERT_EQ(static_cast<int64_t>(whole.size()), version.size_bytes());
  const int64_t half = version.size_bytes() / 2;

  // The tablet loses the stream once it has half the file...
  ASSERT_OK_AND_ASSIGN(Downloaded first,
                       Download(cast_.delegate, document.id(), "", 0, /*stop_after=*/half));
  ASSERT_GE(static_cast<int64_t>(first.data.size()), half);
  first.data.resize(half);
  // ...and asks for the rest from where it wants to continue.
  ASSERT_OK_AND_ASSIGN(Downloaded rest, Download(cast_.delegate, document.id(), "", half));
  EXPECT_EQ(rest.size_bytes, version.size_bytes()) << "the first chunk names the whole size";
  EXPECT_EQ(rest.sha256, version.sha256()) << "and the whole version's hash";
  EXPECT_EQ(server::Sha256(first.data + rest.data), version.sha256());
  EXPECT_TRUE(first.data + rest.data == whole);

  // Every offset gives exactly the tail, down to the empty one at the end.
  for (int64_t offset :
       {int64_t{1}, half - 1, half + 1, version.size_bytes() - 1, version.size_bytes()}) {
    SCOPED_TRACE(absl::StrCat("offset ", offset));
    ASSERT_OK_AND_ASSIGN(Downloaded tail,
                         Download(cast_.delegate, document.id(), version.sha256(), offset));
    EXPECT_EQ(tail.size_bytes, version.size_bytes());
    EXPECT_EQ(tail.sha256, version.sha256());
    EXPECT_TRUE(tail.data == whole.substr(offset)) << tail.data.size() << " bytes";
  }
  for (int64_t offset : {int64_t{-1}, version.size_bytes() + 1}) {
    SCOPED_TRACE(absl::StrCat("offset ", offset));
    EXPECT_EQ(Download(cast_.delegate, document.id(), "", offset).status().code(),
              absl::StatusCode::kOutOfRange);
  }
}

TEST_F(DocumentsTest, AnInterruptedUploadResumesFromWhatTheServerHas) {
  constexpr size_t kChunk = 256 * kKiB;
  constexpr int kChunksBeforeTheDrop = 8;
  const std::string bytes = NoisePdf(*server_, 5 * kMiB);
  const v1::StartUploadRequest request =
      UploadRequest(meeting_.id(), "Báo cáo quyết toán", "bao-cao-quyet-toan.pdf", bytes);
  std::unique_ptr<v1::DocumentService::Stub> documents = Documents(cast_.secretary);
  ASSERT_OK_AND_ASSIGN(v1::UploadState started,
                       Call(*documents, &v1::DocumentService::Stub::StartUpload, request));
  EXPECT_EQ(started.received_bytes(), 0);
  EXPECT_EQ(started.size_bytes(), static_cast<int64_t>(bytes.size()));
  const int64_t seq_before = LastEventSeq();

  // The tablet sends 2 MiB, then loses its connection.
  {
    grpc::ClientContext context;
    v1::UploadState ignored;
    std::unique_ptr<grpc::ClientWriter<v1::UploadChunk>> writer =
        documents->UploadChunks(&context, &ignored);
    for (int i = 0; i < kChunksBeforeTheDrop; ++i) {
      v1::UploadChunk chunk;
      if (i == 0) chunk.set_upload_id(request.upload_id());
      chunk.set_offset(static_cast<int64_t>(i * kChunk));
      chunk.set_data(bytes.substr(i * kChunk, kChunk));
      ASSERT_TRUE(writer->Write(chunk)) << "chunk " << i;
    }
    context.TryCancel();
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }

  // Back online, it asks where the upload stands and sends the rest from
  // there. The server may still be closing the dropped stream: then the
  // upload is busy (FAILED_PRECONDITION) or has moved on from what GetUpload
  // said (FAILED_PRECONDITION naming the offset), and the client asks again.
  v1::GetUploadRequest get;
  get.set_upload_id(request.upload_id());
  absl::Status last;
  int attempts = 0;
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  do {
    ++attempts;
    ASSERT_OK_AND_ASSIGN(v1::UploadState state,
                         Call(*documents, &v1::DocumentService::Stub::GetUpload, get));
    EXPECT_EQ(state.size_bytes(), static_cast<int64_t>(bytes.size()));
    ASSERT_LE(state.received_bytes(), static_cast<int64_t>(kChunksBeforeTheDrop * kChunk))
        << "the server has bytes that were never sent";
    // Starting the same upload again is a resume, not a new upload.
    ASSERT_OK_AND_ASSIGN(v1::UploadState restarted,
                         Call(*documents, &v1::DocumentService::Stub::StartUpload, request));
    EXPECT_GE(restarted.received_bytes(), state.received_bytes());
    last = SendChunks(cast_.secretary, request.upload_id(), bytes, state.received_bytes(), kChunk)
               .status();
  } while (last.code() == absl::StatusCode::kFailedPrecondition && absl::Now() < give_up);
  ASSERT_OK(last) << "after " << attempts << " attempts";
  std::cerr << "resumed after " << attempts << " attempt(s)\n";
  EXPECT_EQ(LastEventSeq(), seq_before) << "nothing is a document before FinishUpload";

  // FinishUpload checks the declared SHA-256 of the original bytes: passing
  // means the pieces were put together exactly.
  v1::FinishUploadRequest finish;
  finish.set_upload_id(request.upload_id());
  ASSERT_OK_AND_ASSIGN(v1::Document document,
                       Call(*documents, &v1::DocumentService::Stub::FinishUpload, finish));
  ASSERT_EQ(document.versions_size(), 1);
  DownloadAndCheck(document.id(), document.versions(0), /*ask_by_hash=*/false);
  EXPECT_EQ(PageCount(ScratchFile(*server_, bytes)), document.versions(0).page_count());
}

TEST_F(DocumentsTest, AOneByteFileIsRefusedAndNothingIsStored) {
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Document> before,
                       ListDocuments(cast_.secretary, meeting_.id()));
  const int64_t seq = LastEventSeq();
  const std::vector<std::string> blobs = StoredBlobs(*server_);

  absl::StatusOr<v1::Document> document =
      UploadDocument(cast_.secretary, meeting_.id(), "Một byte", "%");
  EXPECT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument) << document.status();
  EXPECT_THAT(document.status().message(), HasSubstr("not a PDF"));
  ExpectNothingStored(before, seq, blobs);
}

// ~99 MB (decimal), just under the 100 MiB limit; the normalised copy the
// server stores is a few kilobytes larger and still under it.
TEST_F(DocumentsTest, ANearly100MegabytePdfRoundTrips) {
  constexpr int64_t kImageBytes = 99'000'000;
  const std::string bytes = NoisePdf(*server_, kImageBytes);
  ASSERT_GT(bytes.size(), 98'000'000u);
  ASSERT_LT(bytes.size(), static_cast<size_t>(100 * kMiB));

  const absl::Time start = absl::Now();
  // Chunks of the largest size the server takes.
  ASSERT_OK_AND_ASSIGN(
      v1::Document document,
      Upload(cast_.secretary,
             UploadRequest(meeting_.id(), "Hồ sơ quy hoạch (bản đồ)", "quy-hoach.pdf", bytes),
             bytes, 4 * kMiB));
  const absl::Duration upload_time = absl::Now() - start;
  const v1::DocumentVersion& version = document.versions(0);
  EXPECT_GT(version.size_bytes(), 98'000'000);
  EXPECT_EQ(version.page_count(), 1);

  const std::string whole = DownloadAndCheck(document.id(), version, /*ask_by_hash=*/false);
  const int64_t half = version.size_bytes() / 2;
  ASSERT_OK_AND_ASSIGN(Downloaded rest, Download(cast_.delegate, document.id(), "", half));
  EXPECT_EQ(rest.sha256, version.sha256());
  EXPECT_EQ(server::Sha256(whole.substr(0, half) + rest.data), version.sha256());
  std::cerr << "upload of " << bytes.size() << " bytes took " << upload_time
            << " (screening included); " << rest.chunk_sizes.size()
            << " chunks for the second half\n";
}

TEST_F(DocumentsTest, NewVersionsKeepTheOldOnes) {
  const std::string v1_bytes = DemoPdf(*server_, "Về việc điều chỉnh dự toán ngân sách", 2);
  const std::string v2_bytes = DemoPdf(*server_, "Về việc điều chỉnh dự toán ngân sách (lần 2)", 3);
  const std::string v3_bytes = DemoPdf(*server_, "Về việc điều chỉnh dự toán ngân sách (lần 3)", 1);
  ASSERT_OK_AND_ASSIGN(v1::Document first, UploadDocument(cast_.secretary, meeting_.id(),
                                                          "Tờ trình dự toán", v1_bytes));
  const v1::DocumentVersion old = first.versions(0);
  std::vector<v1::DocumentVersion> versions = {old};

  for (const std::string* bytes : {&v2_bytes, &v3_bytes}) {
    const int number = static_cast<int>(versions.size()) + 1;
    SCOPED_TRACE(absl::StrCat("version ", number));
    const int64_t seq = LastEventSeq();
    v1::StartUploadRequest request =
        UploadRequest(meeting_.id(), "", absl::StrCat("to-trinh-v", number, ".pdf"), *bytes);
    request.set_document_id(first.id());
    ASSERT_OK_AND_ASSIGN(v1::Document document, Upload(cast_.secretary, request, *bytes));
    EXPECT_EQ(document.id(), first.id());
    EXPECT_EQ(document.title(), "Tờ trình dự toán") << "an empty title keeps the old one";
    ASSERT_EQ(document.versions_size(), number);
    EXPECT_EQ(document.versions(0).number(), number) << "versions[0] is current";
    for (int i = 1; i < number; ++i) {
      EXPECT_EQ(document.versions(i).sha256(), versions[number - 1 - i].sha256()) << i;
      EXPECT_EQ(document.versions(i).number(), versions[number - 1 - i].number()) << i;
    }
    versions.push_back(document.versions(0));

    // The log says which version is current.
    Watcher watcher(cast_.delegate, meeting_.id(), seq);
    v1::MeetingEvent event;
    ASSERT_TRUE(watcher.Next(&event));
    EXPECT_EQ(event.seq(), seq + 1);
    ASSERT_TRUE(event.body().has_document_changed());
    EXPECT_EQ(event.body().document_changed().change(), v1::DocumentChanged::CHANGE_NEW_VERSION);
    EXPECT_EQ(event.body().document_changed().document_id(), first.id());
    EXPECT_EQ(event.body().document_changed().sha256(), document.versions(0).sha256());
  }

  ASSERT_OK_AND_ASSIGN(std::vector<v1::Document> listed,
                       ListDocuments(cast_.delegate, meeting_.id()));
  ASSERT_EQ(listed.size(), 1u) << "versions, not documents";
  ASSERT_EQ(listed[0].versions_size(), 3);
  EXPECT_EQ(listed[0].versions(0).sha256(), versions.back().sha256());

  // Current by default; every older version by its hash, unchanged.
  DownloadAndCheck(first.id(), versions.back(), /*ask_by_hash=*/false);
  for (const v1::DocumentVersion& version : versions) {
    SCOPED_TRACE(absl::StrCat("version ", version.number()));
    DownloadAndCheck(first.id(), version, /*ask_by_hash=*/true);
  }
  EXPECT_EQ(Download(cast_.delegate, first.id(), server::Sha256("no such version")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(DocumentsTest, ADeclaredHashThatDoesNotMatchStoresNothing) {
  const std::string bytes = DemoPdf(*server_, "Về việc thành lập đoàn kiểm tra", 2);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Document> before,
                       ListDocuments(cast_.secretary, meeting_.id()));
  const int64_t seq = LastEventSeq();
  const std::vector<std::string> blobs = StoredBlobs(*server_);

  v1::StartUploadRequest request =
      UploadRequest(meeting_.id(), "Quyết định thành lập đoàn", "qd.pdf", bytes);
  request.set_sha256(server::Sha256(bytes + "."));
  absl::StatusOr<v1::Document> document = Upload(cast_.secretary, request, bytes);
  EXPECT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument) << document.status();
  EXPECT_THAT(document.status().message(), HasSubstr("FinishUpload"));
  EXPECT_THAT(document.status().message(), HasSubstr(server::HexEncode(request.sha256())));
  ExpectNothingStored(before, seq, blobs);
}

TEST_F(DocumentsTest, AChunkAtTheWrongOffsetIsRefusedNamingTheExpectedOffset) {
  const std::string bytes = NoisePdf(*server_, 2 * kMiB);
  const v1::StartUploadRequest request =
      UploadRequest(meeting_.id(), "Ảnh chụp hiện trường", "hien-truong.pdf", bytes);
  std::unique_ptr<v1::DocumentService::Stub> documents = Documents(cast_.secretary);
  ASSERT_OK(Call(*documents, &v1::DocumentService::Stub::StartUpload, request));
  const std::string first_mib = bytes.substr(0, kMiB);
  ASSERT_OK_AND_ASSIGN(v1::UploadState state,
                       SendChunks(cast_.secretary, request.upload_id(), first_mib));
  ASSERT_EQ(state.received_bytes(), kMiB);

  for (int64_t offset : {int64_t{0}, kMiB - 1, kMiB + 1, 2 * kMiB}) {
    SCOPED_TRACE(absl::StrCat("offset ", offset));
    absl::StatusOr<v1::UploadState> refused =
        SendChunks(cast_.secretary, request.upload_id(), bytes, offset);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
    EXPECT_THAT(refused.status().message(), HasSubstr(absl::StrCat(kMiB)))
        << "names the offset to send from";
  }
  // The refused chunks changed nothing: the rest from the right offset
  // completes the file.
  ASSERT_OK(SendChunks(cast_.secretary, request.upload_id(), bytes, kMiB));
  v1::FinishUploadRequest finish;
  finish.set_upload_id(request.upload_id());
  EXPECT_OK(Call(*documents, &v1::DocumentService::Stub::FinishUpload, finish));
}

TEST_F(DocumentsTest, MoreBytesThanDeclaredAreRefused) {
  constexpr size_t kChunk = 16 * kKiB;
  const std::string bytes = DemoPdf(*server_, "Về việc sắp xếp đơn vị hành chính", 4);
  ASSERT_GT(bytes.size(), 4 * kChunk);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Document> before,
                       ListDocuments(cast_.secretary, meeting_.id()));
  const int64_t seq = LastEventSeq();
  const std::vector<std::string> blobs = StoredBlobs(*server_);

  // Declared 100 bytes short of what is sent.
  const int64_t declared = static_cast<int64_t>(bytes.size()) - 100;
  v1::StartUploadRequest request =
      UploadRequest(meeting_.id(), "Đề án sắp xếp", "de-an.pdf", bytes.substr(0, declared));
  std::unique_ptr<v1::DocumentService::Stub> documents = Documents(cast_.secretary);
  ASSERT_OK(Call(*documents, &v1::DocumentService::Stub::StartUpload, request));
  absl::StatusOr<v1::UploadState> sent =
      SendChunks(cast_.secretary, request.upload_id(), bytes, 0, kChunk);
  EXPECT_EQ(sent.status().code(), absl::StatusCode::kInvalidArgument) << sent.status();
  EXPECT_THAT(sent.status().message(), HasSubstr(absl::StrCat(declared)));

  v1::GetUploadRequest get;
  get.set_upload_id(request.upload_id());
  ASSERT_OK_AND_ASSIGN(v1::UploadState state,
                       Call(*documents, &v1::DocumentService::Stub::GetUpload, get));
  EXPECT_LE(state.received_bytes(), declared);
  ExpectNothingStored(before, seq, blobs);
}

}  // namespace
}  // namespace hopso::integration
