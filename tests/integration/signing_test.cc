// Minutes and signatures across the layers: the biên bản generated from a
// meeting that took place, signed by chair and secretary with keys in each
// server's own SoftHSM2 tokens, checked by tools that share no code with
// hopsod (pdftotext, pdffonts, zbarimg, pdfsig with and without an NSS
// database, openssl cms and ts); tampering, B-T timestamps from a local TSA
// (tests/tools/test_tsa.py), every refusal with nothing half-written, and a
// key certified by an outside CA made here with the openssl CLI.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hopso/v1/signing.grpc.pb.h"
#include "pdf/internal/test_keys.h"
#include "pdf/internal/test_tools.h"
#include "server/store/event_chain.h"
#include "server/util/random_id.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

#ifndef HOPSO_SOURCE_DIR
#error "HOPSO_SOURCE_DIR must name the source tree (for tests/tools/test_tsa.py)"
#endif

namespace hopso::integration {
namespace {

namespace tools = ::hopso::pdf::testing;
using Signing = v1::SigningService::Stub;
using Code = absl::StatusCode;

// PINs are the owners' own; these are the tests'.
constexpr char kChairPin[] = "chutoa-135790";
constexpr char kSecretaryPin[] = "thuky-246802";
constexpr char kOtherPin[] = "khac-864200";

std::unique_ptr<Signing> SigningOf(Client& client) {
  return v1::SigningService::NewStub(client.channel);
}

// Words joined by single spaces: pdftotext breaks lines where the layout did.
std::string Flat(absl::string_view text) {
  return absl::StrJoin(tools::Words(std::string(text)), " ");
}

// hopsod on its own SoftHSM2 token directory (DATA_DIR/tokens): an inherited
// SOFTHSM2_CONF would make every server of the test share one.
absl::StatusOr<std::unique_ptr<HopsodProcess>> StartSigningServer(std::vector<std::string> flags) {
  unsetenv("SOFTHSM2_CONF");
  return HopsodProcess::Start(std::move(flags));
}

// --- SigningService calls -----------------------------------------------------

absl::StatusOr<v1::SigningKey> CreateKey(Client& admin, const v1::User& user,
                                         v1::CertificateIssuer issuer) {
  v1::CreateSigningKeyRequest request;
  request.set_user_id(user.id());
  request.set_issuer(issuer);
  return Call(*SigningOf(admin), &Signing::CreateSigningKey, request);
}

absl::StatusOr<v1::SigningKey> SetPin(Client& owner, absl::string_view pin) {
  v1::SetPinRequest request;
  request.set_pin(std::string(pin));
  return Call(*SigningOf(owner), &Signing::SetPin, request);
}

// The key of `user_id` as `client` sees it; the caller's own when empty.
absl::StatusOr<v1::SigningKey> GetKey(Client& client, absl::string_view user_id = "") {
  v1::GetSigningKeyRequest request;
  request.set_user_id(std::string(user_id));
  return Call(*SigningOf(client), &Signing::GetSigningKey, request);
}

absl::StatusOr<v1::Minutes> GetMinutes(Client& client, absl::string_view meeting_id) {
  v1::GetMinutesRequest request;
  request.set_meeting_id(std::string(meeting_id));
  return Call(*SigningOf(client), &Signing::GetMinutes, request);
}

absl::StatusOr<v1::Minutes> Generate(Client& secretary, absl::string_view meeting_id) {
  v1::GenerateMinutesRequest request;
  request.set_meeting_id(std::string(meeting_id));
  return Call(*SigningOf(secretary), &Signing::GenerateMinutes, request);
}

absl::StatusOr<v1::Minutes> RequestSignatures(Client& secretary, absl::string_view meeting_id,
                                              const std::vector<std::string>& signers = {}) {
  v1::RequestSignaturesRequest request;
  request.set_meeting_id(std::string(meeting_id));
  for (const std::string& id : signers) request.add_signer_user_ids(id);
  return Call(*SigningOf(secretary), &Signing::RequestSignatures, request);
}

absl::StatusOr<v1::SignatureRequest> Sign(Client& signer, const v1::SignatureRequest& request,
                                          absl::string_view pin) {
  v1::SignDocumentRequest sign;
  sign.set_request_id(request.id());
  sign.set_pin(std::string(pin));
  return Call(*SigningOf(signer), &Signing::SignDocument, sign);
}

absl::StatusOr<v1::VerificationReport> VerifyStored(Client& client, absl::string_view document_id,
                                                    int version = 0) {
  v1::VerifyDocumentRequest request;
  request.mutable_stored()->set_document_id(std::string(document_id));
  request.mutable_stored()->set_version(version);
  return Call(*SigningOf(client), &Signing::VerifyDocument, request);
}

absl::StatusOr<v1::VerificationReport> VerifyInline(Client& client, absl::string_view pdf) {
  v1::VerifyDocumentRequest request;
  request.set_pdf(std::string(pdf));
  return Call(*SigningOf(client), &Signing::VerifyDocument, request);
}

// The request of `user_id` among the minutes' signatures.
absl::StatusOr<v1::SignatureRequest> RequestOf(const v1::Minutes& minutes,
                                               absl::string_view user_id) {
  for (const v1::SignatureRequest& r : minutes.signatures()) {
    if (r.signer_user_id() == user_id) return r;
  }
  return absl::NotFoundError(absl::StrCat("no signature request for ", user_id));
}

absl::StatusOr<v1::Document> GetDocument(Client& client, absl::string_view document_id) {
  v1::GetDocumentRequest request;
  request.set_id(std::string(document_id));
  return Call(*Documents(client), &v1::DocumentService::Stub::GetDocument, request);
}

// --- Signatures as written in the file ------------------------------------------

// `openssl cms -verify -cades` of one signature over its byte ranges,
// trusting only `ca_pem`.
tools::CommandResult CmsVerify(const HopsodProcess& server, const tools::FoundSignature& s,
                               const std::string& ca_pem) {
  return tools::RunCommand({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                            ScratchFile(server, s.cms_der, ".p7s"), "-content",
                            ScratchFile(server, s.signed_bytes, ".bin"), "-CAfile", ca_pem,
                            "-cades", "-purpose", "any", "-out", "/dev/null"},
                           /*merge_stderr=*/true);
}

std::string CmsPrint(const HopsodProcess& server, const tools::FoundSignature& s) {
  return tools::RunCommand({"openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in",
                            ScratchFile(server, s.cms_der, ".p7s")},
                           /*merge_stderr=*/true)
      .output;
}

std::string Pdfsig(const std::string& path, const std::string& nss_dir = "") {
  std::vector<std::string> argv = {"pdfsig"};
  if (!nss_dir.empty()) {
    argv.push_back("-nssdir");
    argv.push_back(nss_dir);
  }
  argv.push_back(path);
  return tools::RunCommand(argv, /*merge_stderr=*/true).output;
}

// --- The world most tests share -------------------------------------------------

// One hopsod with `flags`, an organisation with its people (MakeCast), its
// CA, and keys with PINs for the chair and the secretary. Password hashing
// and key generation make this the slow part, so a suite makes it once; each
// test makes its own meetings.
struct World {
  std::unique_ptr<HopsodProcess> server;
  Cast cast;
  v1::CertificateAuthority ca;
  std::string ca_pem_path;

  static absl::StatusOr<std::unique_ptr<World>> Make(std::vector<std::string> flags) {
    auto world = std::make_unique<World>();
    ASSIGN_OR_RETURN(world->server, StartSigningServer(std::move(flags)));
    ASSIGN_OR_RETURN(world->cast, MakeCast(*world->server, "Ủy ban nhân dân tỉnh Quảng Ngãi", ""));
    Cast& cast = world->cast;
    v1::InitCertificateAuthorityRequest init;
    init.set_organization_id(cast.org.id());
    ASSIGN_OR_RETURN(world->ca,
                     Call(*SigningOf(cast.admin), &Signing::InitCertificateAuthority, init));
    world->ca_pem_path = ScratchFile(*world->server, world->ca.certificate_pem(), ".pem");
    for (auto [client, pin] :
         {std::pair{&cast.chair, kChairPin}, std::pair{&cast.secretary, kSecretaryPin}}) {
      ASSIGN_OR_RETURN(v1::SigningKey key,
                       CreateKey(cast.admin, client->user, v1::CERTIFICATE_ISSUER_ORGANISATION_CA));
      if (key.state() != v1::SIGNING_KEY_STATE_AWAITING_PIN) {
        return absl::InternalError(absl::StrCat("a new key is ", key.ShortDebugString()));
      }
      RETURN_IF_ERROR(SetPin(*client, pin).status());
    }
    return world;
  }

  // A meeting of the cast, started and ended, with its draft minutes.
  absl::StatusOr<v1::Minutes> DraftMinutes(absl::string_view title,
                                           const MeetingExtras& extras = {}) {
    ASSIGN_OR_RETURN(v1::Meeting meeting,
                     MakeMeeting(cast, v1::MEETING_STATE_ENDED, title, extras));
    return Generate(cast.secretary, meeting.id());
  }

  // DraftMinutes, then signatures requested (the chair and the secretary
  // unless `signers` are named).
  absl::StatusOr<v1::Minutes> AskedToSign(absl::string_view title,
                                          const std::vector<std::string>& signers = {},
                                          const MeetingExtras& extras = {}) {
    ASSIGN_OR_RETURN(v1::Minutes draft, DraftMinutes(title, extras));
    return RequestSignatures(cast.secretary, draft.meeting_id(), signers);
  }

  // What a refused call must leave as it was: the minutes with their
  // requests, the document's versions, the head of the meeting's log, the
  // blob store and the server's temporary files.
  std::string Snapshot(absl::string_view meeting_id) {
    Client& secretary = cast.secretary;
    absl::StatusOr<v1::Minutes> minutes = GetMinutes(secretary, meeting_id);
    absl::StatusOr<v1::Meeting> meeting = GetMeeting(secretary, meeting_id);
    if (!minutes.ok() || !meeting.ok()) {
      ADD_FAILURE() << minutes.status() << " " << meeting.status();
      return "";
    }
    std::string state = absl::StrCat(minutes->DebugString(), "head ", meeting->last_event_seq(),
                                     "\nblobs ", absl::StrJoin(StoredBlobs(*server), " "));
    if (!minutes->document_id().empty()) {
      absl::StatusOr<v1::Document> document = GetDocument(secretary, minutes->document_id());
      EXPECT_OK(document);
      if (document.ok()) absl::StrAppend(&state, "\nversions ", document->versions_size());
    }
    std::error_code error;
    for (const auto& entry :
         std::filesystem::directory_iterator(server->data_dir() + "/tmp", error)) {
      absl::StrAppend(&state, "\ntemporary file ", entry.path().filename().string());
    }
    return state;
  }

  // The current version of the document, downloaded into a scratch file.
  absl::StatusOr<std::string> DownloadToFile(absl::string_view document_id,
                                             std::string* bytes = nullptr) {
    ASSIGN_OR_RETURN(Downloaded downloaded, Download(cast.secretary, document_id));
    if (bytes != nullptr) *bytes = downloaded.data;
    return ScratchFile(*server, downloaded.data);
  }
};

class SigningTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Three tries make the lock test short.
    absl::StatusOr<std::unique_ptr<World>> world = World::Make({"--max_pin_tries=3"});
    setup_ = new absl::Status(world.status());
    if (world.ok()) w_ = world->release();
  }
  static void TearDownTestSuite() {
    delete w_;
    w_ = nullptr;
    delete setup_;
    setup_ = nullptr;
  }
  void SetUp() override {
    ASSERT_OK(*setup_);
    ASSERT_TRUE(w_->server->running());
  }

  static World* w_;
  static absl::Status* setup_;
};

World* SigningTest::w_ = nullptr;
absl::Status* SigningTest::setup_ = nullptr;

// --- 1. The whole story ------------------------------------------------------------

TEST_F(SigningTest, MinutesOfAMeetingAreGeneratedSignedByChairThenSecretaryAndVerify) {
  HopsodProcess& server = *w_->server;
  Cast& cast = w_->cast;
  Client& chair = cast.chair;
  Client& secretary = cast.secretary;
  Client& delegate = cast.delegate;

  // Four members: the chair, the delegate and two more.
  std::vector<Client> members;
  MeetingExtras extras;
  for (const auto& [username, name] :
       {std::pair{"thanhvien1", "Đỗ Minh Tuấn"}, std::pair{"thanhvien2", "Vũ Thị Lan"}}) {
    ASSERT_OK_AND_ASSIGN(v1::User user,
                         NewUser(cast.admin, cast.org.id(), username, name, v1::USER_ROLE_MEMBER));
    ASSERT_OK_AND_ASSIGN(members.emplace_back(), server.Login(username));
    extras.delegate_ids.push_back(user.id());
  }
  ASSERT_OK_AND_ASSIGN(v1::Meeting meeting, MakeMeeting(cast, v1::MEETING_STATE_IN_PROGRESS,
                                                        "Kỳ họp thường lệ", extras));
  const std::string& id = meeting.id();
  ASSERT_OK_AND_ASSIGN(v1::Agenda agenda, GetAgenda(secretary, id));
  const std::string item_id = agenda.items(0).id();
  v1::SetCurrentItemRequest current;
  current.set_meeting_id(id);
  current.set_item_id(item_id);
  ASSERT_OK(Call(*chair.meetings, &v1::MeetingService::Stub::SetCurrentItem, current));

  // The meeting takes place: three check in with the room code, one is away
  // with a reason.
  for (Client* person : {&chair, &delegate, &members[0]}) {
    absl::StatusOr<v1::AttendanceRecord> record;
    // The code turns every 30 s; a refusal at the turn is tried again.
    for (int attempt = 0; attempt < 3 && !record.ok(); ++attempt) {
      v1::GetRoomCodeRequest get;
      get.set_meeting_id(id);
      ASSERT_OK_AND_ASSIGN(v1::RoomCode code, Call(*AttendanceStub(chair),
                                                   &v1::AttendanceService::Stub::GetRoomCode, get));
      record = CheckIn(*person, id, code.code());
    }
    ASSERT_OK(record);
    EXPECT_EQ(record->status(), v1::ATTENDANCE_STATUS_PRESENT);
  }
  ASSERT_OK(MarkAttendance(secretary, id, members[1].user.id(), v1::ATTENDANCE_STATUS_ABSENT,
                           "Đi công tác tại Đà Nẵng")
                .status());

  // A named poll: two for, one against.
  v1::CreatePollRequest create;
  create.set_meeting_id(id);
  create.set_agenda_item_id(item_id);
  create.set_title("Thông qua kế hoạch chuyển đổi số năm 2027");
  create.set_kind(v1::POLL_KIND_YES_NO_ABSTAIN);
  create.set_secrecy(v1::POLL_SECRECY_NAMED);
  ASSERT_OK_AND_ASSIGN(v1::Poll poll,
                       Call(*VotingStub(chair), &v1::VotingService::Stub::CreatePoll, create));
  ASSERT_OK_AND_ASSIGN(poll, PollCall(chair, &v1::VotingService::Stub::OpenPoll, poll));
  const std::pair<Client*, const char*> votes[] = {
      {&chair, "yes"}, {&delegate, "yes"}, {&members[0], "no"}};
  for (const auto& [voter, option] : votes) {
    ASSERT_OK(CastBallot(*voter, poll, NewBallotId(), {option}));
  }
  ASSERT_OK_AND_ASSIGN(v1::Poll closed, PollCall(chair, &v1::VotingService::Stub::ClosePoll, poll));
  std::string result_text;
  for (const v1::LocalizedText& text : closed.result().explanation()) {
    if (text.language() == "vi") result_text = text.text();
  }
  ASSERT_FALSE(result_text.empty());

  // A delegate speaks.
  v1::RequestToSpeakRequest speak;
  speak.set_meeting_id(id);
  speak.set_kind(v1::SPEAK_KIND_CONTRIBUTION);
  speak.set_topic("Đề nghị bổ sung kinh phí đào tạo cán bộ");
  ASSERT_OK_AND_ASSIGN(
      v1::SpeakRequest spoke,
      Call(*SpeakerStub(delegate), &v1::SpeakerService::Stub::RequestToSpeak, speak));
  v1::GiveFloorRequest floor;
  floor.set_meeting_id(id);
  floor.set_request_id(spoke.id());
  ASSERT_OK(Call(*SpeakerStub(chair), &v1::SpeakerService::Stub::GiveFloor, floor));
  v1::SpeakRequestRef done;
  done.set_meeting_id(id);
  done.set_request_id(spoke.id());
  ASSERT_OK(Call(*SpeakerStub(chair), &v1::SpeakerService::Stub::EndFloor, done));
  v1::MeetingLifecycleRequest end;
  end.set_meeting_id(id);
  ASSERT_OK(Call(*chair.meetings, &v1::MeetingService::Stub::EndMeeting, end));

  // The secretary writes the conclusions and generates the draft from the log.
  v1::SetMinutesTextRequest text;
  text.set_meeting_id(id);
  text.set_number("07/BB-UBND");
  v1::ItemConclusion* item = text.add_item_conclusions();
  item->set_agenda_item_id(item_id);
  item->set_text("Giao Sở Thông tin và Truyền thông hoàn thiện kế hoạch.");
  text.add_conclusions("Phiên họp thống nhất thông qua kế hoạch chuyển đổi số năm 2027.");
  ASSERT_OK(Call(*SigningOf(secretary), &Signing::SetMinutesText, text));
  ASSERT_OK_AND_ASSIGN(v1::Meeting ended, GetMeeting(secretary, id));
  ASSERT_OK_AND_ASSIGN(v1::Minutes draft, Generate(secretary, id));
  EXPECT_EQ(draft.state(), v1::MINUTES_STATE_DRAFT);
  EXPECT_EQ(draft.version(), 1);
  EXPECT_EQ(draft.number(), "07/BB-UBND");
  EXPECT_EQ(draft.record_seq(), ended.last_event_seq()) << "the head of the log at generation";
  EXPECT_EQ(draft.signature_places_size(), 2);
  ASSERT_FALSE(draft.document_id().empty());
  ASSERT_FALSE(draft.qr_payload().empty());
  ASSERT_OK_AND_ASSIGN(std::vector<v1::MeetingEvent> log, ReadLog(secretary, id));
  ASSERT_GE(log.size(), static_cast<size_t>(draft.record_seq()));
  EXPECT_EQ(log[draft.record_seq() - 1].hash(), draft.record_hash());

  // The draft as pdftotext, pdffonts and zbarimg read it.
  ASSERT_OK_AND_ASSIGN(const std::string draft_path, w_->DownloadToFile(draft.document_id()));
  const std::string draft_text = tools::PdfToText(draft_path);
  const std::string flat = Flat(draft_text);
  for (const std::string& expected : std::vector<std::string>{
           "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BIÊN BẢN",
           "Số: 07/BB-UBND", "Kỳ họp thường lệ", absl::StrCat("Chủ tọa: ", chair.user.full_name()),
           absl::StrCat("Thư ký: ", secretary.user.full_name()),
           absl::StrCat(members[1].user.full_name(), " (lý do: Đi công tác tại Đà Nẵng)"),
           "Thông qua kế hoạch chuyển đổi số năm 2027", "Số đại biểu biểu quyết: 3/3",
           Flat(absl::StrCat("Kết quả: ", result_text)),
           absl::StrCat(delegate.user.full_name(), ": Đề nghị bổ sung kinh phí đào tạo cán bộ"),
           "Giao Sở Thông tin và Truyền thông hoàn thiện kế hoạch.",
           "Phiên họp thống nhất thông qua kế hoạch chuyển đổi số năm 2027.",
           absl::StrCat("sự kiện 1–", draft.record_seq())}) {
    EXPECT_TRUE(absl::StrContains(flat, expected)) << "missing: " << expected << "\n" << draft_text;
  }
  // The poll's table: its options with their counts and shares.
  for (const char* cell :
       {"Đồng ý", "Không đồng ý", "Không biểu quyết", "66,7%", "33,3%", "0,0%"}) {
    EXPECT_TRUE(absl::StrContains(draft_text, cell)) << "missing cell: " << cell;
  }
  const std::vector<tools::FontRow> fonts = tools::PdfFonts(draft_path);
  ASSERT_FALSE(fonts.empty());
  for (const tools::FontRow& font : fonts) {
    EXPECT_TRUE(font.embedded && font.subset) << font.name;
  }
  std::vector<std::string> codes;
  for (int page = 1; page <= tools::PageCount(draft_path); ++page) {
    for (std::string& code : tools::DecodeQrCodes(draft_path, page)) codes.push_back(code);
  }
  ASSERT_EQ(codes, std::vector<std::string>{draft.qr_payload()});
  v1::ResolveQrRequest resolve;
  resolve.set_payload(codes[0]);
  ASSERT_OK_AND_ASSIGN(v1::QrTarget target,
                       Call(*Documents(delegate), &v1::DocumentService::Stub::ResolveQr, resolve));
  EXPECT_EQ(target.document_id(), draft.document_id());
  EXPECT_EQ(target.meeting_id(), id);

  // Signatures are requested: the chair first, then the secretary.
  const int64_t before_request = GetMeeting(secretary, id)->last_event_seq();
  ASSERT_OK_AND_ASSIGN(v1::Minutes signing, RequestSignatures(secretary, id));
  EXPECT_EQ(signing.state(), v1::MINUTES_STATE_SIGNING);
  ASSERT_EQ(signing.signatures_size(), 2);
  const v1::SignatureRequest& first = signing.signatures(0);
  const v1::SignatureRequest& second = signing.signatures(1);
  EXPECT_EQ(first.signer_user_id(), chair.user.id());
  EXPECT_EQ(first.role_text(), "Chủ tọa");
  EXPECT_EQ(first.order(), 1);
  EXPECT_EQ(first.state(), v1::SIGNATURE_STATE_PENDING);
  EXPECT_EQ(second.signer_user_id(), secretary.user.id());
  EXPECT_EQ(second.role_text(), "Thư ký");
  EXPECT_EQ(second.state(), v1::SIGNATURE_STATE_WAITING);

  ASSERT_OK_AND_ASSIGN(v1::SignatureRequest chair_signed, Sign(chair, first, kChairPin));
  EXPECT_EQ(chair_signed.state(), v1::SIGNATURE_STATE_SIGNED);
  EXPECT_EQ(chair_signed.signed_version(), 2);
  EXPECT_FALSE(chair_signed.timestamped()) << "no TSA configured: B-B";
  ASSERT_OK_AND_ASSIGN(v1::Minutes half, GetMinutes(chair, id));
  EXPECT_EQ(half.state(), v1::MINUTES_STATE_SIGNING);
  EXPECT_EQ(half.version(), 2);
  ASSERT_EQ(half.signatures_size(), 2);
  EXPECT_EQ(half.signatures(1).state(), v1::SIGNATURE_STATE_PENDING) << "the secretary's turn";

  ASSERT_OK_AND_ASSIGN(v1::SignatureRequest secretary_signed,
                       Sign(secretary, second, kSecretaryPin));
  EXPECT_EQ(secretary_signed.state(), v1::SIGNATURE_STATE_SIGNED);
  EXPECT_EQ(secretary_signed.signed_version(), 3);
  ASSERT_OK_AND_ASSIGN(v1::Minutes done_minutes, GetMinutes(delegate, id));
  EXPECT_EQ(done_minutes.state(), v1::MINUTES_STATE_SIGNED);
  EXPECT_EQ(done_minutes.version(), 3);

  // Every step is in the chained log, as watchers saw it.
  ASSERT_OK_AND_ASSIGN(log, ReadLog(delegate, id));
  EXPECT_OK(CheckChain(server::GenesisHash(), log));
  std::vector<std::string> steps;
  for (const v1::MeetingEvent& event : log) {
    if (event.seq() <= before_request) continue;
    if (event.body().has_signature_changed()) {
      const v1::SignatureRequest& r = event.body().signature_changed().request();
      steps.push_back(absl::StrCat(r.role_text(), " ", v1::SignatureState_Name(r.state())));
    } else if (event.body().has_minutes_changed()) {
      steps.push_back(absl::StrCat(
          "minutes ", v1::MinutesState_Name(event.body().minutes_changed().minutes().state())));
    }
  }
  EXPECT_EQ(steps, (std::vector<std::string>{
                       "Chủ tọa SIGNATURE_STATE_PENDING", "Thư ký SIGNATURE_STATE_WAITING",
                       "minutes MINUTES_STATE_SIGNING", "Chủ tọa SIGNATURE_STATE_SIGNED",
                       "Thư ký SIGNATURE_STATE_PENDING", "minutes MINUTES_STATE_SIGNING",
                       "Thư ký SIGNATURE_STATE_SIGNED", "minutes MINUTES_STATE_SIGNED"}));

  // The signed file, checked by poppler and OpenSSL.
  std::string final_bytes;
  ASSERT_OK_AND_ASSIGN(const std::string final_path,
                       w_->DownloadToFile(draft.document_id(), &final_bytes));
  const std::string pdfsig = Pdfsig(final_path);
  EXPECT_EQ(tools::CountOccurrences(pdfsig, "Signature is Valid."), 2) << pdfsig;
  EXPECT_EQ(tools::CountOccurrences(pdfsig, "ETSI.CAdES.detached"), 2) << pdfsig;
  EXPECT_EQ(tools::CountOccurrences(pdfsig, "Total document signed"), 1) << pdfsig;
  const size_t second_sig = pdfsig.find("Signature #2");
  ASSERT_NE(second_sig, std::string::npos) << pdfsig;
  EXPECT_TRUE(absl::StrContains(pdfsig.substr(second_sig), "Total document signed")) << pdfsig;
  EXPECT_TRUE(absl::StrContains(pdfsig, chair.user.full_name())) << pdfsig;
  EXPECT_TRUE(absl::StrContains(pdfsig, secretary.user.full_name())) << pdfsig;

  const std::string nss_dir = absl::StrCat("sql:", server.scratch_dir(), "/nssdb");
  std::filesystem::create_directory(server.scratch_dir() + "/nssdb");
  ASSERT_EQ(
      tools::RunCommand({"certutil", "-N", "--empty-password", "-d", nss_dir}, true).exit_code, 0);
  EXPECT_EQ(tools::CountOccurrences(Pdfsig(final_path, nss_dir), "Certificate is Trusted."), 0)
      << "an NSS database that does not know the CA";
  const tools::CommandResult added = tools::RunCommand(
      {"certutil", "-A", "-n", "ca", "-t", "CT,C,C", "-i", w_->ca_pem_path, "-d", nss_dir}, true);
  ASSERT_EQ(added.exit_code, 0) << added.output;
  const std::string trusted = Pdfsig(final_path, nss_dir);
  EXPECT_EQ(tools::CountOccurrences(trusted, "Certificate is Trusted."), 2) << trusted;

  const std::vector<tools::FoundSignature> sigs = tools::FindSignatures(final_bytes);
  ASSERT_EQ(sigs.size(), 2u);
  for (const tools::FoundSignature& s : sigs) {
    ASSERT_FALSE(s.cms_der.empty());
    const tools::CommandResult verified = CmsVerify(server, s, w_->ca_pem_path);
    EXPECT_EQ(verified.exit_code, 0) << verified.output;
    EXPECT_TRUE(absl::StrContains(verified.output, "Verification successful")) << verified.output;
    const std::string printed = CmsPrint(server, s);
    EXPECT_TRUE(absl::StrContains(printed, "id-smime-aa-signingCertificateV2")) << printed;
    EXPECT_FALSE(absl::StrContains(printed, "signingTime")) << printed;
    EXPECT_FALSE(absl::StrContains(printed, "id-smime-aa-timeStampToken")) << printed;
  }

  // The server's own verifier agrees.
  ASSERT_OK_AND_ASSIGN(v1::VerificationReport report, VerifyStored(delegate, draft.document_id()));
  EXPECT_EQ(report.size_bytes(), static_cast<int64_t>(final_bytes.size()));
  EXPECT_EQ(report.sha256(), server::Sha256(final_bytes));
  ASSERT_EQ(report.signatures_size(), 2);
  for (const v1::VerifiedSignature& s : report.signatures()) {
    SCOPED_TRACE(s.field_name());
    EXPECT_TRUE(s.ok());
    EXPECT_TRUE(s.digest_matches());
    EXPECT_TRUE(s.signature_valid());
    EXPECT_TRUE(s.chain_trusted()) << s.chain_error();
    EXPECT_TRUE(s.has_signing_certificate_v2());
    EXPECT_FALSE(s.has_timestamp());
    EXPECT_EQ(s.sub_filter(), "ETSI.CAdES.detached");
    EXPECT_EQ(s.problems_size(), 0) << absl::StrJoin(s.problems(), "; ");
  }
  EXPECT_EQ(report.signatures(0).signer_name(), chair.user.full_name());
  EXPECT_EQ(report.signatures(0).changes_after(), v1::CHANGES_AFTER_SIGNING_SIGNED_REVISIONS);
  EXPECT_FALSE(report.signatures(0).covers_whole_file());
  EXPECT_EQ(report.signatures(1).signer_name(), secretary.user.full_name());
  EXPECT_EQ(report.signatures(1).changes_after(), v1::CHANGES_AFTER_SIGNING_NONE);
  EXPECT_TRUE(report.signatures(1).covers_whole_file());
  // The chair's version verifies on its own, whole.
  ASSERT_OK_AND_ASSIGN(v1::VerificationReport at_two,
                       VerifyStored(delegate, draft.document_id(), 2));
  ASSERT_EQ(at_two.signatures_size(), 1);
  EXPECT_TRUE(at_two.signatures(0).covers_whole_file());
  EXPECT_TRUE(at_two.signatures(0).ok());
}

// --- 2. Tampering ----------------------------------------------------------------

// Signs `asked` as the chair and then the secretary; the signed bytes.
absl::StatusOr<std::string> SignedByBoth(World& w, const v1::Minutes& asked) {
  Cast& cast = w.cast;
  ASSIGN_OR_RETURN(v1::SignatureRequest chair_request, RequestOf(asked, cast.chair.user.id()));
  ASSIGN_OR_RETURN(v1::SignatureRequest secretary_request,
                   RequestOf(asked, cast.secretary.user.id()));
  RETURN_IF_ERROR(Sign(cast.chair, chair_request, kChairPin).status());
  RETURN_IF_ERROR(Sign(cast.secretary, secretary_request, kSecretaryPin).status());
  ASSIGN_OR_RETURN(Downloaded downloaded, Download(cast.secretary, asked.document_id()));
  return downloaded.data;
}

TEST_F(SigningTest, AByteChangedInASignedRangeOrBytesAppendedAreReported) {
  ASSERT_OK_AND_ASSIGN(v1::Minutes asked, w_->AskedToSign("Họp thẩm định hồ sơ"));
  ASSERT_OK_AND_ASSIGN(const std::string pdf, SignedByBoth(*w_, asked));
  ASSERT_OK_AND_ASSIGN(v1::VerificationReport intact, VerifyInline(w_->cast.delegate, pdf));
  ASSERT_EQ(intact.signatures_size(), 2);
  EXPECT_TRUE(intact.signatures(0).ok() && intact.signatures(1).ok());

  // One byte of the first revision's first stream: inside both signatures'
  // ranges, and the file still parses.
  const size_t stream = pdf.find("stream\n");
  ASSERT_NE(stream, std::string::npos);
  const size_t at = stream + 7 + 10;
  ASSERT_LT(at, pdf.find("/ByteRange"));
  std::string tampered = pdf;
  tampered[at] = static_cast<char>(tampered[at] ^ 0x01);
  const std::string pdfsig = Pdfsig(ScratchFile(*w_->server, tampered));
  EXPECT_EQ(tools::CountOccurrences(pdfsig, "Digest Mismatch"), 2) << pdfsig;
  EXPECT_EQ(tools::CountOccurrences(pdfsig, "Signature is Valid."), 0) << pdfsig;
  ASSERT_OK_AND_ASSIGN(v1::VerificationReport report, VerifyInline(w_->cast.delegate, tampered));
  ASSERT_EQ(report.signatures_size(), 2);
  for (const v1::VerifiedSignature& s : report.signatures()) {
    EXPECT_FALSE(s.digest_matches()) << s.field_name();
    EXPECT_FALSE(s.ok()) << s.field_name();
    EXPECT_GT(s.problems_size(), 0) << s.field_name();
  }
  EXPECT_EQ(report.sha256(), server::Sha256(tampered));

  // Bytes after the last signature: an unsigned change.
  const std::string appended = pdf + "%garbage\n";
  EXPECT_EQ(
      tools::CountOccurrences(Pdfsig(ScratchFile(*w_->server, appended)), "Total document signed"),
      0);
  ASSERT_OK_AND_ASSIGN(report, VerifyInline(w_->cast.delegate, appended));
  ASSERT_EQ(report.signatures_size(), 2);
  const v1::VerifiedSignature& last = report.signatures(1);
  EXPECT_TRUE(last.digest_matches()) << "its own ranges are intact";
  EXPECT_FALSE(last.covers_whole_file());
  EXPECT_EQ(last.changes_after(), v1::CHANGES_AFTER_SIGNING_UNSIGNED_CHANGES);
  EXPECT_GT(last.problems_size(), 0);
  EXPECT_FALSE(last.ok());
}

// --- 4. Refusals, with nothing half-written ---------------------------------------

TEST_F(SigningTest, WrongPinsAreCountedTheKeyLocksAndAnAdminResetUnlocksIt) {
  Cast& cast = w_->cast;
  Client& delegate = cast.delegate;
  ASSERT_OK(CreateKey(cast.admin, delegate.user, v1::CERTIFICATE_ISSUER_ORGANISATION_CA));
  ASSERT_OK_AND_ASSIGN(v1::SigningKey key, SetPin(delegate, kOtherPin));
  EXPECT_EQ(key.state(), v1::SIGNING_KEY_STATE_READY);
  EXPECT_EQ(key.pin_tries_left(), 3);
  ASSERT_OK_AND_ASSIGN(v1::Minutes asked, w_->AskedToSign("Họp về khóa ký", {delegate.user.id()}));
  ASSERT_OK_AND_ASSIGN(v1::SignatureRequest request, RequestOf(asked, delegate.user.id()));
  const std::string before = w_->Snapshot(asked.meeting_id());

  EXPECT_TRUE(IsRefused(Sign(delegate, request, "sai-000001").status(), Code::kPermissionDenied,
                        {"2 tries left"}));
  ASSERT_OK_AND_ASSIGN(key, GetKey(delegate));
  EXPECT_EQ(key.pin_tries_left(), 2);
  EXPECT_EQ(key.state(), v1::SIGNING_KEY_STATE_READY);
  EXPECT_TRUE(IsRefused(Sign(delegate, request, "sai-000002").status(), Code::kPermissionDenied,
                        {"1 try left"}));
  EXPECT_TRUE(IsRefused(Sign(delegate, request, "sai-000003").status(), Code::kPermissionDenied,
                        {"locked"}));
  ASSERT_OK_AND_ASSIGN(key, GetKey(cast.admin, delegate.user.id()));
  EXPECT_EQ(key.state(), v1::SIGNING_KEY_STATE_LOCKED);
  EXPECT_EQ(key.pin_tries_left(), 0);
  // Locked: even the right PIN is refused before the token is asked.
  EXPECT_TRUE(IsRefused(Sign(delegate, request, kOtherPin).status(), Code::kFailedPrecondition,
                        {"locked"}));
  EXPECT_EQ(w_->Snapshot(asked.meeting_id()), before);

  // Only an admin resets; the owner then sets a new PIN and signs.
  v1::ResetPinRequest reset;
  reset.set_user_id(delegate.user.id());
  EXPECT_TRUE(IsRefused(Call(*SigningOf(delegate), &Signing::ResetPin, reset).status(),
                        Code::kPermissionDenied));
  ASSERT_OK_AND_ASSIGN(key, Call(*SigningOf(cast.admin), &Signing::ResetPin, reset));
  EXPECT_EQ(key.state(), v1::SIGNING_KEY_STATE_AWAITING_PIN);
  EXPECT_EQ(key.pin_tries_left(), 3);
  EXPECT_TRUE(
      IsRefused(Sign(delegate, request, kOtherPin).status(), Code::kFailedPrecondition, {"PIN"}));
  EXPECT_EQ(w_->Snapshot(asked.meeting_id()), before);
  ASSERT_OK_AND_ASSIGN(key, SetPin(delegate, "moi-975310"));
  EXPECT_EQ(key.state(), v1::SIGNING_KEY_STATE_READY);
  ASSERT_OK_AND_ASSIGN(v1::SignatureRequest signed_request, Sign(delegate, request, "moi-975310"));
  EXPECT_EQ(signed_request.state(), v1::SIGNATURE_STATE_SIGNED);
  ASSERT_OK_AND_ASSIGN(v1::Minutes minutes, GetMinutes(delegate, asked.meeting_id()));
  EXPECT_EQ(minutes.state(), v1::MINUTES_STATE_SIGNED);
  EXPECT_EQ(minutes.version(), 2);
}

TEST_F(SigningTest, SigningOutOfTurnTwiceOrForSomeoneElseIsRefused) {
  Cast& cast = w_->cast;
  ASSERT_OK_AND_ASSIGN(v1::Minutes asked, w_->AskedToSign("Họp về thứ tự ký"));
  const std::string& meeting_id = asked.meeting_id();
  ASSERT_OK_AND_ASSIGN(v1::SignatureRequest chair_request, RequestOf(asked, cast.chair.user.id()));
  ASSERT_OK_AND_ASSIGN(v1::SignatureRequest secretary_request,
                       RequestOf(asked, cast.secretary.user.id()));
  std::string before = w_->Snapshot(meeting_id);

  // The secretary's turn comes after the chair's.
  EXPECT_TRUE(IsRefused(Sign(cast.secretary, secretary_request, kSecretaryPin).status(),
                        Code::kFailedPrecondition, {"turn"}));
  // Nobody signs another's request, with any PIN.
  EXPECT_TRUE(IsRefused(Sign(cast.delegate, chair_request, kChairPin).status(),
                        Code::kPermissionDenied, {"not asked"}));
  EXPECT_TRUE(IsRefused(Sign(cast.secretary, chair_request, kSecretaryPin).status(),
                        Code::kPermissionDenied, {"not asked"}));
  // Once signatures are asked for, the draft is frozen.
  EXPECT_TRUE(IsRefused(Generate(cast.secretary, meeting_id).status(), Code::kFailedPrecondition,
                        {"frozen"}));
  v1::SetMinutesTextRequest text;
  text.set_meeting_id(meeting_id);
  text.add_conclusions("Sửa sau khi đã trình ký.");
  EXPECT_TRUE(IsRefused(Call(*SigningOf(cast.secretary), &Signing::SetMinutesText, text).status(),
                        Code::kFailedPrecondition, {"frozen"}));
  EXPECT_TRUE(IsRefused(RequestSignatures(cast.secretary, meeting_id).status(),
                        Code::kFailedPrecondition, {"frozen"}));
  EXPECT_EQ(w_->Snapshot(meeting_id), before);

  ASSERT_OK(Sign(cast.chair, chair_request, kChairPin));
  before = w_->Snapshot(meeting_id);
  EXPECT_TRUE(IsRefused(Sign(cast.chair, chair_request, kChairPin).status(),
                        Code::kFailedPrecondition, {"already signed"}));
  EXPECT_EQ(w_->Snapshot(meeting_id), before);
  ASSERT_OK_AND_ASSIGN(v1::Minutes minutes, GetMinutes(cast.chair, meeting_id));
  EXPECT_EQ(minutes.version(), 2);
  EXPECT_EQ(minutes.signatures(1).state(), v1::SIGNATURE_STATE_PENDING);
}

TEST_F(SigningTest, ASignerWithoutAKeyIsRefused) {
  Cast& cast = w_->cast;
  ASSERT_OK_AND_ASSIGN(v1::User user, NewUser(cast.admin, cast.org.id(), "khongkhoa",
                                              "Hoàng Văn Không", v1::USER_ROLE_MEMBER));
  ASSERT_OK_AND_ASSIGN(Client keyless, w_->server->Login(user.username()));
  MeetingExtras extras;
  extras.delegate_ids = {keyless.user.id()};
  ASSERT_OK_AND_ASSIGN(v1::Minutes draft, w_->DraftMinutes("Họp không có khóa ký", extras));
  const std::string& meeting_id = draft.meeting_id();
  // Only the meeting's people can be asked.
  std::string before = w_->Snapshot(meeting_id);
  EXPECT_TRUE(
      IsRefused(RequestSignatures(cast.secretary, meeting_id, {cast.admin.user.id()}).status(),
                Code::kNotFound, {"not in this meeting"}));
  EXPECT_EQ(w_->Snapshot(meeting_id), before);

  ASSERT_OK_AND_ASSIGN(v1::Minutes asked,
                       RequestSignatures(cast.secretary, meeting_id, {keyless.user.id()}));
  ASSERT_OK_AND_ASSIGN(v1::SignatureRequest request, RequestOf(asked, keyless.user.id()));
  EXPECT_EQ(request.state(), v1::SIGNATURE_STATE_PENDING);
  before = w_->Snapshot(meeting_id);
  EXPECT_TRUE(IsRefused(Sign(keyless, request, kOtherPin).status(), Code::kFailedPrecondition,
                        {"no signing key"}));
  EXPECT_TRUE(IsRefused(GetKey(keyless).status(), Code::kNotFound));
  EXPECT_EQ(w_->Snapshot(meeting_id), before);
}

TEST_F(SigningTest, SignaturesAreRequestedOnlyOnceTheMeetingHasEnded) {
  Cast& cast = w_->cast;
  ASSERT_OK_AND_ASSIGN(v1::Meeting meeting,
                       MakeMeeting(cast, v1::MEETING_STATE_IN_PROGRESS, "Họp đang diễn ra"));
  // The draft may be made while the meeting goes on...
  ASSERT_OK_AND_ASSIGN(v1::Minutes draft, Generate(cast.secretary, meeting.id()));
  EXPECT_EQ(draft.state(), v1::MINUTES_STATE_DRAFT);
  // ...but not signed.
  const std::string before = w_->Snapshot(meeting.id());
  EXPECT_TRUE(IsRefused(RequestSignatures(cast.secretary, meeting.id()).status(),
                        Code::kFailedPrecondition, {"IN_PROGRESS", "progress", "ended", "state"}));
  EXPECT_EQ(w_->Snapshot(meeting.id()), before);
  // Nor before it started: there is nothing to record.
  ASSERT_OK_AND_ASSIGN(v1::Meeting published,
                       MakeMeeting(cast, v1::MEETING_STATE_PUBLISHED, "Họp chưa bắt đầu"));
  EXPECT_TRUE(
      IsRefused(Generate(cast.secretary, published.id()).status(), Code::kFailedPrecondition));
  ASSERT_OK_AND_ASSIGN(v1::Minutes none, GetMinutes(cast.secretary, published.id()));
  EXPECT_EQ(none.state(), v1::MINUTES_STATE_NONE);
}

TEST_F(SigningTest, ADeclinedRequestEndsTheRoundAndANewDraftStartsAnother) {
  Cast& cast = w_->cast;
  ASSERT_OK_AND_ASSIGN(v1::Minutes asked, w_->AskedToSign("Họp có ý kiến khác"));
  const std::string& meeting_id = asked.meeting_id();
  ASSERT_OK_AND_ASSIGN(v1::SignatureRequest chair_request, RequestOf(asked, cast.chair.user.id()));
  v1::DeclineSignatureRequest decline;
  decline.set_request_id(chair_request.id());
  decline.set_reason("Đề nghị bổ sung kết luận của mục thảo luận.");
  ASSERT_OK_AND_ASSIGN(v1::SignatureRequest declined,
                       Call(*SigningOf(cast.chair), &Signing::DeclineSignature, decline));
  EXPECT_EQ(declined.state(), v1::SIGNATURE_STATE_DECLINED);
  EXPECT_EQ(declined.decline_reason(), "Đề nghị bổ sung kết luận của mục thảo luận.");
  ASSERT_OK_AND_ASSIGN(v1::Minutes minutes, GetMinutes(cast.secretary, meeting_id));
  EXPECT_EQ(minutes.state(), v1::MINUTES_STATE_DECLINED);
  const std::string before = w_->Snapshot(meeting_id);
  EXPECT_TRUE(IsRefused(Sign(cast.chair, chair_request, kChairPin).status(),
                        Code::kFailedPrecondition, {"declined"}));
  EXPECT_TRUE(IsRefused(RequestSignatures(cast.secretary, meeting_id).status(),
                        Code::kFailedPrecondition, {"declined"}));
  EXPECT_EQ(w_->Snapshot(meeting_id), before);

  // A new draft, a new round.
  ASSERT_OK_AND_ASSIGN(v1::Minutes redrafted, Generate(cast.secretary, meeting_id));
  EXPECT_EQ(redrafted.state(), v1::MINUTES_STATE_DRAFT);
  EXPECT_EQ(redrafted.version(), 2);
  EXPECT_EQ(redrafted.document_id(), asked.document_id());
  ASSERT_OK_AND_ASSIGN(v1::Minutes again, RequestSignatures(cast.secretary, meeting_id));
  ASSERT_EQ(again.signatures_size(), 2);
  EXPECT_EQ(again.signatures(0).state(), v1::SIGNATURE_STATE_PENDING);
  EXPECT_EQ(again.signatures(1).state(), v1::SIGNATURE_STATE_WAITING);
  EXPECT_NE(again.signatures(0).id(), chair_request.id());
  ASSERT_OK_AND_ASSIGN(v1::SignatureRequest signed_request,
                       Sign(cast.chair, again.signatures(0), kChairPin));
  EXPECT_EQ(signed_request.signed_version(), 3);
}

TEST_F(SigningTest, VerifyRefusesEncryptedBrokenAndOversizedPdfs) {
  Client& delegate = w_->cast.delegate;
  const std::string plain = DemoPdf(*w_->server, "Tờ trình không ký", 1);
  ASSERT_OK_AND_ASSIGN(v1::VerificationReport unsigned_report, VerifyInline(delegate, plain));
  EXPECT_EQ(unsigned_report.signatures_size(), 0);

  const std::string encrypted = w_->server->scratch_dir() + "/encrypted.pdf";
  const tools::CommandResult qpdf =
      tools::RunCommand({"qpdf", "--encrypt", "nguoidung", "chuso", "256", "--",
                         ScratchFile(*w_->server, plain), encrypted},
                        true);
  ASSERT_EQ(qpdf.exit_code, 0) << qpdf.output;
  EXPECT_TRUE(IsRefused(VerifyInline(delegate, tools::ReadFileOrDie(encrypted)).status(),
                        Code::kFailedPrecondition, {"encrypt"}));
  EXPECT_TRUE(IsRefused(VerifyInline(delegate, "this is not a PDF at all\n").status(),
                        Code::kInvalidArgument));
  EXPECT_TRUE(IsRefused(VerifyInline(delegate, plain.substr(0, plain.size() / 3)).status(),
                        Code::kInvalidArgument));
  std::string huge = "%PDF-1.7\n";
  huge.resize((size_t{6} << 20) + 1, ' ');
  EXPECT_TRUE(IsRefused(VerifyInline(delegate, huge).status(), Code::kResourceExhausted));
  EXPECT_TRUE(IsRefused(VerifyInline(delegate, "").status(), Code::kInvalidArgument));
  // Nothing was kept of what was sent.
  std::error_code error;
  EXPECT_TRUE(std::filesystem::is_empty(w_->server->data_dir() + "/tmp", error));
}

TEST_F(SigningTest, SetUpIsForAdminsAndPinsHaveRules) {
  Cast& cast = w_->cast;
  v1::InitCertificateAuthorityRequest init;
  init.set_organization_id(cast.org.id());
  EXPECT_TRUE(
      IsRefused(Call(*SigningOf(cast.secretary), &Signing::InitCertificateAuthority, init).status(),
                Code::kPermissionDenied));
  EXPECT_TRUE(
      IsRefused(Call(*SigningOf(cast.admin), &Signing::InitCertificateAuthority, init).status(),
                Code::kAlreadyExists));
  EXPECT_TRUE(IsRefused(
      CreateKey(cast.chair, cast.chair.user, v1::CERTIFICATE_ISSUER_ORGANISATION_CA).status(),
      Code::kPermissionDenied));
  EXPECT_TRUE(IsRefused(
      CreateKey(cast.secretary, cast.guest.user, v1::CERTIFICATE_ISSUER_ORGANISATION_CA).status(),
      Code::kPermissionDenied));
  EXPECT_TRUE(IsRefused(
      CreateKey(cast.admin, cast.chair.user, v1::CERTIFICATE_ISSUER_ORGANISATION_CA).status(),
      Code::kAlreadyExists));
  EXPECT_TRUE(
      IsRefused(GetKey(cast.delegate, cast.chair.user.id()).status(), Code::kPermissionDenied));
  // Anyone signed in may fetch the CA certificate to trust it.
  ASSERT_OK_AND_ASSIGN(v1::CertificateAuthority ca,
                       Call(*SigningOf(cast.guest), &Signing::GetCertificateAuthority,
                            v1::GetCertificateAuthorityRequest()));
  EXPECT_EQ(ca.certificate_der(), w_->ca.certificate_der());

  EXPECT_TRUE(IsRefused(SetPin(cast.chair, "123").status(), Code::kInvalidArgument, {"6 to 32"}));
  EXPECT_TRUE(
      IsRefused(SetPin(cast.chair, "có dấu 123").status(), Code::kInvalidArgument, {"pin"}));
  ASSERT_OK_AND_ASSIGN(v1::SigningKey key, GetKey(cast.chair));
  EXPECT_EQ(key.state(), v1::SIGNING_KEY_STATE_READY) << "refused PINs change nothing";
  EXPECT_TRUE(IsRefused(SetPin(cast.chair, "dat-lai-123456").status(), Code::kFailedPrecondition,
                        {"already set"}));
}

// --- 5. A certificate from an outside CA ----------------------------------------------

TEST_F(SigningTest, AKeyCertifiedByAnOutsideCaSigns) {
  Cast& cast = w_->cast;
  HopsodProcess& server = *w_->server;
  Client& guest = cast.guest;
  ASSERT_OK_AND_ASSIGN(v1::SigningKey key,
                       CreateKey(cast.admin, guest.user, v1::CERTIFICATE_ISSUER_OUTSIDE_CA));
  EXPECT_EQ(key.state(), v1::SIGNING_KEY_STATE_AWAITING_CERTIFICATE);
  EXPECT_TRUE(key.certificate_pem().empty());
  ASSERT_TRUE(
      absl::StartsWith(key.certificate_request_pem(), "-----BEGIN CERTIFICATE REQUEST-----"))
      << key.certificate_request_pem();
  const std::string csr = ScratchFile(server, key.certificate_request_pem(), ".csr");
  const tools::CommandResult checked =
      tools::RunCommand({"openssl", "req", "-verify", "-noout", "-in", csr}, true);
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
  EXPECT_TRUE(absl::StrContains(checked.output, "verify OK")) << checked.output;
  EXPECT_TRUE(
      IsRefused(SetPin(guest, kOtherPin).status(), Code::kFailedPrecondition, {"certificate"}));

  // The outside CA, made here.
  const std::string dir = server.scratch_dir();
  const std::string ext = ScratchFile(server,
                                      "basicConstraints = critical,CA:FALSE\n"
                                      "keyUsage = critical,digitalSignature,nonRepudiation\n",
                                      ".cnf");
  auto openssl = [](std::vector<std::string> argv) {
    argv.insert(argv.begin(), "openssl");
    const tools::CommandResult r = tools::RunCommand(argv, true);
    EXPECT_EQ(r.exit_code, 0) << absl::StrJoin(argv, " ") << "\n" << r.output;
    return r.exit_code == 0;
  };
  ASSERT_TRUE(openssl(
      {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
       dir + "/outside-ca.key", "-out", dir + "/outside-ca.pem", "-days", "30", "-subj",
       "/C=VN/O=Cong ty CA ben ngoai/CN=Outside Test CA", "-addext",
       "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"}));
  auto issue = [&](const std::string& request, const std::string& out, const char* serial) {
    return openssl({"x509", "-req", "-in", request, "-CA", dir + "/outside-ca.pem", "-CAkey",
                    dir + "/outside-ca.key", "-set_serial", serial, "-days", "30", "-sha256",
                    "-extfile", ext, "-out", out});
  };
  ASSERT_TRUE(issue(csr, dir + "/guest.pem", "11"));
  // A certificate for another key, by the same CA.
  ASSERT_TRUE(openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                       "-nodes", "-keyout", dir + "/other.key", "-out", dir + "/other.csr", "-subj",
                       "/CN=Khong phai khoa cua token"}));
  ASSERT_TRUE(issue(dir + "/other.csr", dir + "/other.pem", "12"));

  v1::AttachCertificateRequest attach;
  attach.set_user_id(guest.user.id());
  attach.set_certificate(tools::ReadFileOrDie(dir + "/other.pem"));
  EXPECT_TRUE(IsRefused(Call(*SigningOf(cast.admin), &Signing::AttachCertificate, attach).status(),
                        Code::kInvalidArgument, {"key"}));
  ASSERT_OK_AND_ASSIGN(key, GetKey(cast.admin, guest.user.id()));
  EXPECT_EQ(key.state(), v1::SIGNING_KEY_STATE_AWAITING_CERTIFICATE);
  attach.set_certificate(tools::ReadFileOrDie(dir + "/guest.pem"));
  attach.add_chain(tools::ReadFileOrDie(dir + "/outside-ca.pem"));
  EXPECT_TRUE(IsRefused(Call(*SigningOf(guest), &Signing::AttachCertificate, attach).status(),
                        Code::kPermissionDenied));
  ASSERT_OK_AND_ASSIGN(key, Call(*SigningOf(cast.admin), &Signing::AttachCertificate, attach));
  EXPECT_EQ(key.state(), v1::SIGNING_KEY_STATE_AWAITING_PIN);
  EXPECT_EQ(key.issuer(), v1::CERTIFICATE_ISSUER_OUTSIDE_CA);
  EXPECT_TRUE(absl::StrContains(key.certificate_pem(), "BEGIN CERTIFICATE"));
  ASSERT_OK_AND_ASSIGN(key, SetPin(guest, kOtherPin));
  EXPECT_EQ(key.state(), v1::SIGNING_KEY_STATE_READY);

  // The guest signs minutes that name them.
  ASSERT_OK_AND_ASSIGN(v1::Minutes asked,
                       w_->AskedToSign("Họp có khách mời ký", {guest.user.id()}));
  ASSERT_OK_AND_ASSIGN(v1::SignatureRequest request, RequestOf(asked, guest.user.id()));
  ASSERT_OK_AND_ASSIGN(v1::SignatureRequest signed_request, Sign(guest, request, kOtherPin));
  EXPECT_EQ(signed_request.state(), v1::SIGNATURE_STATE_SIGNED);
  std::string pdf;
  ASSERT_OK_AND_ASSIGN(const std::string path, w_->DownloadToFile(asked.document_id(), &pdf));
  EXPECT_EQ(tools::CountOccurrences(Pdfsig(path), "Signature is Valid."), 1);
  const std::vector<tools::FoundSignature> sigs = tools::FindSignatures(pdf);
  ASSERT_EQ(sigs.size(), 1u);
  const tools::CommandResult verified = CmsVerify(server, sigs[0], dir + "/outside-ca.pem");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(CmsVerify(server, sigs[0], w_->ca_pem_path).exit_code, 0)
      << "the organisation CA did not issue it";
  // hopsod does not trust that CA (it is not in --trusted_roots), and says so.
  ASSERT_OK_AND_ASSIGN(v1::VerificationReport report, VerifyStored(guest, asked.document_id()));
  ASSERT_EQ(report.signatures_size(), 1);
  const v1::VerifiedSignature& s = report.signatures(0);
  EXPECT_EQ(s.signer_name(), guest.user.full_name());
  EXPECT_TRUE(absl::StrContains(s.issuer_subject(), "Outside Test CA")) << s.issuer_subject();
  EXPECT_TRUE(s.digest_matches() && s.signature_valid());
  EXPECT_FALSE(s.chain_trusted());
  EXPECT_FALSE(s.chain_error().empty());
  EXPECT_FALSE(s.ok());
}

// --- A token that cannot be opened ---------------------------------------------------

TEST(SigningTokenTest, AModuleThatCannotBeLoadedIsRefusedAndTheServerStaysUp) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<HopsodProcess> server,
                       StartSigningServer({"--pkcs11_module=/nonexistent.so"}));
  ASSERT_OK_AND_ASSIGN(Client admin, server->Login(kAdminUsername));
  v1::CreateOrganizationRequest org;
  org.set_name("Sở Tài chính");
  ASSERT_OK_AND_ASSIGN(
      v1::Organization created,
      Call(*admin.directory, &v1::DirectoryService::Stub::CreateOrganization, org));
  v1::InitCertificateAuthorityRequest init;
  init.set_organization_id(created.id());
  EXPECT_TRUE(IsRefused(Call(*SigningOf(admin), &Signing::InitCertificateAuthority, init).status(),
                        Code::kFailedPrecondition, {"/nonexistent.so"}));
  // Asked again, the same answer: nothing was half-made the first time.
  EXPECT_TRUE(IsRefused(Call(*SigningOf(admin), &Signing::InitCertificateAuthority, init).status(),
                        Code::kFailedPrecondition, {"/nonexistent.so"}));
  v1::GetCertificateAuthorityRequest get;
  get.set_organization_id(created.id());
  EXPECT_TRUE(IsRefused(Call(*SigningOf(admin), &Signing::GetCertificateAuthority, get).status(),
                        Code::kNotFound));
  EXPECT_TRUE(server->running());
  EXPECT_OK(Call(*admin.auth, &v1::AuthService::Stub::WhoAmI, v1::WhoAmIRequest()));
}

// --- 3. B-T with a local timestamp authority ---------------------------------------------

// tests/tools/test_tsa.py as a child, its certificates in a directory of its
// own; SIGTERMed and reaped on Stop() or destruction. Killed with the test
// if the test dies.
class TestTsa {
 public:
  TestTsa() {
    const std::string script = HOPSO_SOURCE_DIR "/tests/tools/test_tsa.py";
    std::vector<std::string> argv = {"python3", script, "--port", "0", "--dir", dir_.path()};
    std::vector<char*> args;
    for (std::string& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return;
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {
      if (dup2(fds[1], STDOUT_FILENO) < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 ||
          getppid() != parent) {
        _exit(127);
      }
      execvp(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    // Blocks until the line comes, or EOF when the script dies first.
    std::string line;
    for (char c; pid_ > 0 && read(fds[0], &c, 1) == 1 && c != '\n';) line.push_back(c);
    close(fds[0]);
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "PORT ") || !absl::SimpleAtoi(rest, &port_)) port_ = 0;
  }
  ~TestTsa() { Stop(); }
  TestTsa(const TestTsa&) = delete;
  TestTsa& operator=(const TestTsa&) = delete;

  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  int port() const { return port_; }  // 0: it did not start
  std::string File(const std::string& name) const { return dir_.File(name); }

 private:
  tools::ScopedTempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

TEST(SigningTimestampTest, SignaturesCarryATokenThatVerifiesAndATsaDownChangesNothing) {
  TestTsa tsa;
  ASSERT_NE(tsa.port(), 0) << "test_tsa.py did not start";
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<World> w,
                       World::Make({absl::StrCat("--tsa_url=http://127.0.0.1:", tsa.port(), "/"),
                                    absl::StrCat("--trusted_roots=", tsa.File("tsa-ca.pem"))}));
  Cast& cast = w->cast;
  ASSERT_OK_AND_ASSIGN(v1::Minutes asked, w->AskedToSign("Họp có dấu thời gian"));
  ASSERT_OK_AND_ASSIGN(v1::SignatureRequest chair_request, RequestOf(asked, cast.chair.user.id()));
  const int64_t asked_at = absl::ToUnixMicros(absl::Now());
  ASSERT_OK_AND_ASSIGN(v1::SignatureRequest signed_request,
                       Sign(cast.chair, chair_request, kChairPin));
  EXPECT_TRUE(signed_request.timestamped());

  std::string pdf;
  ASSERT_OK_AND_ASSIGN(const std::string path, w->DownloadToFile(asked.document_id(), &pdf));
  EXPECT_EQ(tools::CountOccurrences(Pdfsig(path), "Signature is Valid."), 1);
  ASSERT_OK_AND_ASSIGN(v1::VerificationReport report,
                       VerifyStored(cast.delegate, asked.document_id()));
  ASSERT_EQ(report.signatures_size(), 1);
  const v1::VerifiedSignature& s = report.signatures(0);
  EXPECT_TRUE(s.has_timestamp());
  EXPECT_TRUE(s.timestamp_valid());
  EXPECT_TRUE(s.timestamp_trusted());
  EXPECT_TRUE(s.chain_trusted()) << s.chain_error();
  EXPECT_TRUE(s.ok()) << absl::StrJoin(s.problems(), "; ");
  // The TSA's clock is this machine's; its accuracy is a second.
  EXPECT_GE(s.timestamp_time().unix_micros(), asked_at - 2'000'000);
  EXPECT_LE(s.timestamp_time().unix_micros(), absl::ToUnixMicros(absl::Now()) + 2'000'000);

  // The token, cut out of the CMS, is over the signature value.
  const std::vector<tools::FoundSignature> sigs = tools::FindSignatures(pdf);
  ASSERT_EQ(sigs.size(), 1u);
  EXPECT_TRUE(absl::StrContains(CmsPrint(*w->server, sigs[0]), "id-smime-aa-timeStampToken"));
  const tools::CommandResult cms = CmsVerify(*w->server, sigs[0], w->ca_pem_path);
  EXPECT_EQ(cms.exit_code, 0) << cms.output;
  const tools::SignerTimestamps signer = tools::ReadSignerTimestamps(sigs[0].cms_der);
  ASSERT_EQ(signer.tokens.size(), 1u);
  const tools::CommandResult ts =
      tools::RunCommand({"openssl", "ts", "-verify", "-digest",
                         server::HexEncode(server::Sha256(signer.signature_value)), "-in",
                         ScratchFile(*w->server, signer.tokens[0], ".tst"), "-token_in", "-CAfile",
                         tsa.File("tsa-ca.pem"), "-untrusted", tsa.File("tsa.pem")},
                        true);
  EXPECT_EQ(ts.exit_code, 0) << ts.output;
  EXPECT_TRUE(absl::StrContains(ts.output, "Verification: OK")) << ts.output;

  // With the TSA gone, the secretary's signature cannot be made at B-T, and
  // none is made at a lower level.
  tsa.Stop();
  ASSERT_OK_AND_ASSIGN(v1::Minutes half, GetMinutes(cast.secretary, asked.meeting_id()));
  ASSERT_OK_AND_ASSIGN(v1::SignatureRequest secretary_request,
                       RequestOf(half, cast.secretary.user.id()));
  EXPECT_EQ(secretary_request.state(), v1::SIGNATURE_STATE_PENDING);
  const std::string before = w->Snapshot(asked.meeting_id());
  EXPECT_TRUE(IsRefused(Sign(cast.secretary, secretary_request, kSecretaryPin).status(),
                        Code::kUnavailable, {"timestamp", "TSA", "time-stamp"}));
  EXPECT_EQ(w->Snapshot(asked.meeting_id()), before);
  ASSERT_OK_AND_ASSIGN(v1::SigningKey key, GetKey(cast.secretary));
  EXPECT_EQ(key.pin_tries_left(), 5) << "the PIN was right";
}

}  // namespace
}  // namespace hopso::integration
