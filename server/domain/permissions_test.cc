#include "server/domain/permissions.h"

#include "gtest/gtest.h"
#include "google/protobuf/descriptor.h"
#include "hopso/v1/annotation.pb.h"
#include "hopso/v1/attendance.pb.h"
#include "hopso/v1/document.pb.h"
#include "hopso/v1/meeting.pb.h"
#include "hopso/v1/speaker.pb.h"
#include "hopso/v1/voting.pb.h"

namespace hopso::server {
namespace {

TEST(MeetingRules, CoverEveryMeetingScopedRpc) {
  // Reached through a message of each file, which also links the file in.
  for (const google::protobuf::FileDescriptor* file :
       {v1::Meeting::descriptor()->file(), v1::Document::descriptor()->file(),
        v1::Annotation::descriptor()->file(), v1::AttendanceRecord::descriptor()->file(),
        v1::Poll::descriptor()->file(), v1::SpeakRequest::descriptor()->file()}) {
    ASSERT_EQ(file->service_count(), 1);
    const google::protobuf::ServiceDescriptor* service = file->service(0);
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string& name = service->method(i)->name();
      if (name == "CreateMeeting" || name == "ListMeetings") continue;  // not in one meeting
      SCOPED_TRACE(name);
      absl::Status s =
          CheckMeetingAction(name, v1::MEETING_ROLE_CHAIR, v1::MEETING_STATE_IN_PROGRESS);
      EXPECT_NE(s.code(), absl::StatusCode::kInternal) << s;
    }
  }
}

TEST(CheckMeetingAction, DistinguishesRoleFromState) {
  EXPECT_TRUE(CheckMeetingAction("StartMeeting", v1::MEETING_ROLE_CHAIR,
                                 v1::MEETING_STATE_PUBLISHED).ok());
  EXPECT_EQ(CheckMeetingAction("StartMeeting", v1::MEETING_ROLE_DELEGATE,
                               v1::MEETING_STATE_PUBLISHED).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckMeetingAction("StartMeeting", v1::MEETING_ROLE_CHAIR, v1::MEETING_STATE_ENDED)
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckMeetingAction("GetMeeting", v1::MEETING_ROLE_UNSPECIFIED,
                               v1::MEETING_STATE_PUBLISHED).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(CheckMeetingAction, DelegatesAndGuestsSeeNothingOfADraft) {
  for (MeetingRole role : {v1::MEETING_ROLE_DELEGATE, v1::MEETING_ROLE_GUEST}) {
    EXPECT_EQ(CheckMeetingAction("GetMeeting", role, v1::MEETING_STATE_DRAFT).code(),
              absl::StatusCode::kPermissionDenied);
    EXPECT_TRUE(CheckMeetingAction("GetMeeting", role, v1::MEETING_STATE_PUBLISHED).ok());
  }
  EXPECT_TRUE(CheckMeetingAction("GetMeeting", v1::MEETING_ROLE_SECRETARY,
                                 v1::MEETING_STATE_DRAFT).ok());
}

TEST(CheckMeetingAction, VotingIsForTheRunningMeetingOnly) {
  EXPECT_TRUE(
      CheckMeetingAction("CastBallot", v1::MEETING_ROLE_DELEGATE, v1::MEETING_STATE_IN_PROGRESS)
          .ok());
  EXPECT_EQ(
      CheckMeetingAction("CastBallot", v1::MEETING_ROLE_DELEGATE, v1::MEETING_STATE_PUBLISHED)
          .code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckMeetingAction("OpenPoll", v1::MEETING_ROLE_SECRETARY,
                               v1::MEETING_STATE_IN_PROGRESS).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckMeetingAction("GetRoomCode", v1::MEETING_ROLE_DELEGATE,
                               v1::MEETING_STATE_IN_PROGRESS).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckMeetingAction("ListBallots", v1::MEETING_ROLE_GUEST, v1::MEETING_STATE_ENDED)
                  .ok());
}

TEST(CheckUserAction, ScopesByOrganisationAndSelf) {
  Caller admin{"a", "", v1::USER_ROLE_ADMIN, "", ""};
  Caller secretary{"s", "org1", v1::USER_ROLE_SECRETARY, "", ""};
  Caller member{"m", "org1", v1::USER_ROLE_MEMBER, "", ""};
  EXPECT_TRUE(CheckUserAction("DirectoryService/CreateOrganization", admin, "").ok());
  EXPECT_FALSE(CheckUserAction("DirectoryService/CreateOrganization", secretary, "").ok());
  EXPECT_TRUE(CheckUserAction("MeetingService/CreateMeeting", secretary, "org1").ok());
  EXPECT_FALSE(CheckUserAction("MeetingService/CreateMeeting", secretary, "org2").ok());
  EXPECT_FALSE(CheckUserAction("MeetingService/CreateMeeting", member, "org1").ok());
  EXPECT_TRUE(CheckUserAction("DirectoryService/GetUser", member, "org1", "m").ok());
  EXPECT_FALSE(CheckUserAction("DirectoryService/GetUser", member, "org1", "x").ok());
  EXPECT_TRUE(CheckUserAction("DirectoryService/GetUser", secretary, "org1", "x").ok());
  EXPECT_FALSE(CheckUserAction("DirectoryService/GetUser", secretary, "org2", "x").ok());
  EXPECT_TRUE(CheckUserAction("DirectoryService/ListUsers", admin, "org9").ok());
}

}  // namespace
}  // namespace hopso::server
