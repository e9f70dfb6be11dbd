// Hostile and mistaken input gets a clear status, and nothing of a refused
// call is stored: after each one the meetings, their agendas, participants
// and event logs, and the directory are exactly as before.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

namespace hopso::integration {
namespace {

using Meetings = v1::MeetingService::Stub;
using Directory = v1::DirectoryService::Stub;
using Code = absl::StatusCode;

constexpr char kUnknownId[] = "zzzzzzzzzzzzzzzz";
constexpr char kCsvHeader[] = "username,full_name,title,unit,phone,email\n";

// Strings no name or title may be.
struct BadText {
  std::string name;
  std::string text;
};
std::vector<BadText> BadTitles(size_t max_chars) {
  std::string too_long;
  // Vietnamese letters are 2–3 bytes: the limit counts characters.
  for (size_t i = 0; i <= max_chars; ++i) too_long += "ệ";
  return {
      {"empty", ""},
      {"blank", "  \t "},
      {"one character over the limit", too_long},
      {"far over the limit", std::string(100000, 'x')},
      {"control character", "Họp\x07giao ban"},
      {"newline", "Họp\ngiao ban"},
  };
}
std::vector<BadText> InvalidUtf8() {
  std::vector<BadText> texts;
  texts.push_back({"truncated sequence", "Họp \xE1\xBA"});
  texts.push_back({"lone continuation byte", "Họp \x80 giao ban"});
  texts.push_back({"overlong encoding", "Họp \xC0\xAF"});
  texts.push_back({"UTF-16 surrogate", "Họp \xED\xA0\x80"});
  texts.push_back({"above U+10FFFF", "Họp \xF4\x90\x80\x80"});
  return texts;
}

class BadInputTest : public HopsodTest {
 protected:
  void SetUp() override {
    HopsodTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(cast_, MakeCast(*server_, "Sở Công Thương tỉnh Bắc Kạn", ""));
    ASSERT_OK_AND_ASSIGN(draft_, MakeMeeting(cast_, v1::MEETING_STATE_DRAFT, "Họp dự thảo"));
    ASSERT_OK_AND_ASSIGN(published_,
                         MakeMeeting(cast_, v1::MEETING_STATE_PUBLISHED, "Họp đã công bố"));
    ASSERT_OK_AND_ASSIGN(running_,
                         MakeMeeting(cast_, v1::MEETING_STATE_IN_PROGRESS, "Họp đang diễn ra"));
    // The draft gets a sub-item, so that depth limits can be tried.
    ASSERT_OK_AND_ASSIGN(v1::Agenda agenda, GetAgenda(cast_.secretary, draft_.id()));
    ASSERT_OK_AND_ASSIGN(
        agenda, AddAgendaItem(cast_.secretary, draft_.id(), "Mục con", agenda.items(0).id()));
    draft_items_.assign(agenda.items().begin(), agenda.items().end());
    ASSERT_OK_AND_ASSIGN(agenda, GetAgenda(cast_.secretary, running_.id()));
    running_items_.assign(agenda.items().begin(), agenda.items().end());
    v1::SetCurrentItemRequest current;
    current.set_meeting_id(running_.id());
    current.set_item_id(running_items_[0].id());
    ASSERT_OK(Call(*cast_.chair.meetings, &Meetings::SetCurrentItem, current));
    // A published meeting with nothing on its agenda cannot start.
    v1::CreateMeetingRequest create;
    create.set_organization_id(cast_.org.id());
    create.set_title("Họp chưa có chương trình");
    create.mutable_start_time()->set_unix_micros(1767225600000000);
    create.mutable_end_time()->set_unix_micros(1767229200000000);
    ASSERT_OK_AND_ASSIGN(empty_, Call(*cast_.secretary.meetings, &Meetings::CreateMeeting, create));
    v1::AddParticipantRequest chair;
    chair.set_meeting_id(empty_.id());
    chair.set_user_id(cast_.chair.user.id());
    chair.set_role(v1::MEETING_ROLE_CHAIR);
    ASSERT_OK(Call(*cast_.secretary.meetings, &Meetings::AddParticipant, chair));
    v1::MeetingLifecycleRequest publish;
    publish.set_meeting_id(empty_.id());
    ASSERT_OK(Call(*cast_.secretary.meetings, &Meetings::PublishMeeting, publish));
    // Someone from another organisation.
    v1::CreateOrganizationRequest org;
    org.set_name("Sở Ngoại vụ tỉnh Bắc Kạn");
    ASSERT_OK_AND_ASSIGN(other_org_,
                         Call(*cast_.admin.directory, &Directory::CreateOrganization, org));
    ASSERT_OK_AND_ASSIGN(outsider_, NewUser(cast_.admin, other_org_.id(), "ngoai.vu",
                                            "Hoàng Thị Ngoại", v1::USER_ROLE_MEMBER));
  }

  // Everything a refused call could have touched, a line per thing.
  absl::StatusOr<std::string> Snapshot() {
    std::string out;
    for (const v1::Meeting* m : {&draft_, &published_, &running_, &empty_}) {
      ASSIGN_OR_RETURN(v1::Meeting meeting, GetMeeting(cast_.secretary, m->id()));
      absl::StrAppend(&out, "meeting ", meeting.title(), " | ", meeting.place(), " | ",
                      v1::MeetingState_Name(meeting.state()), " | seq ", meeting.last_event_seq(),
                      " | current ", meeting.current_item_id(), "\n");
      ASSIGN_OR_RETURN(v1::Agenda agenda, GetAgenda(cast_.secretary, m->id()));
      for (const v1::AgendaItem& item : agenda.items()) {
        absl::StrAppend(&out, "  ", item.number(), " ", item.title(), " | ", item.presenter(),
                        " | ", item.planned_minutes(), " | ", item.id(), "\n");
      }
      v1::ListParticipantsRequest participants;
      participants.set_meeting_id(m->id());
      participants.set_page_size(500);
      ASSIGN_OR_RETURN(v1::ListParticipantsResponse list,
                       Call(*cast_.secretary.meetings, &Meetings::ListParticipants, participants));
      for (const v1::Participant& p : list.participants()) {
        absl::StrAppend(&out, "  participant ", p.user_id(), " ", v1::MeetingRole_Name(p.role()),
                        "\n");
      }
    }
    v1::ListMeetingsRequest meetings;
    meetings.set_page_size(500);
    ASSIGN_OR_RETURN(v1::ListMeetingsResponse mine,
                     Call(*cast_.secretary.meetings, &Meetings::ListMeetings, meetings));
    absl::StrAppend(&out, "meetings: ", mine.meetings_size(), "\n");
    for (const v1::Organization* org : {&cast_.org, &other_org_}) {
      v1::ListUsersRequest users;
      users.set_organization_id(org->id());
      users.set_page_size(500);
      ASSIGN_OR_RETURN(v1::ListUsersResponse list,
                       Call(*cast_.admin.directory, &Directory::ListUsers, users));
      absl::StrAppend(&out, "users of ", org->name(), ": ", list.users_size(), "\n");
    }
    v1::ListOrganizationsRequest orgs;
    orgs.set_page_size(500);
    ASSIGN_OR_RETURN(v1::ListOrganizationsResponse org_list,
                     Call(*cast_.admin.directory, &Directory::ListOrganizations, orgs));
    absl::StrAppend(&out, "organisations: ", org_list.organizations_size(), "\n");
    return out;
  }

  struct Case {
    std::string name;
    std::function<absl::Status()> call;
    Code code;
    // A part of the message that tells the caller what to fix.
    std::string message_has;
  };

  // Runs each case, checks its status and message, and that it left no trace.
  void Run(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
      SCOPED_TRACE(c.name);
      ASSERT_OK_AND_ASSIGN(const std::string before, Snapshot());
      const absl::Status status = c.call();
      EXPECT_EQ(status.code(), c.code) << status;
      EXPECT_FALSE(status.message().empty()) << "a refusal should say why";
      EXPECT_TRUE(absl::StrContains(status.message(), c.message_has))
          << "message \"" << status.message() << "\" should mention \"" << c.message_has << "\"";
      ASSERT_OK_AND_ASSIGN(const std::string after, Snapshot());
      EXPECT_EQ(after, before) << "the refused call changed something";
    }
  }

  absl::Status Lifecycle(Client& client,
                         grpc::Status (Meetings::*method)(grpc::ClientContext*,
                                                          const v1::MeetingLifecycleRequest&,
                                                          v1::Meeting*),
                         const v1::Meeting& meeting) {
    v1::MeetingLifecycleRequest request;
    request.set_meeting_id(meeting.id());
    return Call(*client.meetings, method, request).status();
  }

  absl::Status Move(Client& client, const v1::Meeting& meeting, const std::string& item,
                    const std::string& parent, int index) {
    v1::MoveAgendaItemRequest request;
    request.set_meeting_id(meeting.id());
    request.set_item_id(item);
    request.set_new_parent_id(parent);
    request.set_new_index(index);
    return Call(*client.meetings, &Meetings::MoveAgendaItem, request).status();
  }

  absl::Status Add(Client& client, const v1::Meeting& meeting, const std::string& title,
                   const std::string& parent = "", int index = -1, int minutes = 0,
                   const std::string& presenter = "") {
    v1::AddAgendaItemRequest request;
    request.set_meeting_id(meeting.id());
    request.set_parent_id(parent);
    request.set_title(title);
    request.set_index(index);
    request.set_planned_minutes(minutes);
    request.set_presenter(presenter);
    return Call(*client.meetings, &Meetings::AddAgendaItem, request).status();
  }

  absl::Status Import(const std::string& organization_id, const std::string& csv) {
    v1::ImportUsersRequest request;
    request.set_organization_id(organization_id);
    request.set_csv(csv);
    return Call(*cast_.admin.directory, &Directory::ImportUsers, request).status();
  }

  // Each bad text from `texts(max_chars)` in each name and title field.
  // Invalid UTF-8 may be refused while the request is parsed, before any
  // field is looked at: then the message need not name the field.
  std::vector<Case> TextCases(const std::function<std::vector<BadText>(size_t)>& texts,
                              bool names_field) {
    std::vector<Case> cases;
    for (const BadText& bad : texts(300)) {
      cases.push_back(
          {"CreateMeeting title " + bad.name,
           [&, bad] {
             v1::CreateMeetingRequest r;
             r.set_organization_id(cast_.org.id());
             r.set_title(bad.text);
             r.mutable_start_time()->set_unix_micros(1767225600000000);
             r.mutable_end_time()->set_unix_micros(1767229200000000);
             return Call(*cast_.secretary.meetings, &Meetings::CreateMeeting, r).status();
           },
           Code::kInvalidArgument, names_field ? "title" : ""});
      if (!bad.text.empty()) {  // an empty title in an update keeps the old one
        cases.push_back(
            {"UpdateMeeting title " + bad.name,
             [&, bad] {
               v1::UpdateMeetingRequest r;
               r.set_id(published_.id());
               r.set_title(bad.text);
               return Call(*cast_.secretary.meetings, &Meetings::UpdateMeeting, r).status();
             },
             Code::kInvalidArgument, names_field ? "title" : ""});
      }
      cases.push_back(
          {"CreateOrganization name " + bad.name,
           [&, bad] {
             v1::CreateOrganizationRequest r;
             r.set_name(bad.text);
             return Call(*cast_.admin.directory, &Directory::CreateOrganization, r).status();
           },
           Code::kInvalidArgument, names_field ? "name" : ""});
    }
    for (const BadText& bad : texts(500)) {
      cases.push_back({"AddAgendaItem title " + bad.name,
                       [&, bad] { return Add(cast_.secretary, draft_, bad.text); },
                       Code::kInvalidArgument, names_field ? "title" : ""});
      cases.push_back(
          {"UpdateAgendaItem title " + bad.name,
           [&, bad] {
             v1::UpdateAgendaItemRequest r;
             r.set_meeting_id(draft_.id());
             r.set_item_id(draft_items_[0].id());
             r.set_title(bad.text);
             return Call(*cast_.secretary.meetings, &Meetings::UpdateAgendaItem, r).status();
           },
           Code::kInvalidArgument, names_field ? "title" : ""});
    }
    for (const BadText& bad : texts(200)) {
      cases.push_back({"CreateUser full_name " + bad.name,
                       [&, bad] {
                         v1::CreateUserRequest r;
                         r.mutable_user()->set_organization_id(cast_.org.id());
                         r.mutable_user()->set_username("ten.hong");
                         r.mutable_user()->set_full_name(bad.text);
                         r.mutable_user()->set_role(v1::USER_ROLE_MEMBER);
                         return Call(*cast_.admin.directory, &Directory::CreateUser, r).status();
                       },
                       Code::kInvalidArgument, names_field ? "full_name" : ""});
    }
    return cases;
  }

  Cast cast_;
  v1::Meeting draft_, published_, running_, empty_;
  std::vector<v1::AgendaItem> draft_items_, running_items_;
  v1::Organization other_org_;
  v1::User outsider_;
};

TEST_F(BadInputTest, UnknownIdsAreNotFound) {
  Client& s = cast_.secretary;
  Client& admin = cast_.admin;
  std::vector<Case> cases = {
      {"GetMeeting", [&] { return GetMeeting(s, kUnknownId).status(); }, Code::kNotFound,
       kUnknownId},
      {"GetAgenda", [&] { return GetAgenda(s, kUnknownId).status(); }, Code::kNotFound, kUnknownId},
      {"UpdateMeeting",
       [&] {
         v1::UpdateMeetingRequest r;
         r.set_id(kUnknownId);
         r.set_title("Tên mới");
         return Call(*s.meetings, &Meetings::UpdateMeeting, r).status();
       },
       Code::kNotFound, kUnknownId},
      {"PublishMeeting",
       [&] {
         v1::MeetingLifecycleRequest r;
         r.set_meeting_id(kUnknownId);
         return Call(*s.meetings, &Meetings::PublishMeeting, r).status();
       },
       Code::kNotFound, kUnknownId},
      {"AddAgendaItem to an unknown meeting",
       [&] { return AddAgendaItem(s, kUnknownId, "Mục").status(); }, Code::kNotFound, kUnknownId},
      {"AddAgendaItem under an unknown parent", [&] { return Add(s, draft_, "Mục", kUnknownId); },
       Code::kNotFound, kUnknownId},
      {"UpdateAgendaItem",
       [&] {
         v1::UpdateAgendaItemRequest r;
         r.set_meeting_id(draft_.id());
         r.set_item_id(kUnknownId);
         r.set_title("Mục");
         return Call(*s.meetings, &Meetings::UpdateAgendaItem, r).status();
       },
       Code::kNotFound, kUnknownId},
      {"MoveAgendaItem of an unknown item", [&] { return Move(s, draft_, kUnknownId, "", 0); },
       Code::kNotFound, kUnknownId},
      {"MoveAgendaItem under an unknown parent",
       [&] { return Move(s, draft_, draft_items_.back().id(), kUnknownId, 0); }, Code::kNotFound,
       kUnknownId},
      {"MoveAgendaItem of another meeting's item",
       [&] { return Move(s, draft_, running_items_[1].id(), "", 0); }, Code::kNotFound,
       running_items_[1].id()},
      {"RemoveAgendaItem",
       [&] {
         v1::RemoveAgendaItemRequest r;
         r.set_meeting_id(draft_.id());
         r.set_item_id(kUnknownId);
         return Call(*s.meetings, &Meetings::RemoveAgendaItem, r).status();
       },
       Code::kNotFound, kUnknownId},
      {"SetCurrentItem",
       [&] {
         v1::SetCurrentItemRequest r;
         r.set_meeting_id(running_.id());
         r.set_item_id(kUnknownId);
         return Call(*cast_.chair.meetings, &Meetings::SetCurrentItem, r).status();
       },
       Code::kNotFound, kUnknownId},
      {"AddParticipant of an unknown user",
       [&] {
         v1::AddParticipantRequest r;
         r.set_meeting_id(draft_.id());
         r.set_user_id(kUnknownId);
         r.set_role(v1::MEETING_ROLE_DELEGATE);
         return Call(*s.meetings, &Meetings::AddParticipant, r).status();
       },
       Code::kNotFound, kUnknownId},
      {"RemoveParticipant of someone not in the meeting",
       [&] {
         v1::RemoveParticipantRequest r;
         r.set_meeting_id(draft_.id());
         r.set_user_id(outsider_.id());
         return Call(*s.meetings, &Meetings::RemoveParticipant, r).status();
       },
       Code::kNotFound, outsider_.id()},
      {"ListParticipants",
       [&] {
         v1::ListParticipantsRequest r;
         r.set_meeting_id(kUnknownId);
         return Call(*s.meetings, &Meetings::ListParticipants, r).status();
       },
       Code::kNotFound, kUnknownId},
      {"WatchMeeting",
       [&] {
         Watcher watcher(s, kUnknownId, 0);
         v1::MeetingEvent event;
         if (watcher.Next(&event)) return absl::InternalError("got an event");
         return watcher.Finish();
       },
       Code::kNotFound, kUnknownId},
      {"GetUser",
       [&] {
         v1::GetUserRequest r;
         r.set_id(kUnknownId);
         return Call(*admin.directory, &Directory::GetUser, r).status();
       },
       Code::kNotFound, kUnknownId},
      {"GetOrganization",
       [&] {
         v1::GetOrganizationRequest r;
         r.set_id(kUnknownId);
         return Call(*admin.directory, &Directory::GetOrganization, r).status();
       },
       Code::kNotFound, kUnknownId},
      {"ListUsers of an unknown organisation",
       [&] {
         v1::ListUsersRequest r;
         r.set_organization_id(kUnknownId);
         return Call(*admin.directory, &Directory::ListUsers, r).status();
       },
       Code::kNotFound, kUnknownId},
      {"CreateUser in an unknown organisation",
       [&] {
         v1::CreateUserRequest r;
         r.mutable_user()->set_organization_id(kUnknownId);
         r.mutable_user()->set_username("lac.loi");
         r.mutable_user()->set_full_name("Người Lạc");
         r.mutable_user()->set_role(v1::USER_ROLE_MEMBER);
         return Call(*admin.directory, &Directory::CreateUser, r).status();
       },
       Code::kNotFound, kUnknownId},
      {"ImportUsers into an unknown organisation",
       [&] { return Import(kUnknownId, absl::StrCat(kCsvHeader, "lac.loi,Người Lạc,,,,\n")); },
       Code::kNotFound, kUnknownId},
      {"SetPassword of an unknown user",
       [&] {
         v1::SetPasswordRequest r;
         r.set_user_id(kUnknownId);
         r.set_new_password(kPassword);
         return Call(*admin.directory, &Directory::SetPassword, r).status();
       },
       Code::kNotFound, kUnknownId},
      // Not unknown but malformed: refused before any lookup.
      {"GetMeeting with an over-long id",
       [&] { return GetMeeting(s, std::string(1000, 'a')).status(); }, Code::kInvalidArgument,
       "id"},
      {"GetMeeting with no id", [&] { return GetMeeting(s, "").status(); }, Code::kInvalidArgument,
       "id"},
  };
  Run(cases);
}

TEST_F(BadInputTest, BadTitlesAndNamesAreInvalidArguments) {
  std::vector<Case> cases = TextCases(BadTitles, /*names_field=*/true);
  cases.push_back({"AddAgendaItem with negative planned minutes",
                   [&] { return Add(cast_.secretary, draft_, "Mục", "", -1, -5); },
                   Code::kInvalidArgument, "planned_minutes"});
  cases.push_back({"CreateMeeting ending before it starts",
                   [&] {
                     v1::CreateMeetingRequest r;
                     r.set_organization_id(cast_.org.id());
                     r.set_title("Họp ngược thời gian");
                     r.mutable_start_time()->set_unix_micros(1767229200000000);
                     r.mutable_end_time()->set_unix_micros(1767225600000000);
                     return Call(*cast_.secretary.meetings, &Meetings::CreateMeeting, r).status();
                   },
                   Code::kInvalidArgument, "end_time"});
  cases.push_back({"CreateUser username with capitals and spaces",
                   [&] {
                     v1::CreateUserRequest r;
                     r.mutable_user()->set_organization_id(cast_.org.id());
                     r.mutable_user()->set_username("Nguyen Van A");
                     r.mutable_user()->set_full_name("Nguyễn Văn A");
                     r.mutable_user()->set_role(v1::USER_ROLE_MEMBER);
                     return Call(*cast_.admin.directory, &Directory::CreateUser, r).status();
                   },
                   Code::kInvalidArgument, "username"});
  Run(cases);
}

// A C++ client sends such strings only with a logged complaint; other
// stacks send them silently. Either way the server must refuse them clearly.
TEST_F(BadInputTest, InvalidUtf8IsAnInvalidArgument) {
  std::vector<Case> cases = TextCases([](size_t) { return InvalidUtf8(); }, /*names_field=*/false);
  cases.push_back({"AddAgendaItem presenter",
                   [&] { return Add(cast_.secretary, draft_, "Mục", "", -1, 0, "Ông \xC3\x28"); },
                   Code::kInvalidArgument, ""});
  cases.push_back({"GetMeeting id",
                   [&] { return GetMeeting(cast_.secretary, "\xFF\xFE").status(); },
                   Code::kInvalidArgument, ""});
  cases.push_back({"ListUsers page_token",
                   [&] {
                     v1::ListUsersRequest r;
                     r.set_organization_id(cast_.org.id());
                     r.set_page_token("\xFF\xFE\xFD");
                     return Call(*cast_.admin.directory, &Directory::ListUsers, r).status();
                   },
                   Code::kInvalidArgument, ""});
  Run(cases);
}

TEST_F(BadInputTest, AgendaMovesOutOfRangeAreRefused) {
  Client& s = cast_.secretary;
  // The draft's agenda: "Khai mạc" with sub-item "Mục con", then "Thảo luận".
  const std::string parent = draft_items_[0].id();
  const std::string child = draft_items_[1].id();
  const std::string last = draft_items_[2].id();
  ASSERT_EQ(draft_items_[1].parent_id(), parent);
  std::vector<Case> cases = {
      {"past the end of the top level", [&] { return Move(s, draft_, last, "", 2); },
       Code::kInvalidArgument, "out of range"},
      {"far past the end", [&] { return Move(s, draft_, last, "", 1000000); },
       Code::kInvalidArgument, "out of range"},
      {"negative index", [&] { return Move(s, draft_, last, "", -1); }, Code::kInvalidArgument,
       "out of range"},
      {"past the end among sub-items", [&] { return Move(s, draft_, child, parent, 1); },
       Code::kInvalidArgument, "out of range"},
      {"under itself", [&] { return Move(s, draft_, parent, parent, 0); }, Code::kInvalidArgument,
       ""},
      {"under its own sub-item", [&] { return Move(s, draft_, parent, child, 0); },
       Code::kInvalidArgument, ""},
      {"an item with sub-items made a sub-item", [&] { return Move(s, draft_, parent, last, 0); },
       Code::kInvalidArgument, "levels"},
      {"a third level", [&] { return Add(s, draft_, "Mục cháu", child); }, Code::kInvalidArgument,
       "levels"},
      {"added past the end", [&] { return Add(s, draft_, "Mục", "", 3); }, Code::kInvalidArgument,
       "out of range"},
      {"added at -2", [&] { return Add(s, draft_, "Mục", "", -2); }, Code::kInvalidArgument,
       "out of range"},
  };
  Run(cases);
}

TEST_F(BadInputTest, LifecycleTransitionsNotAllowedAreFailedPreconditions) {
  using M = Meetings;
  Client& s = cast_.secretary;
  Client& chair = cast_.chair;
  std::vector<Case> cases = {
      {"start a draft", [&] { return Lifecycle(chair, &M::StartMeeting, draft_); },
       Code::kFailedPrecondition, "draft"},
      {"end a draft", [&] { return Lifecycle(chair, &M::EndMeeting, draft_); },
       Code::kFailedPrecondition, ""},
      {"archive a draft", [&] { return Lifecycle(s, &M::ArchiveMeeting, draft_); },
       Code::kFailedPrecondition, ""},
      {"publish twice", [&] { return Lifecycle(s, &M::PublishMeeting, published_); },
       Code::kFailedPrecondition, ""},
      {"end before starting", [&] { return Lifecycle(chair, &M::EndMeeting, published_); },
       Code::kFailedPrecondition, ""},
      {"publish a running meeting", [&] { return Lifecycle(s, &M::PublishMeeting, running_); },
       Code::kFailedPrecondition, ""},
      {"start twice", [&] { return Lifecycle(chair, &M::StartMeeting, running_); },
       Code::kFailedPrecondition, ""},
      {"archive a running meeting", [&] { return Lifecycle(s, &M::ArchiveMeeting, running_); },
       Code::kFailedPrecondition, ""},
      {"start with an empty agenda", [&] { return Lifecycle(chair, &M::StartMeeting, empty_); },
       Code::kFailedPrecondition, "agenda"},
      {"set the current item before the start",
       [&] {
         v1::SetCurrentItemRequest r;
         r.set_meeting_id(published_.id());
         return Call(*chair.meetings, &M::SetCurrentItem, r).status();
       },
       Code::kFailedPrecondition, ""},
      {"edit the meeting while it runs",
       [&] {
         v1::UpdateMeetingRequest r;
         r.set_id(running_.id());
         r.set_title("Tên mới");
         return Call(*s.meetings, &M::UpdateMeeting, r).status();
       },
       Code::kFailedPrecondition, ""},
      {"remove the current item",
       [&] {
         v1::RemoveAgendaItemRequest r;
         r.set_meeting_id(running_.id());
         r.set_item_id(running_items_[0].id());
         return Call(*s.meetings, &M::RemoveAgendaItem, r).status();
       },
       Code::kFailedPrecondition, ""},
      {"invite someone of another organisation as a delegate",
       [&] {
         v1::AddParticipantRequest r;
         r.set_meeting_id(draft_.id());
         r.set_user_id(outsider_.id());
         r.set_role(v1::MEETING_ROLE_DELEGATE);
         return Call(*s.meetings, &M::AddParticipant, r).status();
       },
       Code::kFailedPrecondition, "guest"},
      {"the secretary demotes herself",
       [&] {
         v1::AddParticipantRequest r;
         r.set_meeting_id(draft_.id());
         r.set_user_id(s.user.id());
         r.set_role(v1::MEETING_ROLE_DELEGATE);
         return Call(*s.meetings, &M::AddParticipant, r).status();
       },
       Code::kFailedPrecondition, ""},
      {"the secretary removes herself",
       [&] {
         v1::RemoveParticipantRequest r;
         r.set_meeting_id(draft_.id());
         r.set_user_id(s.user.id());
         return Call(*s.meetings, &M::RemoveParticipant, r).status();
       },
       Code::kFailedPrecondition, ""},
  };
  Run(cases);
}

TEST_F(BadInputTest, DelegatesAndGuestsCannotCallChairRpcs) {
  using M = Meetings;
  std::vector<Case> cases;
  for (Client* c : {&cast_.delegate, &cast_.guest}) {
    const std::string who = c == &cast_.delegate ? "delegate " : "guest ";
    cases.push_back({who + "starts", [&, c] { return Lifecycle(*c, &M::StartMeeting, published_); },
                     Code::kPermissionDenied, ""});
    cases.push_back({who + "ends", [&, c] { return Lifecycle(*c, &M::EndMeeting, running_); },
                     Code::kPermissionDenied, ""});
    cases.push_back({who + "sets the current item",
                     [&, c] {
                       v1::SetCurrentItemRequest r;
                       r.set_meeting_id(running_.id());
                       r.set_item_id(running_items_[1].id());
                       return Call(*c->meetings, &M::SetCurrentItem, r).status();
                     },
                     Code::kPermissionDenied, ""});
    cases.push_back({who + "adds an agenda item",
                     [&, c] { return Add(*c, running_, "Ý kiến riêng"); }, Code::kPermissionDenied,
                     ""});
    cases.push_back({who + "moves an agenda item",
                     [&, c] { return Move(*c, running_, running_items_[1].id(), "", 0); },
                     Code::kPermissionDenied, ""});
    cases.push_back({who + "invites",
                     [&, c] {
                       v1::AddParticipantRequest r;
                       r.set_meeting_id(running_.id());
                       r.set_user_id(outsider_.id());
                       r.set_role(v1::MEETING_ROLE_GUEST);
                       return Call(*c->meetings, &M::AddParticipant, r).status();
                     },
                     Code::kPermissionDenied, ""});
  }
  Run(cases);
}

TEST_F(BadInputTest, MalformedAuthorizationIsUnauthenticated) {
  Client anonymous = server_->Connect();
  std::vector<Case> cases;
  for (const std::string& header :
       {std::string("Basic YWRtaW46cGFzcw=="), std::string("Bearer"), std::string("Bearer "),
        std::string("Bearer ") + std::string(2000, 'A')}) {
    cases.push_back({"authorization: " + header.substr(0, 20),
                     [&, header] {
                       grpc::ClientContext context;
                       context.AddMetadata("authorization", header);
                       v1::Meeting meeting;
                       v1::GetMeetingRequest r;
                       r.set_id(published_.id());
                       return ToAbslStatus(anonymous.meetings->GetMeeting(&context, r, &meeting));
                     },
                     Code::kUnauthenticated, ""});
  }
  Run(cases);
}

TEST_F(BadInputTest, PageSizesAndTokens) {
  // 60 users: more than one default page.
  std::string csv = kCsvHeader;
  for (int i = 0; i < 60; ++i) absl::StrAppend(&csv, "dai.bieu.", i, ",Đại biểu số ", i, ",,,,\n");
  ASSERT_OK(Import(cast_.org.id(), csv));
  const int total = 60 + 4;  // and the cast's secretary, chair, delegate, guest

  auto list = [&](int page_size, const std::string& token) {
    v1::ListUsersRequest r;
    r.set_organization_id(cast_.org.id());
    r.set_page_size(page_size);
    r.set_page_token(token);
    return Call(*cast_.admin.directory, &Directory::ListUsers, r);
  };
  // page_size 0 is the default page of 50; the token leads to the rest.
  ASSERT_OK_AND_ASSIGN(v1::ListUsersResponse first, list(0, ""));
  EXPECT_EQ(first.users_size(), 50);
  ASSERT_FALSE(first.next_page_token().empty());
  ASSERT_OK_AND_ASSIGN(v1::ListUsersResponse second, list(0, first.next_page_token()));
  EXPECT_EQ(second.users_size(), total - 50);
  EXPECT_TRUE(second.next_page_token().empty());
  std::set<std::string> ids;
  for (const auto* page : {&first, &second}) {
    for (const v1::User& u : page->users()) EXPECT_TRUE(ids.insert(u.id()).second) << u.id();
  }
  ASSERT_OK_AND_ASSIGN(v1::ListUsersResponse all, list(500, ""));
  EXPECT_EQ(all.users_size(), total);

  std::vector<Case> cases = {
      {"page_size 501", [&] { return list(501, "").status(); }, Code::kInvalidArgument,
       "page_size"},
      {"page_size 2^31-1", [&] { return list(2147483647, "").status(); }, Code::kInvalidArgument,
       "page_size"},
      {"page_size -1", [&] { return list(-1, "").status(); }, Code::kInvalidArgument, "page_size"},
      {"a page_token never handed out", [&] { return list(0, "garbage").status(); },
       Code::kInvalidArgument, "page_token"},
      {"ListMeetings page_size 100000",
       [&] {
         v1::ListMeetingsRequest r;
         r.set_page_size(100000);
         return Call(*cast_.secretary.meetings, &Meetings::ListMeetings, r).status();
       },
       Code::kInvalidArgument, "page_size"},
      {"ListParticipants with a bad page_token",
       [&] {
         v1::ListParticipantsRequest r;
         r.set_meeting_id(published_.id());
         r.set_page_token("not-a-token");
         return Call(*cast_.secretary.meetings, &Meetings::ListParticipants, r).status();
       },
       Code::kInvalidArgument, "page_token"},
      {"ListOrganizations with a bad page_token",
       [&] {
         v1::ListOrganizationsRequest r;
         r.set_page_token("not-a-token");
         return Call(*cast_.admin.directory, &Directory::ListOrganizations, r).status();
       },
       Code::kInvalidArgument, "page_token"},
  };
  Run(cases);
}

TEST_F(BadInputTest, BadCsvImportsNothingAndNamesTheLine) {
  const std::string ok_row_2 = "nhap.mot,Nguyễn Văn Một,,,,\n";
  const std::string ok_row_3 = "nhap.hai,Trần Thị Hai,,,,\n";
  std::vector<Case> cases = {
      {"header without email",
       [&] { return Import(cast_.org.id(), "username,full_name,title,unit,phone\nx.y,Xy,,,\n"); },
       Code::kInvalidArgument, "line 1"},
      {"a row with a missing field",
       [&] { return Import(cast_.org.id(), absl::StrCat(kCsvHeader, ok_row_2, "nhap.ba,Ba,,\n")); },
       Code::kInvalidArgument, "line 3"},
      {"a username twice in the file",
       [&] {
         return Import(cast_.org.id(),
                       absl::StrCat(kCsvHeader, ok_row_2, ok_row_3, "nhap.mot,Lê Văn Một,,,,\n"));
       },
       Code::kAlreadyExists, "line 4"},
      {"a username that already exists",
       [&] {
         return Import(cast_.org.id(),
                       absl::StrCat(kCsvHeader, ok_row_2, cast_.delegate.user.username(),
                                    ",Trùng Tên,,,,\n", ok_row_3));
       },
       Code::kAlreadyExists, "line 3"},
      {"bad UTF-8",
       [&] {
         return Import(cast_.org.id(), absl::StrCat(kCsvHeader, ok_row_2, ok_row_3,
                                                    "nhap.bon,Ph\xE1\xBA\xA1m \xC3,,,,\n"));
       },
       Code::kInvalidArgument, "line 4"},
      {"Windows-1258 instead of UTF-8",
       [&] {
         return Import(cast_.org.id(),
                       absl::StrCat(kCsvHeader, "nhap.nam,Nguy\xD2n V\xE3n N\xE3m,,,,\n"));
       },
       Code::kInvalidArgument, "line 2"},
      {"an unterminated quote",
       [&] {
         return Import(cast_.org.id(), absl::StrCat(kCsvHeader, ok_row_2, "nhap.ba,\"Ba,,,,\n"));
       },
       Code::kInvalidArgument, "line 3"},
      {"an unknown role",
       [&] {
         return Import(cast_.org.id(),
                       "username,full_name,title,unit,phone,email,role\n"
                       "nhap.mot,Một,,,,,member\nnhap.hai,Hai,,,,,admin\n");
       },
       Code::kInvalidArgument, "line 3"},
      {"a bad username",
       [&] {
         return Import(cast_.org.id(), absl::StrCat(kCsvHeader, ok_row_2, "Nhập Sai,Sai,,,,\n"));
       },
       Code::kInvalidArgument, "line 3"},
      {"an empty file", [&] { return Import(cast_.org.id(), ""); }, Code::kInvalidArgument,
       "line 1"},
  };
  Run(cases);
}

}  // namespace
}  // namespace hopso::integration
