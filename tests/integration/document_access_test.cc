// Who may see a document, and what its QR code reveals: an outsider learns
// nothing (the same NOT_FOUND whether or not the document or code exists), a
// QR code is a locator and never a credential, confidential documents exist
// only for the people named, only the secretary adds documents, and the
// printed handout and poster carry QR codes that resolve to the right things.
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/test_tools.h"
#include "pdf/text.h"
#include "server/util/random_id.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

namespace hopso::integration {
namespace {

using ::hopso::pdf::testing::DecodeQrCodes;
using ::hopso::pdf::testing::FontRow;
using ::hopso::pdf::testing::PageCount;
using ::hopso::pdf::testing::PdfFonts;
using ::hopso::pdf::testing::PdfToText;
using ::hopso::pdf::testing::QpdfCheck;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAreArray;

using DocumentStub = v1::DocumentService::Stub;

constexpr char kQrPrefix[] = "HOPSO:";

absl::StatusOr<v1::Document> GetDocument(Client& client, absl::string_view id) {
  v1::GetDocumentRequest request;
  request.set_id(std::string(id));
  return Call(*Documents(client), &DocumentStub::GetDocument, request);
}

absl::StatusOr<v1::QrCode> GetQrCode(Client& client, absl::string_view meeting_id,
                                     absl::string_view document_id = "",
                                     absl::string_view sha256 = "",
                                     absl::string_view agenda_item_id = "") {
  v1::GetQrCodeRequest request;
  request.set_meeting_id(std::string(meeting_id));
  request.set_document_id(std::string(document_id));
  request.set_sha256(std::string(sha256));
  request.set_agenda_item_id(std::string(agenda_item_id));
  return Call(*Documents(client), &DocumentStub::GetQrCode, request);
}

absl::StatusOr<v1::QrTarget> ResolveQr(Client& client, absl::string_view payload) {
  v1::ResolveQrRequest request;
  request.set_payload(std::string(payload));
  return Call(*Documents(client), &DocumentStub::ResolveQr, request);
}

absl::StatusOr<v1::Document> SetConfidentiality(Client& client, absl::string_view document_id,
                                                bool confidential,
                                                const std::vector<std::string>& allowed) {
  v1::SetConfidentialityRequest request;
  request.set_document_id(std::string(document_id));
  request.set_confidential(confidential);
  for (const std::string& user : allowed) request.add_allowed_user_ids(user);
  return Call(*Documents(client), &DocumentStub::SetConfidentiality, request);
}

std::vector<std::string> Ids(const std::vector<v1::Document>& documents) {
  std::vector<std::string> ids;
  for (const v1::Document& document : documents) ids.push_back(document.id());
  return ids;
}

// A made-up code shaped like `code`: same length, same alphabet.
std::string MadeUpCode(absl::string_view code) {
  std::string made_up;
  while (made_up.size() < code.size()) made_up += server::NewId();
  made_up.resize(code.size());
  return made_up;
}

// Runs of whitespace as one space: pdftotext breaks wrapped lines.
std::string OneLine(absl::string_view text) {
  return absl::StrJoin(absl::StrSplit(text, absl::ByAnyChar(" \n\f\t"), absl::SkipEmpty()), " ");
}

// Two NOT_FOUND answers that tell the caller the same thing: same code, and
// the same message once the id each one echoes is taken out.
void ExpectSameNotFound(const absl::Status& real, absl::string_view real_id,
                        const absl::Status& made_up, absl::string_view made_up_id) {
  EXPECT_EQ(real.code(), absl::StatusCode::kNotFound) << real;
  EXPECT_EQ(made_up.code(), absl::StatusCode::kNotFound) << made_up;
  auto without = [](absl::string_view message, absl::string_view id) {
    return id.empty() ? std::string(message) : absl::StrReplaceAll(message, {{id, "<id>"}});
  };
  EXPECT_EQ(without(real.message(), real_id), without(made_up.message(), made_up_id));
}

class DocumentAccessTest : public HopsodTest {
 protected:
  void SetUp() override {
    HopsodTest::SetUp();
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_OK_AND_ASSIGN(cast_, MakeCast(*server_, "Hội đồng nhân dân tỉnh Quảng Ngãi", ""));
    ASSERT_OK_AND_ASSIGN(meeting_, MakeMeeting(cast_, v1::MEETING_STATE_PUBLISHED));
    // A member of the same organisation who was not invited.
    ASSERT_OK(
        NewUser(cast_.admin, cast_.org.id(), "outsider", "Võ Văn Ngoài", v1::USER_ROLE_MEMBER));
    ASSERT_OK_AND_ASSIGN(outsider_, server_->Login("outsider"));
  }

  absl::StatusOr<v1::Document> UploadDemo(absl::string_view title, int pages = 1,
                                          absl::string_view agenda_item_id = "") {
    return UploadDocument(cast_.secretary, meeting_.id(), title,
                          DemoPdf(*server_, absl::StrCat("Về việc ", title), pages),
                          agenda_item_id);
  }

  Cast cast_;
  v1::Meeting meeting_;
  Client outsider_;
};

TEST_F(DocumentAccessTest, AnOutsiderGetsTheSameNotFoundForRealAndMadeUpIds) {
  ASSERT_OK_AND_ASSIGN(v1::Document document, UploadDemo("Kế hoạch đầu tư công"));
  ASSERT_OK_AND_ASSIGN(v1::QrCode qr, GetQrCode(cast_.secretary, meeting_.id(), document.id()));
  const std::string real_id = document.id();
  const std::string made_up_id = server::NewId();
  const std::string made_up_code = MadeUpCode(qr.code());
  ASSERT_NE(made_up_code, qr.code());

  struct Probe {
    std::string what;
    std::function<absl::Status(const std::string&)> call;
    std::string real;
    std::string made_up;
  };
  const Probe probes[] = {
      {"GetDocument", [&](const std::string& id) { return GetDocument(outsider_, id).status(); },
       real_id, made_up_id},
      {"Download", [&](const std::string& id) { return Download(outsider_, id).status(); }, real_id,
       made_up_id},
      {"ResolveQr payload",
       [&](const std::string& payload) { return ResolveQr(outsider_, payload).status(); },
       qr.payload(),
       absl::StrCat(kQrPrefix, made_up_code, qr.payload().substr(qr.payload().find('.')))},
      {"ResolveQr bare code",
       [&](const std::string& code) { return ResolveQr(outsider_, code).status(); }, qr.code(),
       made_up_code},
  };
  for (const Probe& probe : probes) {
    SCOPED_TRACE(probe.what);
    const absl::Status real = probe.call(probe.real);
    const absl::Status made_up = probe.call(probe.made_up);
    ExpectSameNotFound(real, probe.real, made_up, probe.made_up);
    if (probe.what.starts_with("ResolveQr")) {
      EXPECT_EQ(real.message(), made_up.message()) << "a QR answer echoes nothing";
    }
  }
  // A participant asking for a made-up id hears the same as the outsider.
  ExpectSameNotFound(GetDocument(outsider_, real_id).status(), real_id,
                     GetDocument(cast_.delegate, made_up_id).status(), made_up_id);
}

TEST_F(DocumentAccessTest, AQrCodeAloneGrantsNothing) {
  ASSERT_OK_AND_ASSIGN(v1::Agenda agenda, GetAgenda(cast_.secretary, meeting_.id()));
  ASSERT_GT(agenda.items_size(), 0);
  ASSERT_OK_AND_ASSIGN(v1::Document document,
                       UploadDemo("Báo cáo thẩm tra", 1, agenda.items(0).id()));
  ASSERT_OK_AND_ASSIGN(v1::QrCode document_qr,
                       GetQrCode(cast_.secretary, meeting_.id(), document.id()));
  ASSERT_OK_AND_ASSIGN(v1::QrCode meeting_qr, GetQrCode(cast_.secretary, meeting_.id()));
  ASSERT_OK_AND_ASSIGN(v1::QrCode item_qr,
                       GetQrCode(cast_.secretary, meeting_.id(), "", "", agenda.items(0).id()));

  for (const v1::QrCode& qr : {document_qr, meeting_qr, item_qr}) {
    SCOPED_TRACE(qr.payload());
    // The codes are real: a participant resolves them.
    ASSERT_OK_AND_ASSIGN(v1::QrTarget target, ResolveQr(cast_.delegate, qr.payload()));
    EXPECT_EQ(target.meeting_id(), meeting_.id());
    // The outsider holding the very same code gets nothing.
    const absl::Status status = ResolveQr(outsider_, qr.payload()).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr(meeting_.id())));
  }
  // Nor does having resolved it open any door.
  EXPECT_FALSE(GetMeeting(outsider_, meeting_.id()).ok());
  EXPECT_FALSE(ListDocuments(outsider_, meeting_.id()).ok());
  EXPECT_EQ(GetDocument(outsider_, document.id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Download(outsider_, document.id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(GetQrCode(outsider_, meeting_.id(), document.id()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(DocumentAccessTest, AConfidentialDocumentExistsOnlyForThoseNamed) {
  ASSERT_OK_AND_ASSIGN(v1::Document open, UploadDemo("Chương trình công tác"));
  ASSERT_OK_AND_ASSIGN(v1::Document secret, UploadDemo("Phương án nhân sự", 2));
  ASSERT_OK_AND_ASSIGN(v1::QrCode secret_qr,
                       GetQrCode(cast_.secretary, meeting_.id(), secret.id()));
  ASSERT_OK_AND_ASSIGN(v1::Meeting before, GetMeeting(cast_.secretary, meeting_.id()));

  ASSERT_OK_AND_ASSIGN(v1::Document marked, SetConfidentiality(cast_.secretary, secret.id(), true,
                                                               {cast_.chair.user.id()}));
  EXPECT_TRUE(marked.confidential());
  EXPECT_THAT(marked.allowed_user_ids(), UnorderedElementsAreArray({cast_.chair.user.id()}));

  // The shared log shows the change, but of a confidential document only its id.
  {
    Watcher watcher(cast_.delegate, meeting_.id(), before.last_event_seq());
    v1::MeetingEvent event;
    ASSERT_TRUE(watcher.Next(&event));
    ASSERT_TRUE(event.body().has_document_changed());
    const v1::DocumentChanged& changed = event.body().document_changed();
    EXPECT_EQ(changed.change(), v1::DocumentChanged::CHANGE_CONFIDENTIALITY);
    EXPECT_EQ(changed.document_id(), secret.id());
    EXPECT_TRUE(changed.confidential());
    EXPECT_EQ(changed.title(), "");
    EXPECT_EQ(changed.sha256(), "");
  }

  const std::string made_up_id = server::NewId();
  const std::string made_up_payload =
      absl::StrCat(kQrPrefix, MadeUpCode(secret_qr.code()),
                   secret_qr.payload().substr(secret_qr.payload().find('.')));
  const std::pair<const char*, Client*> kept_out[] = {
      {"delegate", &cast_.delegate}, {"guest", &cast_.guest}, {"outsider", &outsider_}};
  for (const auto& [who, client] : kept_out) {
    SCOPED_TRACE(who);
    if (client != &outsider_) {
      ASSERT_OK_AND_ASSIGN(std::vector<v1::Document> listed, ListDocuments(*client, meeting_.id()));
      EXPECT_THAT(Ids(listed), UnorderedElementsAreArray({open.id()}));
    }
    ExpectSameNotFound(GetDocument(*client, secret.id()).status(), secret.id(),
                       GetDocument(*client, made_up_id).status(), made_up_id);
    ExpectSameNotFound(Download(*client, secret.id()).status(), secret.id(),
                       Download(*client, made_up_id).status(), made_up_id);
    ExpectSameNotFound(
        Download(*client, secret.id(), secret.versions(0).sha256()).status(), secret.id(),
        Download(*client, made_up_id, secret.versions(0).sha256()).status(), made_up_id);
    ExpectSameNotFound(ResolveQr(*client, secret_qr.payload()).status(), "",
                       ResolveQr(*client, made_up_payload).status(), "");
    ExpectSameNotFound(GetQrCode(*client, meeting_.id(), secret.id()).status(), secret.id(),
                       GetQrCode(*client, meeting_.id(), made_up_id).status(), made_up_id);
  }

  const std::pair<const char*, Client*> let_in[] = {{"chair (named)", &cast_.chair},
                                                    {"secretary", &cast_.secretary}};
  for (const auto& [who, client] : let_in) {
    SCOPED_TRACE(who);
    ASSERT_OK_AND_ASSIGN(std::vector<v1::Document> listed, ListDocuments(*client, meeting_.id()));
    EXPECT_THAT(Ids(listed), UnorderedElementsAreArray({open.id(), secret.id()}));
    ASSERT_OK_AND_ASSIGN(v1::Document got, GetDocument(*client, secret.id()));
    EXPECT_TRUE(got.confidential());
    ASSERT_OK_AND_ASSIGN(Downloaded downloaded, Download(*client, secret.id()));
    EXPECT_EQ(server::Sha256(downloaded.data), secret.versions(0).sha256());
    ASSERT_OK_AND_ASSIGN(v1::QrTarget target, ResolveQr(*client, secret_qr.payload()));
    EXPECT_EQ(target.document_id(), secret.id());
    EXPECT_EQ(target.sha256(), secret.versions(0).sha256());
  }

  // Lifting it shows the document to every participant again.
  ASSERT_OK(SetConfidentiality(cast_.secretary, secret.id(), false, {}));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Document> listed,
                       ListDocuments(cast_.delegate, meeting_.id()));
  EXPECT_THAT(Ids(listed), UnorderedElementsAreArray({open.id(), secret.id()}));
  EXPECT_OK(Download(cast_.delegate, secret.id()));
}

TEST_F(DocumentAccessTest, OnlyTheSecretaryAddsAndManagesDocuments) {
  ASSERT_OK_AND_ASSIGN(v1::Document document, UploadDemo("Dự thảo kết luận"));
  const std::string bytes = DemoPdf(*server_, "Về việc tài liệu của đại biểu", 1);
  const std::pair<const char*, Client*> others[] = {
      {"chair", &cast_.chair}, {"delegate", &cast_.delegate}, {"guest", &cast_.guest}};
  for (const auto& [who, client] : others) {
    SCOPED_TRACE(who);
    std::unique_ptr<DocumentStub> stub = Documents(*client);
    EXPECT_EQ(Call(*stub, &DocumentStub::StartUpload,
                   UploadRequest(meeting_.id(), "Tài liệu tự đưa lên", "tu-dua.pdf", bytes))
                  .status()
                  .code(),
              absl::StatusCode::kPermissionDenied);
    v1::StartUploadRequest new_version =
        UploadRequest(meeting_.id(), "", "phien-ban-moi.pdf", bytes);
    new_version.set_document_id(document.id());
    EXPECT_EQ(Call(*stub, &DocumentStub::StartUpload, new_version).status().code(),
              absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(SetConfidentiality(*client, document.id(), true, {}).status().code(),
              absl::StatusCode::kPermissionDenied);
    v1::AttachDocumentRequest attach;
    attach.set_document_id(document.id());
    EXPECT_EQ(Call(*stub, &DocumentStub::AttachDocument, attach).status().code(),
              absl::StatusCode::kPermissionDenied);
    v1::GenerateMeetingPdfRequest generate;
    generate.set_meeting_id(meeting_.id());
    EXPECT_EQ(Call(*stub, &DocumentStub::GenerateHandout, generate).status().code(),
              absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(Call(*stub, &DocumentStub::GeneratePoster, generate).status().code(),
              absl::StatusCode::kPermissionDenied);
  }
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Document> listed,
                       ListDocuments(cast_.secretary, meeting_.id()));
  EXPECT_THAT(Ids(listed), UnorderedElementsAreArray({document.id()}));
}

TEST_F(DocumentAccessTest, QrPayloadsNameACodeAndTheVersionHash) {
  ASSERT_OK_AND_ASSIGN(v1::Document first, UploadDemo("Quy chế làm việc"));
  const std::regex document_payload(R"(HOPSO:([a-z0-9]+)\.([0-9a-f]{8}))");
  const std::regex plain_payload(R"(HOPSO:([a-z0-9]+))");

  ASSERT_OK_AND_ASSIGN(v1::QrCode qr, GetQrCode(cast_.delegate, meeting_.id(), first.id()));
  std::smatch match;
  ASSERT_TRUE(std::regex_match(qr.payload(), match, document_payload)) << qr.payload();
  EXPECT_EQ(match[1].str(), qr.code());
  EXPECT_GE(qr.code().size(), 10u) << "unguessable";
  EXPECT_EQ(match[2].str(), server::HexEncode(first.versions(0).sha256()).substr(0, 8));
  ASSERT_OK_AND_ASSIGN(v1::QrCode again, GetQrCode(cast_.secretary, meeting_.id(), first.id()));
  EXPECT_EQ(again.payload(), qr.payload()) << "one code per version";

  // A new version gets its own code; the old one still names the old bytes.
  const std::string revised = DemoPdf(*server_, "Quy chế (sửa đổi)", 2);
  v1::StartUploadRequest request = UploadRequest(meeting_.id(), "", "quy-che-v2.pdf", revised);
  request.set_document_id(first.id());
  ASSERT_OK_AND_ASSIGN(v1::Document second, Upload(cast_.secretary, request, revised));
  ASSERT_EQ(second.versions_size(), 2);
  ASSERT_OK_AND_ASSIGN(v1::QrCode current, GetQrCode(cast_.delegate, meeting_.id(), first.id()));
  ASSERT_OK_AND_ASSIGN(v1::QrCode old, GetQrCode(cast_.delegate, meeting_.id(), first.id(),
                                                 second.versions(1).sha256()));
  EXPECT_EQ(old.payload(), qr.payload());
  EXPECT_NE(current.code(), qr.code());
  ASSERT_TRUE(std::regex_match(current.payload(), match, document_payload)) << current.payload();
  EXPECT_EQ(match[2].str(), server::HexEncode(second.versions(0).sha256()).substr(0, 8));

  for (const auto& [code, version] :
       {std::pair(current, second.versions(0)), std::pair(old, second.versions(1))}) {
    SCOPED_TRACE(code.payload());
    for (const std::string& scanned : {code.payload(), code.code()}) {
      ASSERT_OK_AND_ASSIGN(v1::QrTarget target, ResolveQr(cast_.delegate, scanned));
      EXPECT_EQ(target.meeting_id(), meeting_.id());
      EXPECT_EQ(target.document_id(), first.id());
      EXPECT_EQ(target.sha256(), version.sha256());
    }
    // A hash prefix that is not the version's points nowhere.
    std::string tampered = code.payload();
    tampered.back() = tampered.back() == '0' ? '1' : '0';
    EXPECT_EQ(ResolveQr(cast_.delegate, tampered).status().code(), absl::StatusCode::kNotFound);
  }

  // Meetings and agenda items: a code and no hash.
  ASSERT_OK_AND_ASSIGN(v1::Agenda agenda, GetAgenda(cast_.secretary, meeting_.id()));
  ASSERT_GT(agenda.items_size(), 1);
  ASSERT_OK_AND_ASSIGN(v1::QrCode meeting_qr, GetQrCode(cast_.delegate, meeting_.id()));
  ASSERT_OK_AND_ASSIGN(v1::QrCode item_qr,
                       GetQrCode(cast_.delegate, meeting_.id(), "", "", agenda.items(1).id()));
  for (const v1::QrCode& code : {meeting_qr, item_qr}) {
    SCOPED_TRACE(code.payload());
    ASSERT_TRUE(std::regex_match(code.payload(), match, plain_payload));
    EXPECT_EQ(match[1].str(), code.code());
  }
  EXPECT_NE(meeting_qr.code(), item_qr.code());
  ASSERT_OK_AND_ASSIGN(v1::QrTarget meeting_target, ResolveQr(cast_.guest, meeting_qr.payload()));
  EXPECT_EQ(meeting_target.meeting_id(), meeting_.id());
  EXPECT_EQ(meeting_target.agenda_item_id(), "");
  EXPECT_EQ(meeting_target.document_id(), "");
  ASSERT_OK_AND_ASSIGN(v1::QrTarget item_target, ResolveQr(cast_.guest, item_qr.payload()));
  EXPECT_EQ(item_target.agenda_item_id(), agenda.items(1).id());
  EXPECT_EQ(item_target.document_id(), "");
}

// The printed handout and poster, checked by independent tools: qpdf,
// poppler (pdftotext, pdffonts, pdftoppm) and zbar.
class MeetingPdfsTest : public DocumentAccessTest {
 protected:
  // A printable PDF: sound structure, the meeting's title as text, only
  // embedded subset fonts with a Unicode map. Returns its path.
  std::string CheckPrintable(const v1::Document& document, absl::string_view expected_title) {
    EXPECT_EQ(document.meeting_id(), meeting_.id());
    absl::StatusOr<Downloaded> downloaded = Download(cast_.secretary, document.id());
    EXPECT_OK(downloaded);
    if (!downloaded.ok()) return "";
    EXPECT_EQ(server::Sha256(downloaded->data), document.versions(0).sha256());
    const std::string path = ScratchFile(*server_, downloaded->data);
    std::string check;
    EXPECT_TRUE(QpdfCheck(path, &check)) << check;
    EXPECT_EQ(PageCount(path), document.versions(0).page_count());
    EXPECT_THAT(OneLine(PdfToText(path)), HasSubstr(OneLine(expected_title)));
    const std::vector<FontRow> fonts = PdfFonts(path);
    EXPECT_FALSE(fonts.empty());
    for (const FontRow& font : fonts) {
      SCOPED_TRACE(font.name);
      EXPECT_TRUE(font.embedded);
      EXPECT_TRUE(font.subset);
      EXPECT_TRUE(font.unicode);
    }
    return path;
  }

  // The payloads of every QR code on every page, at 150 dpi.
  std::vector<std::string> QrCodesOf(const std::string& path) {
    std::vector<std::string> payloads;
    for (int page = 1; page <= PageCount(path); ++page) {
      for (std::string& payload : DecodeQrCodes(path, page, 150)) {
        payloads.push_back(std::move(payload));
      }
    }
    return payloads;
  }
};

// Typed in a decomposed form (as some Vietnamese keyboards send it): the PDFs
// must show it in NFC.
constexpr char kDecomposedTitle[] =
    "Ky\u0300 ho\u0323p thu\u031B\u0301 mu\u031Bo\u031B\u0300i ba\u0309y Ho\u0323\u0302i "
    "\u0111o\u0302\u0300ng nha\u0302n da\u0302n ti\u0309nh Qua\u0309ng Nga\u0303i kho\u0301a "
    "XIII";

TEST_F(MeetingPdfsTest, HandoutAndPosterArePrintableAndTheirCodesResolve) {
  ASSERT_OK_AND_ASSIGN(meeting_, MakeMeeting(cast_, v1::MEETING_STATE_PUBLISHED, kDecomposedTitle));
  ASSERT_OK_AND_ASSIGN(const std::string title, pdf::NormalizeNfc(kDecomposedTitle));
  ASSERT_EQ(title, "Kỳ họp thứ mười bảy Hội đồng nhân dân tỉnh Quảng Ngãi khóa XIII");
  ASSERT_OK_AND_ASSIGN(v1::Agenda agenda, GetAgenda(cast_.secretary, meeting_.id()));
  ASSERT_GE(agenda.items_size(), 2);

  std::vector<v1::Document> shown;
  for (const auto& [doc_title, item] :
       {std::pair("Tờ trình về dự toán ngân sách năm 2026", agenda.items(0).id()),
        std::pair("Báo cáo thẩm tra của Ban Kinh tế - Ngân sách", agenda.items(1).id()),
        std::pair("Danh sách đại biểu dự kỳ họp", std::string())}) {
    ASSERT_OK_AND_ASSIGN(v1::Document document, UploadDemo(doc_title, 2, item));
    shown.push_back(document);
  }
  // Confidential documents are left off the handout.
  ASSERT_OK_AND_ASSIGN(v1::Document secret, UploadDemo("Phương án kiện toàn nhân sự"));
  ASSERT_OK(SetConfidentiality(cast_.secretary, secret.id(), true, {cast_.chair.user.id()}));

  std::unique_ptr<DocumentStub> stub = Documents(cast_.secretary);
  v1::GenerateMeetingPdfRequest generate;
  generate.set_meeting_id(meeting_.id());
  ASSERT_OK_AND_ASSIGN(v1::Document handout, Call(*stub, &DocumentStub::GenerateHandout, generate));
  ASSERT_OK_AND_ASSIGN(v1::Document poster, Call(*stub, &DocumentStub::GeneratePoster, generate));
  ASSERT_OK_AND_ASSIGN(v1::QrCode meeting_qr, GetQrCode(cast_.secretary, meeting_.id()));

  {
    SCOPED_TRACE("handout");
    const std::string path = CheckPrintable(handout, title);
    const std::string text = OneLine(PdfToText(path));
    for (const v1::Document& document : shown) EXPECT_THAT(text, HasSubstr(document.title()));
    EXPECT_THAT(text, Not(HasSubstr(secret.title())));
    // One code per document, each resolving (for a delegate, too) to that
    // document's current version; any other code is the meeting's own.
    std::vector<std::string> documents_found;
    for (const std::string& payload : QrCodesOf(path)) {
      SCOPED_TRACE(payload);
      ASSERT_OK_AND_ASSIGN(v1::QrTarget target, ResolveQr(cast_.delegate, payload));
      EXPECT_EQ(target.meeting_id(), meeting_.id());
      if (target.document_id().empty()) {
        EXPECT_EQ(payload, meeting_qr.payload());
        continue;
      }
      documents_found.push_back(target.document_id());
      for (const v1::Document& document : shown) {
        if (document.id() != target.document_id()) continue;
        EXPECT_EQ(target.sha256(), document.versions(0).sha256());
        EXPECT_TRUE(payload.ends_with(
            absl::StrCat(".", server::HexEncode(document.versions(0).sha256()).substr(0, 8))));
      }
    }
    EXPECT_THAT(documents_found, UnorderedElementsAreArray(Ids(shown)));
  }
  {
    SCOPED_TRACE("poster");
    const std::string path = CheckPrintable(poster, title);
    EXPECT_EQ(PageCount(path), 1);
    const std::vector<std::string> codes = QrCodesOf(path);
    ASSERT_EQ(codes.size(), 1u);
    EXPECT_EQ(codes[0], meeting_qr.payload());
    ASSERT_OK_AND_ASSIGN(v1::QrTarget target, ResolveQr(cast_.guest, codes[0]));
    EXPECT_EQ(target.meeting_id(), meeting_.id());
    EXPECT_EQ(target.agenda_item_id(), "");
    EXPECT_EQ(target.document_id(), "");
  }

  // Regenerating makes new versions of the same two documents.
  ASSERT_OK(UploadDemo("Phụ lục bổ sung", 1, agenda.items(0).id()));
  ASSERT_OK_AND_ASSIGN(v1::Document handout2,
                       Call(*stub, &DocumentStub::GenerateHandout, generate));
  EXPECT_EQ(handout2.id(), handout.id());
  EXPECT_EQ(handout2.versions_size(), 2);
  ASSERT_OK_AND_ASSIGN(v1::Document poster2, Call(*stub, &DocumentStub::GeneratePoster, generate));
  EXPECT_EQ(poster2.id(), poster.id());
  // The poster's content did not change; it may differ only by its creation
  // second. Either way no two versions hold the same bytes.
  ASSERT_GE(poster2.versions_size(), 1);
  ASSERT_LE(poster2.versions_size(), 2);
  if (poster2.versions_size() == 2) {
    EXPECT_NE(poster2.versions(0).sha256(), poster2.versions(1).sha256());
  }
}

}  // namespace
}  // namespace hopso::integration
