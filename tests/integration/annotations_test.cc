// AnnotationService against the real server: a round trip in Vietnamese,
// exactly-once saves (the same revision twice, a stale revision), who sees
// what (private, shared, confidential documents, outsiders), bad input that
// leaves nothing behind, annotations following a new version only when it
// keeps its pages, and the annotated copy checked with qpdf. Also QR codes
// that open a document at a page.
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/test_tools.h"
#include "server/util/random_id.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

#ifndef HOPSOCTL_PATH
#error "HOPSOCTL_PATH must name the hopsoctl binary"
#endif

namespace hopso::integration {
namespace {

using ::hopso::pdf::testing::QpdfCheck;
using ::hopso::pdf::testing::RunCommand;
using ::hopso::pdf::testing::WriteRawPdf;
using ::testing::HasSubstr;
using ::testing::Not;
using Stub = v1::AnnotationService::Stub;

constexpr char kNoteText[] =
    "Đề nghị Sở Tài chính làm rõ nguồn kinh phí năm 2026 — ý kiến riêng 📌\nDòng thứ hai.";

// `pages` blank pages of `width` x `height` points, made by hand (no pdf/).
std::string BlankPdf(const HopsodProcess& server, int pages, int width, int height) {
  std::vector<std::string> objects = {"<< /Type /Catalog /Pages 2 0 R >>", ""};
  std::string kids;
  for (int i = 0; i < pages; ++i) {
    const int page_obj = static_cast<int>(objects.size()) + 1;
    absl::StrAppend(&kids, page_obj, " 0 R ");
    const std::string content = absl::StrCat("BT /F1 12 Tf 72 72 Td (Trang ", i + 1, ") Tj ET\n");
    objects.push_back(absl::StrCat("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ", width, " ",
                                   height, "] /Contents ", page_obj + 1,
                                   " 0 R /Resources << /Font << /F1 << /Type /Font /Subtype "
                                   "/Type1 /BaseFont /Helvetica >> >> >> >>"));
    objects.push_back(
        absl::StrCat("<< /Length ", content.size(), " >>\nstream\n", content, "endstream"));
  }
  objects[1] = absl::StrCat("<< /Type /Pages /Kids [", kids, "] /Count ", pages, " >>");
  const std::string path = absl::StrCat(server.scratch_dir(), "/blank-", server::NewId(), ".pdf");
  WriteRawPdf(path, objects);
  return pdf::testing::ReadFileOrDie(path);
}

v1::Annotation Ink(const std::string& id, const v1::Document& doc, int64_t revision,
                   v1::AnnotationVisibility visibility = v1::ANNOTATION_VISIBILITY_PRIVATE) {
  v1::Annotation a;
  a.set_id(id);
  a.set_document_id(doc.id());
  a.set_version(doc.versions(0).number());
  a.set_page(1);
  a.set_kind(v1::ANNOTATION_KIND_INK);
  a.set_visibility(visibility);
  a.set_color(0xFFD32F2F);
  a.set_width(2.5f);
  a.set_revision(revision);
  for (int i = 0; i < 50; ++i) {
    v1::InkPoint* p = a.add_points();
    p->set_x(100 + i * 2.0f);
    p->set_y(200 + std::sin(i / 5.0f) * 10);
    p->set_pressure(0.25f + i / 100.0f);
  }
  return a;
}

v1::Annotation Note(const std::string& id, const v1::Document& doc, int64_t revision,
                    const std::string& text = kNoteText) {
  v1::Annotation a;
  a.set_id(id);
  a.set_document_id(doc.id());
  a.set_version(doc.versions(0).number());
  a.set_page(0);
  a.set_kind(v1::ANNOTATION_KIND_NOTE);
  a.set_color(0xFFFFC107);
  a.set_revision(revision);
  a.set_text(text);
  v1::PageRect* r = a.add_rects();
  r->set_x(420);
  r->set_y(96);
  r->set_width(24);
  r->set_height(24);
  return a;
}

v1::Annotation Highlight(const std::string& id, const v1::Document& doc, int64_t revision) {
  v1::Annotation a;
  a.set_id(id);
  a.set_document_id(doc.id());
  a.set_version(doc.versions(0).number());
  a.set_page(0);
  a.set_kind(v1::ANNOTATION_KIND_HIGHLIGHT);
  a.set_visibility(v1::ANNOTATION_VISIBILITY_SHARED);
  a.set_color(0x80FFEB3B);
  a.set_revision(revision);
  v1::PageRect* r = a.add_rects();
  r->set_x(72);
  r->set_y(300);
  r->set_width(300);
  r->set_height(14);
  return a;
}

absl::StatusOr<v1::SaveAnnotationsResponse> Save(Client& client,
                                                 const std::vector<v1::Annotation>& annotations) {
  v1::SaveAnnotationsRequest request;
  for (const v1::Annotation& a : annotations) *request.add_annotations() = a;
  return Call(*Annotations(client), &Stub::SaveAnnotations, request);
}

absl::StatusOr<v1::ListAnnotationsResponse> List(Client& client, const std::string& document_id,
                                                 int version = 0, bool include_deleted = false) {
  v1::ListAnnotationsRequest request;
  request.set_document_id(document_id);
  request.set_version(version);
  request.set_include_deleted(include_deleted);
  return Call(*Annotations(client), &Stub::ListAnnotations, request);
}

std::vector<std::string> Ids(const v1::ListAnnotationsResponse& list) {
  std::vector<std::string> ids;
  for (const v1::Annotation& a : list.annotations()) ids.push_back(a.id());
  return ids;
}

// What the client sent, without what the server sets.
v1::Annotation AsSent(v1::Annotation a) {
  a.clear_author_user_id();
  a.clear_author_name();
  a.clear_update_time();
  return a;
}

class AnnotationsTest : public HopsodTest {
 protected:
  void SetUp() override {
    HopsodTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(cast_, MakeCast(*server_, "UBND tỉnh Quảng Nam", ""));
    ASSERT_OK_AND_ASSIGN(meeting_, MakeMeeting(cast_, v1::MEETING_STATE_PUBLISHED));
    ASSERT_OK_AND_ASSIGN(doc_, UploadDocument(cast_.secretary, meeting_.id(),
                                              "Tờ trình về kế hoạch đầu tư công",
                                              DemoPdf(*server_, "Kế hoạch đầu tư công", 2)));
    ASSERT_EQ(doc_.versions(0).page_count(), 2);
  }

  // A new version of doc_ with `bytes`, as the secretary uploads it.
  absl::StatusOr<v1::Document> NewVersion(const std::string& bytes) {
    v1::StartUploadRequest request =
        UploadRequest(meeting_.id(), "", "to-trinh-v2.pdf", bytes);
    request.set_document_id(doc_.id());
    return Upload(cast_.secretary, request, bytes);
  }

  Cast cast_;
  v1::Meeting meeting_;
  v1::Document doc_;
};

TEST_F(AnnotationsTest, RoundTripKeepsEveryFieldAndVietnameseExactly) {
  const std::vector<v1::Annotation> sent = {Ink("ink-00000001", doc_, 1),
                                            Note("note-0000001", doc_, 1),
                                            Highlight("mark-0000001", doc_, 1)};
  ASSERT_OK_AND_ASSIGN(v1::SaveAnnotationsResponse saved, Save(cast_.delegate, sent));
  ASSERT_EQ(saved.annotations_size(), 3);
  // The delegate's other tablet: a second login sees the same.
  ASSERT_OK_AND_ASSIGN(Client other_tablet, server_->Login(cast_.delegate.user.username()));
  ASSERT_OK_AND_ASSIGN(v1::ListAnnotationsResponse list, List(other_tablet, doc_.id()));
  EXPECT_EQ(list.version(), 1);
  ASSERT_EQ(list.annotations_size(), 3);
  for (const v1::Annotation& got : list.annotations()) {
    SCOPED_TRACE(got.id());
    EXPECT_EQ(got.author_user_id(), cast_.delegate.user.id());
    EXPECT_EQ(got.author_name(), cast_.delegate.user.full_name());
    EXPECT_GT(got.update_time().unix_micros(), 0);
    bool matched = false;
    for (const v1::Annotation& want : sent) {
      if (want.id() != got.id()) continue;
      matched = true;
      v1::Annotation expected = want;
      // Unspecified visibility is stored as private.
      if (expected.visibility() == v1::ANNOTATION_VISIBILITY_UNSPECIFIED) {
        expected.set_visibility(v1::ANNOTATION_VISIBILITY_PRIVATE);
      }
      EXPECT_EQ(AsSent(got).SerializeAsString(), expected.SerializeAsString())
          << got.DebugString();
    }
    EXPECT_TRUE(matched);
  }
  for (const v1::Annotation& a : list.annotations()) {
    if (a.kind() == v1::ANNOTATION_KIND_NOTE) {
      EXPECT_EQ(a.text(), kNoteText);
    }
  }
}

TEST_F(AnnotationsTest, TheSameRevisionTwiceIsStoredOnceAndAnOlderOneChangesNothing) {
  const v1::Annotation first = Ink("ink-retry-001", doc_, 1);
  ASSERT_OK_AND_ASSIGN(v1::SaveAnnotationsResponse a, Save(cast_.delegate, {first}));
  // A tablet that lost the answer sends the same again, twice in one call too.
  ASSERT_OK_AND_ASSIGN(v1::SaveAnnotationsResponse b, Save(cast_.delegate, {first, first}));
  ASSERT_EQ(b.annotations_size(), 2);
  EXPECT_EQ(b.annotations(0).update_time().unix_micros(),
            a.annotations(0).update_time().unix_micros());
  ASSERT_OK_AND_ASSIGN(v1::ListAnnotationsResponse list, List(cast_.delegate, doc_.id()));
  EXPECT_THAT(Ids(list), ::testing::ElementsAre("ink-retry-001"));

  // Revision 3 arrives before revision 2 (two syncs crossing): 3 stays.
  v1::Annotation third = first;
  third.set_revision(3);
  third.set_color(0xFF1976D2);
  v1::Annotation second = first;
  second.set_revision(2);
  second.set_color(0xFF388E3C);
  ASSERT_OK(Save(cast_.delegate, {third}));
  ASSERT_OK_AND_ASSIGN(v1::SaveAnnotationsResponse stale, Save(cast_.delegate, {second}));
  EXPECT_EQ(stale.annotations(0).revision(), 3) << "the stale save gets back what is stored";
  EXPECT_EQ(stale.annotations(0).color(), 0xFF1976D2u);
  ASSERT_OK_AND_ASSIGN(list, List(cast_.delegate, doc_.id()));
  ASSERT_EQ(list.annotations_size(), 1);
  EXPECT_EQ(list.annotations(0).revision(), 3);
  EXPECT_EQ(list.annotations(0).color(), 0xFF1976D2u);
}

TEST_F(AnnotationsTest, PrivateStaysWithItsAuthorSharedReachesEveryReader) {
  v1::Annotation mine = Ink("private-0001", doc_, 1);
  v1::Annotation ours = Ink("shared-00001", doc_, 1, v1::ANNOTATION_VISIBILITY_SHARED);
  ASSERT_OK(Save(cast_.delegate, {mine, ours}));
  ASSERT_OK_AND_ASSIGN(v1::ListAnnotationsResponse own, List(cast_.delegate, doc_.id()));
  EXPECT_THAT(Ids(own), ::testing::UnorderedElementsAre("private-0001", "shared-00001"));
  for (Client* reader : {&cast_.chair, &cast_.guest, &cast_.secretary}) {
    ASSERT_OK_AND_ASSIGN(v1::ListAnnotationsResponse seen, List(*reader, doc_.id()));
    EXPECT_THAT(Ids(seen), ::testing::ElementsAre("shared-00001")) << reader->user.username();
    EXPECT_EQ(seen.annotations(0).author_name(), cast_.delegate.user.full_name());
  }
  // Un-sharing (a higher revision) takes it away from the others again.
  ours.set_revision(2);
  ours.set_visibility(v1::ANNOTATION_VISIBILITY_PRIVATE);
  ASSERT_OK(Save(cast_.delegate, {ours}));
  ASSERT_OK_AND_ASSIGN(v1::ListAnnotationsResponse after, List(cast_.chair, doc_.id()));
  EXPECT_EQ(after.annotations_size(), 0);
  // Deleting leaves a tombstone that only include_deleted shows.
  mine.set_revision(2);
  mine.set_deleted(true);
  ASSERT_OK(Save(cast_.delegate, {mine}));
  ASSERT_OK_AND_ASSIGN(own, List(cast_.delegate, doc_.id()));
  EXPECT_THAT(Ids(own), ::testing::ElementsAre("shared-00001"));
  ASSERT_OK_AND_ASSIGN(own, List(cast_.delegate, doc_.id(), 0, /*include_deleted=*/true));
  EXPECT_THAT(Ids(own), ::testing::UnorderedElementsAre("private-0001", "shared-00001"));
}

TEST_F(AnnotationsTest, AnIdBelongsToItsAuthor) {
  ASSERT_OK(Save(cast_.delegate, {Ink("taken-00001", doc_, 1, v1::ANNOTATION_VISIBILITY_SHARED)}));
  v1::Annotation hijack = Ink("taken-00001", doc_, 9, v1::ANNOTATION_VISIBILITY_SHARED);
  hijack.set_deleted(true);
  absl::Status s = Save(cast_.chair, {hijack}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
  ASSERT_OK_AND_ASSIGN(v1::ListAnnotationsResponse list, List(cast_.delegate, doc_.id()));
  ASSERT_EQ(list.annotations_size(), 1);
  EXPECT_EQ(list.annotations(0).revision(), 1);
  EXPECT_FALSE(list.annotations(0).deleted());
}

TEST_F(AnnotationsTest, BadInputIsRefusedWithAClearStatusAndNothingIsStored) {
  struct BadCase {
    std::string name;
    absl::StatusCode code;
    std::function<void(v1::Annotation&)> spoil;
  };
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<BadCase> cases = {
      {"id too short", absl::StatusCode::kInvalidArgument, [](auto& a) { a.set_id("abc"); }},
      {"id too long", absl::StatusCode::kInvalidArgument,
       [](auto& a) { a.set_id(std::string(65, 'x')); }},
      {"id with a slash", absl::StatusCode::kInvalidArgument,
       [](auto& a) { a.set_id("ink/../0001"); }},
      {"no kind", absl::StatusCode::kInvalidArgument,
       [](auto& a) { a.set_kind(v1::ANNOTATION_KIND_UNSPECIFIED); }},
      {"unknown kind", absl::StatusCode::kInvalidArgument,
       [](auto& a) { a.set_kind(static_cast<v1::AnnotationKind>(42)); }},
      {"unknown visibility", absl::StatusCode::kInvalidArgument,
       [](auto& a) { a.set_visibility(static_cast<v1::AnnotationVisibility>(7)); }},
      {"page beyond the version", absl::StatusCode::kInvalidArgument,
       [](auto& a) { a.set_page(2); }},
      {"negative page", absl::StatusCode::kInvalidArgument, [](auto& a) { a.set_page(-1); }},
      {"no such version", absl::StatusCode::kNotFound, [](auto& a) { a.set_version(9); }},
      {"version 0", absl::StatusCode::kInvalidArgument, [](auto& a) { a.set_version(0); }},
      {"no such document", absl::StatusCode::kNotFound,
       [](auto& a) { a.set_document_id("khong-co-tai-lieu"); }},
      {"revision 0", absl::StatusCode::kInvalidArgument, [](auto& a) { a.set_revision(0); }},
      {"10,001 points", absl::StatusCode::kInvalidArgument,
       [](auto& a) {
         while (a.points_size() <= 10000) *a.add_points() = a.points(0);
       }},
      {"ink without points", absl::StatusCode::kInvalidArgument,
       [](auto& a) { a.clear_points(); }},
      {"NaN coordinate", absl::StatusCode::kInvalidArgument,
       [nan](auto& a) { a.mutable_points(3)->set_x(nan); }},
      {"pressure above 1", absl::StatusCode::kInvalidArgument,
       [](auto& a) { a.mutable_points(3)->set_pressure(7); }},
      {"infinite width", absl::StatusCode::kInvalidArgument,
       [](auto& a) { a.set_width(std::numeric_limits<float>::infinity()); }},
      {"text over 10,000 characters", absl::StatusCode::kInvalidArgument,
       [](auto& a) {
         std::string text;
         for (int i = 0; i < 10001; ++i) text += "ơ";
         a.set_text(text);
       }},
      {"highlight without rects", absl::StatusCode::kInvalidArgument,
       [](auto& a) {
         a.set_kind(v1::ANNOTATION_KIND_HIGHLIGHT);
         a.clear_rects();
       }},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Annotation bad = Ink("bad-annotation-1", doc_, 1);
    c.spoil(bad);
    // A valid annotation first: all or nothing means it is not kept either.
    absl::Status s = Save(cast_.delegate, {Ink("valid-neighbour", doc_, 1), bad}).status();
    EXPECT_EQ(s.code(), c.code) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr("annotations[1]"));
    EXPECT_THAT(std::string(s.message()), HasSubstr("nothing was saved"));
  }
  // 10,000 characters exactly are fine; 501 annotations in one call are not.
  v1::Annotation long_note = Note("long-note-01", doc_, 1, std::string(10000, 'a'));
  std::vector<v1::Annotation> too_many;
  for (int i = 0; i < 501; ++i) too_many.push_back(Ink(absl::StrCat("many-", 10000 + i), doc_, 1));
  EXPECT_EQ(Save(cast_.delegate, too_many).status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(v1::ListAnnotationsResponse list,
                       List(cast_.delegate, doc_.id(), 0, /*include_deleted=*/true));
  EXPECT_EQ(list.annotations_size(), 0) << list.DebugString();
  ASSERT_OK(Save(cast_.delegate, {long_note}));
  too_many.resize(500);
  ASSERT_OK(Save(cast_.delegate, too_many));
  ASSERT_OK_AND_ASSIGN(list, List(cast_.delegate, doc_.id()));
  EXPECT_EQ(list.annotations_size(), 501);

  // Listing: a version the document does not have, a negative one.
  EXPECT_EQ(List(cast_.delegate, doc_.id(), 5).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(List(cast_.delegate, doc_.id(), -1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(List(cast_.delegate, "").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(AnnotationsTest, OnlyReadersOfTheDocumentMayAnnotateIt) {
  ASSERT_OK(Save(cast_.delegate, {Ink("shared-00001", doc_, 1, v1::ANNOTATION_VISIBILITY_SHARED)}));
  // Someone from another organisation, not in the meeting: as if there were no document.
  ASSERT_OK_AND_ASSIGN(Cast outsiders, MakeCast(*server_, "Sở Y tế tỉnh Sơn La", "b."));
  EXPECT_EQ(Save(outsiders.delegate, {Ink("outsider-001", doc_, 1)}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(List(outsiders.delegate, doc_.id()).status().code(), absl::StatusCode::kNotFound);
  v1::ExportAnnotatedCopyRequest export_request;
  export_request.set_document_id(doc_.id());
  export_request.set_include_shared(true);
  EXPECT_EQ(ExportAnnotatedCopy(outsiders.delegate, export_request).status().code(),
            absl::StatusCode::kNotFound);
  // A confidential document: only its readers (here the chair).
  v1::SetConfidentialityRequest confidential;
  confidential.set_document_id(doc_.id());
  confidential.set_confidential(true);
  confidential.add_allowed_user_ids(cast_.chair.user.id());
  ASSERT_OK(Call(*Documents(cast_.secretary), &v1::DocumentService::Stub::SetConfidentiality,
                 confidential));
  EXPECT_EQ(Save(cast_.guest, {Ink("guest-000001", doc_, 1)}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(List(cast_.delegate, doc_.id()).status().code(), absl::StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(v1::ListAnnotationsResponse chair, List(cast_.chair, doc_.id()));
  EXPECT_THAT(Ids(chair), ::testing::ElementsAre("shared-00001"));
  ASSERT_OK(Save(cast_.chair, {Ink("chair-000001", doc_, 1)}));
  // No session: UNAUTHENTICATED for each RPC.
  Client anonymous = server_->Connect();
  EXPECT_EQ(Save(anonymous, {Ink("anon-0000001", doc_, 1)}).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(List(anonymous, doc_.id()).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ExportAnnotatedCopy(anonymous, export_request).status().code(),
            absl::StatusCode::kUnauthenticated);
}

// Whoever may read the document may annotate it, in every meeting state:
// through the meeting's whole life for its participants; not at all in a
// draft for delegates and guests, who do not see drafts.
TEST_F(AnnotationsTest, EveryReaderAnnotatesInEveryStateOfTheMeeting) {
  using Meetings = v1::MeetingService::Stub;
  struct Step {
    v1::MeetingState state;
    Client* by;
    grpc::Status (Meetings::*move)(grpc::ClientContext*, const v1::MeetingLifecycleRequest&,
                                   v1::Meeting*);
  };
  const std::vector<Step> steps = {
      {v1::MEETING_STATE_PUBLISHED, nullptr, nullptr},
      {v1::MEETING_STATE_IN_PROGRESS, &cast_.chair, &Meetings::StartMeeting},
      {v1::MEETING_STATE_ENDED, &cast_.chair, &Meetings::EndMeeting},
      {v1::MEETING_STATE_ARCHIVED, &cast_.secretary, &Meetings::ArchiveMeeting}};
  int serial = 0;
  for (const Step& step : steps) {
    SCOPED_TRACE(v1::MeetingState_Name(step.state));
    if (step.by != nullptr) {
      v1::MeetingLifecycleRequest request;
      request.set_meeting_id(meeting_.id());
      ASSERT_OK(Call(*step.by->meetings, step.move, request));
    }
    for (Client* reader : {&cast_.secretary, &cast_.chair, &cast_.delegate, &cast_.guest}) {
      const std::string id = absl::StrCat("state-", ++serial, "-0000");
      EXPECT_OK(Save(*reader, {Ink(id, doc_, 1)})) << reader->user.username();
      ASSERT_OK_AND_ASSIGN(v1::ListAnnotationsResponse list, List(*reader, doc_.id()));
      EXPECT_THAT(Ids(list), ::testing::Contains(id));
    }
  }
  ASSERT_OK_AND_ASSIGN(v1::Meeting draft, MakeMeeting(cast_, v1::MEETING_STATE_DRAFT));
  ASSERT_OK_AND_ASSIGN(v1::Document draft_doc,
                       UploadDocument(cast_.secretary, draft.id(), "Dự thảo nghị quyết",
                                      DemoPdf(*server_, "Dự thảo nghị quyết", 2)));
  EXPECT_OK(Save(cast_.secretary, {Ink("draft-secretary", draft_doc, 1)}));
  EXPECT_OK(Save(cast_.chair, {Ink("draft-chair-01", draft_doc, 1)}));
  for (Client* outsider : {&cast_.delegate, &cast_.guest}) {
    EXPECT_EQ(Save(*outsider, {Ink("draft-reader1", draft_doc, 1)}).status().code(),
              absl::StatusCode::kNotFound);
    EXPECT_EQ(List(*outsider, draft_doc.id()).status().code(), absl::StatusCode::kNotFound);
  }
}

TEST_F(AnnotationsTest, AnnotationsFollowANewVersionOnlyWhenItKeepsThePages) {
  ASSERT_OK(Save(cast_.delegate, {Ink("on-version-1", doc_, 1)}));
  // Version 2: other text, the same two A4 pages.
  ASSERT_OK_AND_ASSIGN(v1::Document v2,
                       NewVersion(DemoPdf(*server_, "Kế hoạch đầu tư công (sửa đổi)", 2)));
  ASSERT_EQ(v2.versions(0).number(), 2);
  ASSERT_EQ(v2.versions(0).page_count(), 2);
  ASSERT_OK_AND_ASSIGN(v1::ListAnnotationsResponse list, List(cast_.delegate, doc_.id()));
  EXPECT_EQ(list.version(), 2);
  ASSERT_THAT(Ids(list), ::testing::ElementsAre("on-version-1"));
  EXPECT_EQ(list.annotations(0).version(), 1) << "it says where it was drawn";
  ASSERT_OK(Save(cast_.delegate, {Ink("on-version-2", v2, 1)}));

  // Version 3: two pages again, but landscape: nothing comes along.
  ASSERT_OK_AND_ASSIGN(v1::Document v3, NewVersion(BlankPdf(*server_, 2, 842, 595)));
  ASSERT_EQ(v3.versions(0).number(), 3);
  ASSERT_OK_AND_ASSIGN(list, List(cast_.delegate, doc_.id()));
  EXPECT_EQ(list.version(), 3);
  EXPECT_EQ(list.annotations_size(), 0);
  // Version 4: portrait again but three pages: nothing either.
  ASSERT_OK(NewVersion(DemoPdf(*server_, "Kế hoạch đầu tư công (bản 4)", 3)));
  ASSERT_OK_AND_ASSIGN(list, List(cast_.delegate, doc_.id()));
  EXPECT_EQ(list.annotations_size(), 0);
  // Asking for version 2 still shows both.
  ASSERT_OK_AND_ASSIGN(list, List(cast_.delegate, doc_.id(), 2));
  EXPECT_THAT(Ids(list), ::testing::UnorderedElementsAre("on-version-1", "on-version-2"));
  ASSERT_OK_AND_ASSIGN(list, List(cast_.delegate, doc_.id(), 1));
  EXPECT_THAT(Ids(list), ::testing::ElementsAre("on-version-1"));
}

TEST_F(AnnotationsTest, AnnotatedCopyCarriesTheCallersAnnotationsAndOnRequestTheShared) {
  ASSERT_OK(Save(cast_.delegate, {Ink("ink-00000001", doc_, 1), Note("note-0000001", doc_, 1)}));
  ASSERT_OK(Save(cast_.chair, {Highlight("chair-mark-1", doc_, 1)}));
  v1::Annotation gone = Ink("ink-deleted1", doc_, 2);
  gone.set_deleted(true);
  ASSERT_OK(Save(cast_.delegate, {gone}));

  v1::ExportAnnotatedCopyRequest request;
  request.set_document_id(doc_.id());
  ASSERT_OK_AND_ASSIGN(Downloaded own, ExportAnnotatedCopy(cast_.delegate, request));
  EXPECT_EQ(own.size_bytes, static_cast<int64_t>(own.data.size()));
  EXPECT_EQ(own.sha256, server::Sha256(own.data));
  const std::string own_path = ScratchFile(*server_, own.data);
  std::string check;
  EXPECT_TRUE(QpdfCheck(own_path, &check)) << check;
  const std::string own_json = RunCommand({"qpdf", "--json=2", "--json-key=qpdf", own_path}).output;
  EXPECT_THAT(own_json, HasSubstr("\"/Subtype\": \"/Ink\""));
  EXPECT_THAT(own_json, HasSubstr("\"/NM\": \"u:ink-00000001\""));
  EXPECT_THAT(own_json, Not(HasSubstr("ink-deleted1")));
  EXPECT_THAT(own_json, HasSubstr("\"/Subtype\": \"/Text\""));
  EXPECT_THAT(own_json, HasSubstr(absl::StrCat("\"/Contents\": \"u:",
                                               absl::StrReplaceAll(kNoteText, {{"\n", "\\n"}}),
                                               "\"")));
  EXPECT_THAT(own_json, HasSubstr(absl::StrCat("\"/T\": \"u:", cast_.delegate.user.full_name())));
  EXPECT_THAT(own_json, Not(HasSubstr("/Highlight"))) << "the chair's is not asked for";
  // The document itself is unchanged underneath: the same text on page 1.
  ASSERT_OK_AND_ASSIGN(Downloaded original, Download(cast_.delegate, doc_.id()));
  EXPECT_EQ(own.data.substr(0, original.data.size()), original.data);
  EXPECT_EQ(pdf::testing::PdfToText(own_path, 1),
            pdf::testing::PdfToText(ScratchFile(*server_, original.data), 1));

  request.set_include_shared(true);
  ASSERT_OK_AND_ASSIGN(Downloaded with_shared, ExportAnnotatedCopy(cast_.delegate, request));
  const std::string shared_path = ScratchFile(*server_, with_shared.data);
  EXPECT_TRUE(QpdfCheck(shared_path, &check)) << check;
  EXPECT_THAT(RunCommand({"qpdf", "--json=2", "--json-key=qpdf", shared_path}).output,
              HasSubstr("\"/Subtype\": \"/Highlight\""));
  // The copies were temporary: nothing is left in the server's tmp directory.
  for (const auto& entry : std::filesystem::directory_iterator(server_->data_dir() + "/tmp")) {
    EXPECT_THAT(entry.path().filename().string(), Not(HasSubstr("annotated")));
  }
}

// --- QR codes that name a page --------------------------------------------------

absl::StatusOr<v1::QrCode> PageQr(Client& client, const v1::Document& doc, int page) {
  v1::GetQrCodeRequest request;
  request.set_meeting_id(doc.meeting_id());
  request.set_document_id(doc.id());
  request.set_page(page);
  return Call(*Documents(client), &v1::DocumentService::Stub::GetQrCode, request);
}

TEST_F(AnnotationsTest, QrCodesOpenADocumentAtAPage) {
  ASSERT_OK_AND_ASSIGN(v1::QrCode whole, PageQr(cast_.secretary, doc_, 0));
  ASSERT_OK_AND_ASSIGN(v1::QrCode page2, PageQr(cast_.secretary, doc_, 2));
  EXPECT_NE(whole.code(), page2.code());
  ASSERT_OK_AND_ASSIGN(v1::QrCode again, PageQr(cast_.delegate, doc_, 2));
  EXPECT_EQ(again.payload(), page2.payload()) << "one code per page";
  v1::ResolveQrRequest resolve;
  resolve.set_payload(page2.payload());
  ASSERT_OK_AND_ASSIGN(v1::QrTarget target,
                       Call(*Documents(cast_.delegate), &v1::DocumentService::Stub::ResolveQr,
                            resolve));
  EXPECT_EQ(target.document_id(), doc_.id());
  EXPECT_EQ(target.page(), 2);
  EXPECT_EQ(target.sha256(), doc_.versions(0).sha256());
  resolve.set_payload(whole.payload());
  ASSERT_OK_AND_ASSIGN(target, Call(*Documents(cast_.delegate),
                                    &v1::DocumentService::Stub::ResolveQr, resolve));
  EXPECT_EQ(target.page(), 0);

  for (int bad : {3, -1}) {
    absl::Status s = PageQr(cast_.secretary, doc_, bad).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad << ": " << s;
  }
  v1::GetQrCodeRequest meeting_page;
  meeting_page.set_meeting_id(meeting_.id());
  meeting_page.set_page(1);
  EXPECT_EQ(Call(*Documents(cast_.secretary), &v1::DocumentService::Stub::GetQrCode, meeting_page)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AnnotationsTest, HopsoctlQrTakesAPage) {
  auto hopsoctl = [&](std::vector<std::string> args, const Client& as) {
    args.insert(args.begin(), HOPSOCTL_PATH);
    for (const std::string& flag : {std::string("--server"), server_->address(),
                                    std::string("--data_dir"), server_->data_dir(),
                                    std::string("--token"), as.token}) {
      args.push_back(flag);
    }
    return ::hopso::integration::RunCommand(args);
  };
  auto qr = [&](const std::string& page) {
    return hopsoctl({"qr", "--meeting", meeting_.id(), "--document", doc_.id(), "--page", page},
                    cast_.secretary);
  };
  ASSERT_OK_AND_ASSIGN(CommandResult made, qr("2"));
  ASSERT_EQ(made.exit_code, 0) << made.output;
  ASSERT_OK_AND_ASSIGN(v1::QrCode page2, PageQr(cast_.secretary, doc_, 2));
  EXPECT_THAT(made.output, HasSubstr(page2.payload()));
  ASSERT_OK_AND_ASSIGN(CommandResult resolved,
                       hopsoctl({"resolve", page2.payload()}, cast_.delegate));
  EXPECT_THAT(resolved.output, HasSubstr("page:     2"));
  ASSERT_OK_AND_ASSIGN(CommandResult beyond, qr("3"));
  EXPECT_NE(beyond.exit_code, 0);
  EXPECT_THAT(beyond.output, HasSubstr("beyond the document's 2 pages"));
}

}  // namespace
}  // namespace hopso::integration
