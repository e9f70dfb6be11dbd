// Every RPC × every role × (own meeting, other meeting, no token, expired
// token, forged token) against the real server. The expected outcome of each
// call comes from the permission table in server/domain/permissions.cc
// (through CheckMeetingAction / CheckUserAction), never from a second table
// kept here; the RPC list comes from the service descriptors, so a new RPC
// without a case here fails the test.
#include "server/domain/permissions.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "server/services/auth_handler.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/util/random_id.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

namespace hopso::integration {
namespace {

using Meetings = v1::MeetingService::Stub;
using Directory = v1::DirectoryService::Stub;
using Auth = v1::AuthService::Stub;

constexpr const char* kServices[] = {"hopso.v1.AuthService", "hopso.v1.DirectoryService",
                                     "hopso.v1.MeetingService"};
// RPCs that no rule guards: anyone may call them, with or without a session.
const std::set<std::string> kPublicRpcs = {"AuthService/Login", "AuthService/RedeemPairingCode"};

// "Service/Method", as the user rules name RPCs.
std::string RpcKey(const google::protobuf::MethodDescriptor& method) {
  return absl::StrCat(method.service()->name(), "/", method.name());
}

std::vector<const google::protobuf::MethodDescriptor*> AllRpcs() {
  std::vector<const google::protobuf::MethodDescriptor*> rpcs;
  for (const char* name : kServices) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    EXPECT_NE(service, nullptr) << name;
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) rpcs.push_back(service->method(i));
  }
  return rpcs;
}

bool HasMeetingRule(const google::protobuf::MethodDescriptor& method) {
  if (method.service()->name() != "MeetingService") return false;
  for (const server::MeetingRule& rule : server::MeetingRules()) {
    if (rule.rpc == method.name()) return true;
  }
  return false;
}

bool HasUserRule(const google::protobuf::MethodDescriptor& method) {
  for (const server::UserRule& rule : server::UserRules()) {
    if (rule.rpc == RpcKey(method)) return true;
  }
  return false;
}

// Someone making calls: a logged-in user, or a client with a bad token.
struct Actor {
  std::string name;
  Client client;
  // Who the server should take the caller for (user rules need the role and
  // organisation); unset for bad tokens.
  server::Caller identity;
};

// What a call is aimed at.
struct Target {
  std::string label;
  // Meeting RPCs.
  std::string meeting_id;
  std::string item_id;          // an agenda item that is never the current one
  std::string current_item_id;  // the item SetCurrentItem moves to
  std::string spare_user_id;    // someone to invite to or remove from the meeting
  Client* organiser = nullptr;  // the meeting's secretary, for set-up steps
  // Directory RPCs.
  std::string org_id;
  std::string user_id;
};

// Which targets a user-scoped RPC takes.
enum class Aim { kMeeting, kOrganisation, kUser, kNothing };

class PermissionsTest : public ::testing::Test {
 protected:
  struct Case {
    Aim aim;
    std::function<absl::Status(Actor&, const Target&)> call;
  };

  void SetUp() override { BuildCases(); }

  // The server and the people and meetings the calls are made by and on.
  void StartWorld() {
    ASSERT_OK_AND_ASSIGN(server_, HopsodProcess::Start());
    ASSERT_OK_AND_ASSIGN(own_, MakeCast(*server_, "Sở Nội vụ tỉnh Yên Bái", ""));
    ASSERT_OK_AND_ASSIGN(other_, MakeCast(*server_, "Sở Y tế tỉnh Sơn La", "b."));
    ASSERT_OK_AND_ASSIGN(spare_own_, NewUser(own_.admin, own_.org.id(), "du.bi", "Hà Thị Dự Bị",
                                             v1::USER_ROLE_MEMBER));
    ASSERT_OK_AND_ASSIGN(spare_other_, NewUser(own_.admin, other_.org.id(), "b.du.bi", "Lò Văn Dự",
                                               v1::USER_ROLE_MEMBER));
    ASSERT_OK_AND_ASSIGN(other_meeting_,
                         MakeMeeting(other_, v1::MEETING_STATE_PUBLISHED, "Họp ngành y tế"));
    ASSERT_OK_AND_ASSIGN(store_, server::OpenSqliteStore(server_->db_path()));
    // The other cast's delegate is "a member of another meeting".
    for (auto [name, client] : {std::pair<const char*, Client*>{"admin", &own_.admin},
                                {"secretary", &own_.secretary},
                                {"chair", &own_.chair},
                                {"delegate", &own_.delegate},
                                {"guest", &own_.guest},
                                {"member of another meeting", &other_.delegate}}) {
      Actor actor{name, server_->Connect(client->token), {}};
      actor.client.user = client->user;
      actor.identity = server::Caller{client->user.id(), client->user.organization_id(),
                                      client->user.role(), "", ""};
      actors_.push_back(std::move(actor));
    }
  }

  // A session for `user_id` written straight into the database, as Login
  // would write it; `lifetime` may be negative (already expired).
  absl::StatusOr<std::string> MintSession(absl::string_view user_id, absl::Duration lifetime) {
    const std::string token = server::Base64UrlEncode(server::RandomBytes(32));
    const absl::Time now = absl::Now();
    server::SessionRecord session{server::TokenHash(token), std::string(user_id),
                                  absl::ToUnixMicros(now), absl::ToUnixMicros(now + lifetime)};
    RETURN_IF_ERROR(
        store_->Write([&](server::Transaction& tx) { return tx.InsertSession(session); }));
    return token;
  }

  // Meeting targets: the own organisation's meeting in `state` and the other
  // organisation's published meeting.
  absl::StatusOr<Target> MeetingTarget(Cast& cast, const v1::Meeting& meeting,
                                       const v1::User& spare, absl::string_view label) {
    ASSIGN_OR_RETURN(v1::Agenda agenda, GetAgenda(cast.secretary, meeting.id()));
    if (agenda.items_size() < 2) return absl::InternalError("the meeting needs two agenda items");
    Target t;
    t.label = absl::StrCat(label, " (", v1::MeetingState_Name(meeting.state()), ")");
    t.meeting_id = meeting.id();
    t.current_item_id = agenda.items(0).id();
    t.item_id = agenda.items(1).id();
    t.spare_user_id = spare.id();
    t.organiser = &cast.secretary;
    return t;
  }

  // Each participant's role, as the meeting's participant list says.
  absl::StatusOr<std::map<std::string, v1::MeetingRole>> Roles(const Target& t) {
    v1::ListParticipantsRequest request;
    request.set_meeting_id(t.meeting_id);
    request.set_page_size(500);
    ASSIGN_OR_RETURN(v1::ListParticipantsResponse list,
                     Call(*t.organiser->meetings, &Meetings::ListParticipants, request));
    std::map<std::string, v1::MeetingRole> roles;
    for (const v1::Participant& p : list.participants()) roles[p.user_id()] = p.role();
    return roles;
  }

  std::vector<Target> DirectoryTargets(Aim aim, const Actor& actor) const {
    auto target = [](std::string label, std::string org_id, std::string user_id) {
      Target t;
      t.label = std::move(label);
      t.org_id = std::move(org_id);
      t.user_id = std::move(user_id);
      return t;
    };
    switch (aim) {
      case Aim::kOrganisation:
        return {target("own organisation", own_.org.id(), ""),
                target("other organisation", other_.org.id(), "")};
      case Aim::kUser:
        return {target("self", actor.identity.organization_id, actor.identity.user_id),
                target("user of own organisation", own_.org.id(), spare_own_.id()),
                target("user of other organisation", other_.org.id(), spare_other_.id())};
      default:
        return {target("no target", "", "")};
    }
  }

  void BuildCases();

  std::unique_ptr<HopsodProcess> server_;
  Cast own_;
  Cast other_;
  v1::User spare_own_;
  v1::User spare_other_;
  v1::Meeting other_meeting_;
  std::unique_ptr<server::Store> store_;
  std::vector<Actor> actors_;
  std::map<std::string, Case> cases_;
  int unique_ = 0;
};

absl::Status Lifecycle(Client& client,
                       grpc::Status (Meetings::*method)(grpc::ClientContext*,
                                                        const v1::MeetingLifecycleRequest&,
                                                        v1::Meeting*),
                       const Target& t) {
  v1::MeetingLifecycleRequest request;
  request.set_meeting_id(t.meeting_id);
  return Call(*client.meetings, method, request).status();
}

void PermissionsTest::BuildCases() {
  auto meeting_case = [](auto fn) { return Case{Aim::kMeeting, fn}; };
  cases_["MeetingService/GetMeeting"] = meeting_case(
      [](Actor& a, const Target& t) { return GetMeeting(a.client, t.meeting_id).status(); });
  cases_["MeetingService/UpdateMeeting"] = meeting_case([](Actor& a, const Target& t) {
    v1::UpdateMeetingRequest request;
    request.set_id(t.meeting_id);
    request.set_place("Phòng họp trực tuyến");
    return Call(*a.client.meetings, &Meetings::UpdateMeeting, request).status();
  });
  cases_["MeetingService/PublishMeeting"] = meeting_case(
      [](Actor& a, const Target& t) { return Lifecycle(a.client, &Meetings::PublishMeeting, t); });
  cases_["MeetingService/StartMeeting"] = meeting_case(
      [](Actor& a, const Target& t) { return Lifecycle(a.client, &Meetings::StartMeeting, t); });
  cases_["MeetingService/EndMeeting"] = meeting_case(
      [](Actor& a, const Target& t) { return Lifecycle(a.client, &Meetings::EndMeeting, t); });
  cases_["MeetingService/ArchiveMeeting"] = meeting_case(
      [](Actor& a, const Target& t) { return Lifecycle(a.client, &Meetings::ArchiveMeeting, t); });
  cases_["MeetingService/GetAgenda"] = meeting_case(
      [](Actor& a, const Target& t) { return GetAgenda(a.client, t.meeting_id).status(); });
  cases_["MeetingService/AddAgendaItem"] = meeting_case([](Actor& a, const Target& t) {
    return AddAgendaItem(a.client, t.meeting_id, "Mục bổ sung").status();
  });
  cases_["MeetingService/UpdateAgendaItem"] = meeting_case([](Actor& a, const Target& t) {
    v1::UpdateAgendaItemRequest request;
    request.set_meeting_id(t.meeting_id);
    request.set_item_id(t.item_id);
    request.set_title("Thảo luận và biểu quyết");
    return Call(*a.client.meetings, &Meetings::UpdateAgendaItem, request).status();
  });
  cases_["MeetingService/MoveAgendaItem"] = meeting_case([](Actor& a, const Target& t) {
    v1::MoveAgendaItemRequest request;
    request.set_meeting_id(t.meeting_id);
    request.set_item_id(t.item_id);
    request.set_new_index(0);
    return Call(*a.client.meetings, &Meetings::MoveAgendaItem, request).status();
  });
  cases_["MeetingService/RemoveAgendaItem"] = meeting_case([](Actor& a, const Target& t) {
    // Remove an item made for the purpose where the agenda can still change,
    // so that a removal that is allowed leaves the fixture intact.
    absl::StatusOr<v1::Agenda> scratch = AddAgendaItem(*t.organiser, t.meeting_id, "Mục tạm");
    v1::RemoveAgendaItemRequest request;
    request.set_meeting_id(t.meeting_id);
    request.set_item_id(scratch.ok() ? scratch->items(scratch->items_size() - 1).id() : t.item_id);
    return Call(*a.client.meetings, &Meetings::RemoveAgendaItem, request).status();
  });
  cases_["MeetingService/SetCurrentItem"] = meeting_case([](Actor& a, const Target& t) {
    v1::SetCurrentItemRequest request;
    request.set_meeting_id(t.meeting_id);
    request.set_item_id(t.current_item_id);
    return Call(*a.client.meetings, &Meetings::SetCurrentItem, request).status();
  });
  cases_["MeetingService/AddParticipant"] = meeting_case([](Actor& a, const Target& t) {
    v1::AddParticipantRequest request;
    request.set_meeting_id(t.meeting_id);
    request.set_user_id(t.spare_user_id);
    request.set_role(v1::MEETING_ROLE_GUEST);
    return Call(*a.client.meetings, &Meetings::AddParticipant, request).status();
  });
  cases_["MeetingService/RemoveParticipant"] = meeting_case([](Actor& a, const Target& t) {
    // As above: where allowed, the organiser first invites who is removed.
    v1::AddParticipantRequest add;
    add.set_meeting_id(t.meeting_id);
    add.set_user_id(t.spare_user_id);
    add.set_role(v1::MEETING_ROLE_GUEST);
    Call(*t.organiser->meetings, &Meetings::AddParticipant, add).status().IgnoreError();
    v1::RemoveParticipantRequest request;
    request.set_meeting_id(t.meeting_id);
    request.set_user_id(t.spare_user_id);
    return Call(*a.client.meetings, &Meetings::RemoveParticipant, request).status();
  });
  cases_["MeetingService/ListParticipants"] = meeting_case([](Actor& a, const Target& t) {
    v1::ListParticipantsRequest request;
    request.set_meeting_id(t.meeting_id);
    return Call(*a.client.meetings, &Meetings::ListParticipants, request).status();
  });
  cases_["MeetingService/WatchMeeting"] = meeting_case([](Actor& a, const Target& t) {
    // Every meeting has at least its MeetingCreated event, so a watcher that
    // is let in receives one.
    Watcher watcher(a.client, t.meeting_id, 0);
    v1::MeetingEvent event;
    if (watcher.Next(&event)) return absl::OkStatus();
    return watcher.Finish();
  });

  cases_["MeetingService/CreateMeeting"] = {
      Aim::kOrganisation, [](Actor& a, const Target& t) {
        v1::CreateMeetingRequest request;
        request.set_organization_id(t.org_id);
        request.set_title("Họp đột xuất");
        request.mutable_start_time()->set_unix_micros(1767225600000000);
        request.mutable_end_time()->set_unix_micros(1767229200000000);
        return Call(*a.client.meetings, &Meetings::CreateMeeting, request).status();
      }};
  cases_["MeetingService/ListMeetings"] = {
      Aim::kNothing, [](Actor& a, const Target&) {
        return Call(*a.client.meetings, &Meetings::ListMeetings, v1::ListMeetingsRequest())
            .status();
      }};
  cases_["DirectoryService/CreateOrganization"] = {
      Aim::kNothing, [this](Actor& a, const Target&) {
        v1::CreateOrganizationRequest request;
        request.set_name(absl::StrCat("Phòng Tư pháp số ", ++unique_));
        return Call(*a.client.directory, &Directory::CreateOrganization, request).status();
      }};
  cases_["DirectoryService/GetOrganization"] = {
      Aim::kOrganisation, [](Actor& a, const Target& t) {
        v1::GetOrganizationRequest request;
        request.set_id(t.org_id);
        return Call(*a.client.directory, &Directory::GetOrganization, request).status();
      }};
  cases_["DirectoryService/ListOrganizations"] = {Aim::kNothing, [](Actor& a, const Target&) {
                                                    return Call(*a.client.directory,
                                                                &Directory::ListOrganizations,
                                                                v1::ListOrganizationsRequest())
                                                        .status();
                                                  }};
  cases_["DirectoryService/CreateUser"] = {
      Aim::kOrganisation, [this](Actor& a, const Target& t) {
        v1::CreateUserRequest request;
        request.mutable_user()->set_organization_id(t.org_id);
        request.mutable_user()->set_username(absl::StrCat("moi.", ++unique_));
        request.mutable_user()->set_full_name("Người Mới");
        request.mutable_user()->set_role(v1::USER_ROLE_MEMBER);
        return Call(*a.client.directory, &Directory::CreateUser, request).status();
      }};
  cases_["DirectoryService/GetUser"] = {
      Aim::kUser, [](Actor& a, const Target& t) {
        v1::GetUserRequest request;
        request.set_id(t.user_id);
        return Call(*a.client.directory, &Directory::GetUser, request).status();
      }};
  cases_["DirectoryService/ListUsers"] = {
      Aim::kOrganisation, [](Actor& a, const Target& t) {
        v1::ListUsersRequest request;
        request.set_organization_id(t.org_id);
        return Call(*a.client.directory, &Directory::ListUsers, request).status();
      }};
  cases_["DirectoryService/SetPassword"] = {
      Aim::kUser, [](Actor& a, const Target& t) {
        // The same password again, so that every later login still works.
        v1::SetPasswordRequest request;
        request.set_user_id(t.user_id);
        request.set_new_password(kPassword);
        request.set_old_password(kPassword);
        return Call(*a.client.directory, &Directory::SetPassword, request).status();
      }};
  cases_["DirectoryService/ImportUsers"] = {
      Aim::kOrganisation, [this](Actor& a, const Target& t) {
        v1::ImportUsersRequest request;
        request.set_organization_id(t.org_id);
        request.set_csv(absl::StrCat("username,full_name,title,unit,phone,email\n", "nhap.",
                                     ++unique_, ",Người Được Nhập,,,,\n"));
        return Call(*a.client.directory, &Directory::ImportUsers, request).status();
      }};
  cases_["AuthService/WhoAmI"] = {
      Aim::kNothing, [](Actor& a, const Target&) {
        return Call(*a.client.auth, &Auth::WhoAmI, v1::WhoAmIRequest()).status();
      }};
  cases_["AuthService/Logout"] = {
      Aim::kNothing, [this](Actor& a, const Target&) -> absl::Status {
        // Logging out ends the session the call carries: use one minted for the
        // purpose, so that the actor stays logged in.
        if (a.identity.user_id.empty()) {
          return Call(*a.client.auth, &Auth::Logout, v1::LogoutRequest()).status();
        }
        ASSIGN_OR_RETURN(std::string token, MintSession(a.identity.user_id, absl::Hours(1)));
        Client session = server_->Connect(token);
        RETURN_IF_ERROR(Call(*session.auth, &Auth::Logout, v1::LogoutRequest()).status());
        absl::Status after = Call(*session.auth, &Auth::WhoAmI, v1::WhoAmIRequest()).status();
        if (!absl::IsUnauthenticated(after)) {
          return absl::InternalError(
              absl::StrCat("the session still works after Logout: ", after.ToString()));
        }
        return absl::OkStatus();
      }};
  cases_["AuthService/CreatePairingCode"] = {
      Aim::kUser, [](Actor& a, const Target& t) {
        v1::CreatePairingCodeRequest request;
        request.set_user_id(t.user_id);
        request.set_server_address("hopso.tinh.gov.vn:7443");
        return Call(*a.client.auth, &Auth::CreatePairingCode, request).status();
      }};
  cases_["AuthService/RedeemPairingCode"] = {
      Aim::kNothing, [this](Actor& a, const Target&) -> absl::Status {
        // A fresh code each time: a code pairs once.
        v1::CreatePairingCodeRequest create;
        create.set_user_id(spare_own_.id());
        create.set_server_address("hopso.tinh.gov.vn:7443");
        ASSIGN_OR_RETURN(v1::PairingCode code,
                         Call(*own_.admin.auth, &Auth::CreatePairingCode, create));
        v1::RedeemPairingCodeRequest request;
        request.set_code(code.code());
        return Call(*a.client.auth, &Auth::RedeemPairingCode, request).status();
      }};
  cases_["AuthService/Login"] = {Aim::kNothing, [this](Actor& a, const Target&) {
                                   v1::LoginRequest request;
                                   request.set_username(spare_own_.username());
                                   request.set_password(kPassword);
                                   return Call(*a.client.auth, &Auth::Login, request).status();
                                 }};
}

std::string Describe(const absl::Status& status) {
  return status.ok() ? "OK" : absl::StatusCodeToString(status.code());
}

// Not a server test: the case list and the permission table must both cover
// every RPC of the services.
TEST(PermissionsCoverage, EveryRpcHasARuleOrIsPublic) {
  for (const google::protobuf::MethodDescriptor* rpc : AllRpcs()) {
    SCOPED_TRACE(RpcKey(*rpc));
    const int rules = HasMeetingRule(*rpc) + HasUserRule(*rpc) + kPublicRpcs.contains(RpcKey(*rpc));
    EXPECT_EQ(rules, 1) << "an RPC needs exactly one of: a meeting rule, a user rule, public";
  }
}

TEST_F(PermissionsTest, EveryRpcHasACase) {
  std::set<std::string> rpcs;
  for (const google::protobuf::MethodDescriptor* rpc : AllRpcs()) {
    rpcs.insert(RpcKey(*rpc));
    EXPECT_TRUE(cases_.contains(RpcKey(*rpc))) << "no permission case for " << RpcKey(*rpc);
    if (cases_.contains(RpcKey(*rpc))) {
      EXPECT_EQ(cases_.at(RpcKey(*rpc)).aim == Aim::kMeeting, HasMeetingRule(*rpc)) << RpcKey(*rpc);
    }
  }
  for (const auto& [key, unused] : cases_) EXPECT_TRUE(rpcs.contains(key)) << "stale case " << key;
}

TEST_F(PermissionsTest, MeetingRpcsInEveryStateAsTheTableSays) {
  ASSERT_NO_FATAL_FAILURE(StartWorld());
  ASSERT_OK_AND_ASSIGN(Target other, MeetingTarget(other_, other_meeting_, spare_other_,
                                                   "other organisation's meeting"));
  ASSERT_OK_AND_ASSIGN(auto other_roles, Roles(other));
  for (v1::MeetingState state :
       {v1::MEETING_STATE_DRAFT, v1::MEETING_STATE_PUBLISHED, v1::MEETING_STATE_IN_PROGRESS,
        v1::MEETING_STATE_ENDED, v1::MEETING_STATE_ARCHIVED}) {
    SCOPED_TRACE(v1::MeetingState_Name(state));
    ASSERT_OK_AND_ASSIGN(v1::Meeting meeting, MakeMeeting(own_, state));
    ASSERT_OK_AND_ASSIGN(Target own, MeetingTarget(own_, meeting, spare_own_, "own meeting"));
    ASSERT_OK_AND_ASSIGN(auto own_roles, Roles(own));
    for (const google::protobuf::MethodDescriptor* rpc : AllRpcs()) {
      if (!HasMeetingRule(*rpc)) continue;
      const Case& c = cases_.at(RpcKey(*rpc));
      for (Actor& actor : actors_) {
        for (int which = 0; which < 2; ++which) {
          Target& target = which == 0 ? own : other;
          auto& roles = which == 0 ? own_roles : other_roles;
          const v1::MeetingRole role = roles.contains(actor.identity.user_id)
                                           ? roles.at(actor.identity.user_id)
                                           : v1::MEETING_ROLE_UNSPECIFIED;
          ASSERT_OK_AND_ASSIGN(v1::Meeting before,
                               GetMeeting(*target.organiser, target.meeting_id));
          const absl::Status want = server::CheckMeetingAction(rpc->name(), role, before.state());
          const absl::Status got = c.call(actor, target);
          EXPECT_EQ(got.code(), want.code())
              << RpcKey(*rpc) << " by " << actor.name << " (" << server::MeetingRoleName(role)
              << ") on " << target.label << ": want " << Describe(want) << ", got " << got;
          // An allowed lifecycle call moves the meeting on: replace it with a
          // fresh one in the state under test.
          ASSERT_OK_AND_ASSIGN(v1::Meeting after, GetMeeting(*target.organiser, target.meeting_id));
          if (after.state() != before.state()) {
            ASSERT_EQ(which, 0) << "the other organisation's meeting changed state";
            ASSERT_OK_AND_ASSIGN(meeting, MakeMeeting(own_, state));
            ASSERT_OK_AND_ASSIGN(own, MeetingTarget(own_, meeting, spare_own_, "own meeting"));
            ASSERT_OK_AND_ASSIGN(own_roles, Roles(own));
          }
        }
      }
    }
  }
}

TEST_F(PermissionsTest, DirectoryAndAccountRpcsAsTheTableSays) {
  ASSERT_NO_FATAL_FAILURE(StartWorld());
  for (const google::protobuf::MethodDescriptor* rpc : AllRpcs()) {
    if (!HasUserRule(*rpc)) continue;
    const Case& c = cases_.at(RpcKey(*rpc));
    for (Actor& actor : actors_) {
      for (const Target& target : DirectoryTargets(c.aim, actor)) {
        const absl::Status want =
            server::CheckUserAction(RpcKey(*rpc), actor.identity, target.org_id, target.user_id);
        const absl::Status got = c.call(actor, target);
        EXPECT_EQ(got.code(), want.code())
            << RpcKey(*rpc) << " by " << actor.name << " on " << target.label << ": want "
            << Describe(want) << ", got " << got;
      }
    }
  }
  // Every actor is still logged in: no call above ended a session it should not have.
  for (Actor& actor : actors_) {
    EXPECT_OK(Call(*actor.client.auth, &Auth::WhoAmI, v1::WhoAmIRequest())) << actor.name;
  }
}

TEST_F(PermissionsTest, MissingExpiredAndForgedTokensAreUnauthenticated) {
  ASSERT_NO_FATAL_FAILURE(StartWorld());
  ASSERT_OK_AND_ASSIGN(v1::Meeting meeting, MakeMeeting(own_, v1::MEETING_STATE_IN_PROGRESS));
  ASSERT_OK_AND_ASSIGN(Target own, MeetingTarget(own_, meeting, spare_own_, "own meeting"));
  ASSERT_OK_AND_ASSIGN(std::string expired, MintSession(own_.chair.user.id(), -absl::Seconds(1)));
  // A token that went through Logout is as dead as one never issued.
  ASSERT_OK_AND_ASSIGN(std::string logged_out, MintSession(own_.chair.user.id(), absl::Hours(1)));
  ASSERT_OK(Call(*server_->Connect(logged_out).auth, &Auth::Logout, v1::LogoutRequest()));
  std::vector<Actor> bad;
  bad.push_back({"no token", server_->Connect(), {}});
  bad.push_back({"expired token", server_->Connect(expired), {}});
  bad.push_back(
      {"forged token", server_->Connect(server::Base64UrlEncode(server::RandomBytes(32))), {}});
  bad.push_back({"logged-out token", server_->Connect(logged_out), {}});
  ASSERT_OK_AND_ASSIGN(const v1::Meeting before, GetMeeting(own_.secretary, meeting.id()));

  for (const google::protobuf::MethodDescriptor* rpc : AllRpcs()) {
    const Case& c = cases_.at(RpcKey(*rpc));
    Target target = own;
    target.org_id = own_.org.id();
    target.user_id = own_.chair.user.id();
    const absl::StatusCode want = kPublicRpcs.contains(RpcKey(*rpc))
                                      ? absl::StatusCode::kOk
                                      : absl::StatusCode::kUnauthenticated;
    for (Actor& actor : bad) {
      const absl::Status got = c.call(actor, target);
      EXPECT_EQ(got.code(), want) << RpcKey(*rpc) << " with " << actor.name << ": got " << got;
    }
  }
  // Nothing a refused caller did reached the meeting (the set-up steps of the
  // remove cases are the only writes).
  ASSERT_OK_AND_ASSIGN(v1::Meeting after, GetMeeting(own_.secretary, meeting.id()));
  EXPECT_EQ(after.state(), before.state());
  EXPECT_EQ(after.current_item_id(), before.current_item_id());
  EXPECT_EQ(after.place(), before.place());
}

}  // namespace
}  // namespace hopso::integration
