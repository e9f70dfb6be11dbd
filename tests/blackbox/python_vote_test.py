"""Black-box test of a whole vote through Debian's python3-grpcio.

A meeting of a chair and 20 delegates against the real hopsod: check-ins by
rotating room code and by the secretary's hand, a proxy, then a named and a
secret poll with every voting right used from concurrent threads. Results are
recounted here from the published ballots, and secret receipts are recomputed
from the ballot ids as the contract defines them (the first 10 bytes of
SHA-256("hopso-receipt" || poll id || ballot id), base32 without padding).

The server, the stubs and the TLS set-up are those of python_client_test.py.

Run by CTest as:
  /usr/bin/python3 python_vote_test.py --hopsod BIN --hopsoctl BIN --stubs DIR
"""

import base64
import collections
import concurrent.futures
import hashlib
import os
import secrets
import shutil
import subprocess
import tempfile
import time
import unittest

import python_client_test as base

_DEADLINE_S = base._DEADLINE_S
_ADMIN_PASSWORD = "quản-trị-viên 2025"
_PASSWORD = "mật-khẩu-đại-biểu-2025"
_DELEGATES = 20


def _import_stubs(stub_dir):
  base._import_stubs(stub_dir)
  global grpc, common_pb2, directory_pb2, meeting_pb2, auth_pb2
  global attendance_pb2, attendance_pb2_grpc, voting_pb2, voting_pb2_grpc
  import grpc
  from hopso.v1 import auth_pb2, common_pb2, directory_pb2, meeting_pb2
  from hopso.v1 import attendance_pb2, attendance_pb2_grpc, voting_pb2, voting_pb2_grpc


def _ballot_id():
  """128 random bits as unpadded base64url: 22 characters."""
  return base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode("ascii")


def _receipt(poll_id, ballot_id):
  digest = hashlib.sha256(b"hopso-receipt" + poll_id.encode() + ballot_id.encode()).digest()
  return base64.b32encode(digest[:10]).decode("ascii")


class MeetingFixture(unittest.TestCase):
  """hopsod on a fresh data directory with one organisation, its secretary, a chair and
  `delegate_count` delegates, each logged in; meetings of them in progress. The tests are
  in subclasses (the vote here, signed minutes in python_verify_test.py)."""

  delegate_count = _DELEGATES

  @classmethod
  def setUpClass(cls):
    cls.tmp = tempfile.mkdtemp(prefix="hopso-vote-")
    cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
    data_dir = os.path.join(cls.tmp, "data")
    os.mkdir(data_dir)
    init = subprocess.run(
        [base._args.hopsoctl, "init", "--data_dir", data_dir, "--admin_username", "admin",
         "--admin_password", _ADMIN_PASSWORD],
        capture_output=True, text=True, timeout=_DEADLINE_S)
    if init.returncode != 0:
      raise RuntimeError(f"hopsoctl init exited {init.returncode}:\n{init.stderr}")
    cls.server = base.Hopsod(data_dir)
    cls.addClassCleanup(cls.server.kill)
    cls.channel = cls.server.channel()
    cls.auth = base.auth_pb2_grpc.AuthServiceStub(cls.channel)
    cls.directory = base.directory_pb2_grpc.DirectoryServiceStub(cls.channel)
    cls.meetings = base.meeting_pb2_grpc.MeetingServiceStub(cls.channel)
    cls.attendance = attendance_pb2_grpc.AttendanceServiceStub(cls.channel)
    cls.voting = voting_pb2_grpc.VotingServiceStub(cls.channel)

    cls.admin_md = base._bearer(cls._login("admin", _ADMIN_PASSWORD).token)
    org = cls.directory.CreateOrganization(
        directory_pb2.CreateOrganizationRequest(name="Hội đồng nhân dân tỉnh Quảng Trị"),
        metadata=cls.admin_md, timeout=_DEADLINE_S)

    def create(username, full_name, role):
      user = directory_pb2.User(organization_id=org.id, username=username, full_name=full_name,
                                title="Đại biểu HĐND tỉnh", unit="Hội đồng nhân dân tỉnh",
                                role=role)
      created = cls.directory.CreateUser(
          directory_pb2.CreateUserRequest(user=user, password=_PASSWORD), metadata=cls.admin_md,
          timeout=_DEADLINE_S)
      return created, base._bearer(cls._login(username, _PASSWORD).token)

    cls.secretary, cls.secretary_md = create("thuky.mai", "Lê Thị Mai",
                                             common_pb2.USER_ROLE_SECRETARY)
    cls.chair, cls.chair_md = create("chutoa.son", "Hoàng Văn Sơn", common_pb2.USER_ROLE_MEMBER)
    cls.delegates, cls.delegate_mds = [], []
    for i in range(cls.delegate_count):
      user, md = create(f"daibieu.{i:02d}", f"Nguyễn Văn Đại Biểu {i:02d}",
                        common_pb2.USER_ROLE_MEMBER)
      cls.delegates.append(user)
      cls.delegate_mds.append(md)
    cls.org = org

  @classmethod
  def tearDownClass(cls):
    cls.channel.close()
    code = cls.server.terminate()
    if code != 0:
      raise AssertionError(f"hopsod exited {code} on SIGTERM, expected 0:\n{cls.server.log()}")

  @classmethod
  def _login(cls, username, password):
    return cls.auth.Login(auth_pb2.LoginRequest(username=username, password=password),
                          timeout=_DEADLINE_S)

  def assertCode(self, code, call, request, metadata):
    with self.assertRaises(grpc.RpcError) as raised:
      call(request, metadata=metadata, timeout=_DEADLINE_S)
    self.assertEqual(raised.exception.code(), code, raised.exception.details())
    return raised.exception.details()

  def _meeting_in_progress(self):
    """A meeting with one agenda item, the chair and the delegates, started; returns the
    meeting (at that item) and the item."""
    start = int(time.time() * 1e6) + 24 * 3600 * 10**6
    meeting = self.meetings.CreateMeeting(
        meeting_pb2.CreateMeetingRequest(
            organization_id=self.org.id, title="Kỳ họp thứ 12 Hội đồng nhân dân tỉnh khóa VIII",
            place="Hội trường Trung tâm Hội nghị tỉnh",
            start_time=common_pb2.Timestamp(unix_micros=start),
            end_time=common_pb2.Timestamp(unix_micros=start + 4 * 3600 * 10**6)),
        metadata=self.secretary_md, timeout=_DEADLINE_S)
    agenda = self.meetings.AddAgendaItem(
        meeting_pb2.AddAgendaItemRequest(meeting_id=meeting.id,
                                         title="Nghị quyết về dự toán ngân sách năm 2027",
                                         presenter="Giám đốc Sở Tài chính", planned_minutes=60,
                                         index=-1),
        metadata=self.secretary_md, timeout=_DEADLINE_S)
    for user, role in ([(self.chair, common_pb2.MEETING_ROLE_CHAIR)] +
                       [(d, common_pb2.MEETING_ROLE_DELEGATE) for d in self.delegates]):
      self.meetings.AddParticipant(
          meeting_pb2.AddParticipantRequest(meeting_id=meeting.id, user_id=user.id, role=role),
          metadata=self.secretary_md, timeout=_DEADLINE_S)
    self.meetings.PublishMeeting(meeting_pb2.MeetingLifecycleRequest(meeting_id=meeting.id),
                                 metadata=self.secretary_md, timeout=_DEADLINE_S)
    started = self.meetings.StartMeeting(
        meeting_pb2.MeetingLifecycleRequest(meeting_id=meeting.id), metadata=self.chair_md,
        timeout=_DEADLINE_S)
    self.assertEqual(started.state, common_pb2.MEETING_STATE_IN_PROGRESS)
    current = self.meetings.SetCurrentItem(
        meeting_pb2.SetCurrentItemRequest(meeting_id=meeting.id, item_id=agenda.items[0].id),
        metadata=self.chair_md, timeout=_DEADLINE_S)
    return current, agenda.items[0]


class VoteTest(MeetingFixture):

  def _roll_call(self, mid):
    """Chair and delegates 0-16 by room code (from threads), 17 present and late by hand,
    18 online by hand, 19 absent with a reason and a proxy to delegate 0."""
    code = self.attendance.GetRoomCode(attendance_pb2.GetRoomCodeRequest(meeting_id=mid),
                                       metadata=self.secretary_md, timeout=_DEADLINE_S)
    self.assertEqual(len(code.code), 8)
    self.assertEqual(code.payload, f"HOPSO-ROOM:{mid}:{code.code}")
    # Delegates may not see the code (they must be in the room to read it).
    self.assertCode(grpc.StatusCode.PERMISSION_DENIED, self.attendance.GetRoomCode,
                    attendance_pb2.GetRoomCodeRequest(meeting_id=mid), self.delegate_mds[0])
    wrong = "23456789" if code.code != "23456789" else "98765432"
    self.assertCode(grpc.StatusCode.PERMISSION_DENIED, self.attendance.CheckIn,
                    attendance_pb2.CheckInRequest(meeting_id=mid, room_code=wrong),
                    self.delegate_mds[0])

    by_code = [self.chair_md] + self.delegate_mds[:17]

    def check_in(i_md):
      i, md = i_md
      # The scanned payload for most, the typed code (lower case) for every third.
      room_code = code.code.lower() if i % 3 == 2 else code.payload
      return self.attendance.CheckIn(
          attendance_pb2.CheckInRequest(meeting_id=mid, room_code=room_code), metadata=md,
          timeout=_DEADLINE_S)

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(by_code)) as pool:
      records = list(pool.map(check_in, enumerate(by_code)))
    for record in records:
      self.assertEqual(record.status, attendance_pb2.ATTENDANCE_STATUS_PRESENT)
      self.assertEqual(record.method, attendance_pb2.CHECK_IN_METHOD_ROOM_CODE)
      self.assertGreater(record.arrive_time.unix_micros, 0)

    d = self.delegates
    # Only the secretary marks by hand.
    self.assertCode(grpc.StatusCode.PERMISSION_DENIED, self.attendance.MarkAttendance,
                    attendance_pb2.MarkAttendanceRequest(
                        meeting_id=mid, user_id=d[17].id,
                        status=attendance_pb2.ATTENDANCE_STATUS_PRESENT),
                    self.delegate_mds[0])
    marks = [(d[17], attendance_pb2.ATTENDANCE_STATUS_PRESENT, "", True),
             (d[18], attendance_pb2.ATTENDANCE_STATUS_ONLINE, "Dự họp tại điểm cầu Hướng Hóa",
              False),
             (d[19], attendance_pb2.ATTENDANCE_STATUS_ABSENT, "Ốm, có đơn xin vắng mặt", False)]
    for user, status, reason, late in marks:
      record = self.attendance.MarkAttendance(
          attendance_pb2.MarkAttendanceRequest(meeting_id=mid, user_id=user.id, status=status,
                                               reason=reason, late=late),
          metadata=self.secretary_md, timeout=_DEADLINE_S)
      self.assertEqual((record.status, record.reason, record.late), (status, reason, late))
      self.assertEqual(record.method, attendance_pb2.CHECK_IN_METHOD_MANUAL)

    # No chains: the holder may not be absent.
    self.assertCode(grpc.StatusCode.FAILED_PRECONDITION, self.attendance.GiveProxy,
                    attendance_pb2.GiveProxyRequest(meeting_id=mid, giver_user_id=d[0].id,
                                                    holder_user_id=d[19].id),
                    self.secretary_md)
    proxy = self.attendance.GiveProxy(
        attendance_pb2.GiveProxyRequest(meeting_id=mid, giver_user_id=d[19].id,
                                        holder_user_id=d[0].id),
        metadata=self.secretary_md, timeout=_DEADLINE_S)
    self.assertEqual(proxy.giver_name, d[19].full_name)
    self.assertEqual(proxy.holder_name, d[0].full_name)

    attendance = self.attendance.GetAttendance(
        attendance_pb2.GetAttendanceRequest(meeting_id=mid), metadata=self.delegate_mds[5],
        timeout=_DEADLINE_S)
    by_user = {r.user_id: r for r in attendance.records}
    self.assertEqual(by_user[d[19].id].reason, "Ốm, có đơn xin vắng mặt")
    self.assertEqual(by_user[d[19].id].full_name, d[19].full_name)
    self.assertEqual(by_user[d[18].id].status, attendance_pb2.ATTENDANCE_STATUS_ONLINE)
    self.assertEqual(by_user[self.chair.id].role, common_pb2.MEETING_ROLE_CHAIR)
    self.assertEqual([(p.giver_user_id, p.holder_user_id) for p in attendance.proxies],
                     [(d[19].id, d[0].id)])
    q = attendance.quorum
    # 21 members (chair + 20 delegates); 20 present or online; one represented.
    self.assertEqual((q.members, q.present, q.represented), (21, 20, 1))
    self.assertEqual(q.required, 11)  # more than 1/2 of 21
    self.assertTrue(q.reached)

  def _cast_all(self, mid, poll, choices):
    """Every voting right used at once, one thread each: the 20 present members for
    themselves and delegate 0 also for delegate 19. `choices` maps the principal's index
    (-1: the chair) to an option id. Returns {principal id: (ballot id, response)}."""
    rights = ([(-1, self.chair_md, "")] + [(i, self.delegate_mds[i], "") for i in range(19)] +
              [(19, self.delegate_mds[0], self.delegates[19].id)])

    def cast(right):
      index, md, on_behalf_of = right
      ballot_id = _ballot_id()
      response = self.voting.CastBallot(
          voting_pb2.CastBallotRequest(meeting_id=mid, poll_id=poll.id, ballot_id=ballot_id,
                                       on_behalf_of=on_behalf_of,
                                       option_ids=[choices[index]]),
          metadata=md, timeout=_DEADLINE_S)
      principal = self.chair.id if index < 0 else self.delegates[index].id
      return principal, (ballot_id, response)

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(rights)) as pool:
      return dict(pool.map(cast, rights))

  def test_whole_vote(self):
    meeting, item = self._meeting_in_progress()
    mid = meeting.id
    self._roll_call(mid)
    d = self.delegates

    # A named yes/no poll with the default rule: more than 1/2 of the votes cast.
    poll = self.voting.CreatePoll(
        voting_pb2.CreatePollRequest(meeting_id=mid, agenda_item_id=item.id,
                                     title="Thông qua Nghị quyết về dự toán ngân sách năm 2027",
                                     kind=voting_pb2.POLL_KIND_YES_NO_ABSTAIN,
                                     secrecy=voting_pb2.POLL_SECRECY_NAMED),
        metadata=self.chair_md, timeout=_DEADLINE_S)
    self.assertEqual(poll.state, voting_pb2.POLL_STATE_DRAFT)
    self.assertEqual([(o.id, o.label) for o in poll.options],
                     [("yes", "Đồng ý"), ("no", "Không đồng ý"), ("abstain", "Không biểu quyết")])
    self.assertCode(grpc.StatusCode.FAILED_PRECONDITION, self.voting.CastBallot,
                    voting_pb2.CastBallotRequest(meeting_id=mid, poll_id=poll.id,
                                                 ballot_id=_ballot_id(), option_ids=["yes"]),
                    self.delegate_mds[1])
    self.assertCode(grpc.StatusCode.PERMISSION_DENIED, self.voting.OpenPoll,
                    voting_pb2.PollRequest(meeting_id=mid, poll_id=poll.id), self.delegate_mds[1])
    opened = self.voting.OpenPoll(voting_pb2.PollRequest(meeting_id=mid, poll_id=poll.id),
                                  metadata=self.chair_md, timeout=_DEADLINE_S)
    self.assertEqual(opened.state, voting_pb2.POLL_STATE_OPEN)
    self.assertEqual(opened.eligible, 21)
    self.assertCode(grpc.StatusCode.FAILED_PRECONDITION, self.voting.ListBallots,
                    voting_pb2.PollRequest(meeting_id=mid, poll_id=poll.id), self.delegate_mds[1])
    rights = self.voting.GetMyVotingRights(voting_pb2.PollRequest(meeting_id=mid, poll_id=poll.id),
                                           metadata=self.delegate_mds[0], timeout=_DEADLINE_S)
    self.assertEqual(sorted(r.principal_user_id for r in rights.rights), sorted([d[0].id, d[19].id]))
    # The absent delegate gave their vote away; a bad ballot id is refused.
    self.assertCode(grpc.StatusCode.PERMISSION_DENIED, self.voting.CastBallot,
                    voting_pb2.CastBallotRequest(meeting_id=mid, poll_id=poll.id,
                                                 ballot_id=_ballot_id(), option_ids=["yes"]),
                    self.delegate_mds[19])
    self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.voting.CastBallot,
                    voting_pb2.CastBallotRequest(meeting_id=mid, poll_id=poll.id,
                                                 ballot_id="short", option_ids=["yes"]),
                    self.delegate_mds[1])
    self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.voting.CastBallot,
                    voting_pb2.CastBallotRequest(meeting_id=mid, poll_id=poll.id,
                                                 ballot_id=_ballot_id(), option_ids=["yes", "no"]),
                    self.delegate_mds[1])

    options = ["yes", "yes", "no", "yes", "abstain", "yes", "no"]
    choices = {i: options[(i + 1) % len(options)] for i in range(-1, 20)}
    cast = self._cast_all(mid, poll, choices)
    self.assertEqual(len(cast), 21)
    # The same ballot again is the same ballot; another one is refused.
    ballot_id, first = cast[d[1].id]
    again = self.voting.CastBallot(
        voting_pb2.CastBallotRequest(meeting_id=mid, poll_id=poll.id, ballot_id=ballot_id,
                                     option_ids=[choices[1]]),
        metadata=self.delegate_mds[1], timeout=_DEADLINE_S)
    self.assertEqual(again, first)
    self.assertCode(grpc.StatusCode.ALREADY_EXISTS, self.voting.CastBallot,
                    voting_pb2.CastBallotRequest(meeting_id=mid, poll_id=poll.id,
                                                 ballot_id=_ballot_id(), option_ids=["no"]),
                    self.delegate_mds[1])

    closed = self.voting.ClosePoll(voting_pb2.PollRequest(meeting_id=mid, poll_id=poll.id),
                                   metadata=self.chair_md, timeout=_DEADLINE_S)
    self.assertEqual(closed.state, voting_pb2.POLL_STATE_CLOSED)
    want = collections.Counter(choices.values())
    result = closed.result
    self.assertEqual([(c.option_id, c.votes) for c in result.counts],
                     [("yes", want["yes"]), ("no", want["no"]), ("abstain", want["abstain"])])
    self.assertEqual((result.ballots, result.abstentions, result.eligible, result.members),
                     (21, want["abstain"], 21, 21))
    # More than 1/2 of the 21 votes cast: 11.
    self.assertEqual((result.base, result.required), (21, 11))
    self.assertEqual(result.outcome, voting_pb2.POLL_OUTCOME_PASSED
                     if want["yes"] >= 11 else voting_pb2.POLL_OUTCOME_FAILED)
    self.assertEqual(sorted(t.language for t in result.explanation), ["en", "vi"])
    self.assertCode(grpc.StatusCode.FAILED_PRECONDITION, self.voting.CastBallot,
                    voting_pb2.CastBallotRequest(meeting_id=mid, poll_id=poll.id,
                                                 ballot_id=_ballot_id(), option_ids=["yes"]),
                    self.delegate_mds[2])

    ballots = self.voting.ListBallots(voting_pb2.PollRequest(meeting_id=mid, poll_id=poll.id),
                                      metadata=self.delegate_mds[7], timeout=_DEADLINE_S)
    self.assertEqual(len(ballots.ballots), 21)
    self.assertEqual(len(ballots.voter_names), 21)
    published = {}
    for b in ballots.ballots:
      self.assertEqual(b.receipt, "")
      principal = b.on_behalf_of_user_id or b.voter_user_id
      self.assertNotIn(principal, published)
      published[principal] = (b.voter_user_id, list(b.option_ids))
    users = [(-1, self.chair)] + list(enumerate(d))
    self.assertEqual(published, {u.id: (d[0].id if i == 19 else u.id, [choices[i]])
                                 for i, u in users})

    # A secret yes/no poll needing at least 2/3 of all members.
    secret = self.voting.CreatePoll(
        voting_pb2.CreatePollRequest(
            meeting_id=mid, agenda_item_id=item.id,
            title="Bỏ phiếu kín thông qua phương án sắp xếp đơn vị hành chính",
            kind=voting_pb2.POLL_KIND_YES_NO_ABSTAIN, secrecy=voting_pb2.POLL_SECRECY_SECRET,
            rule=voting_pb2.MajorityRule(
                fraction=attendance_pb2.Fraction(numerator=2, denominator=3, strict=False),
                base=voting_pb2.MAJORITY_BASE_ALL_MEMBERS, tie=voting_pb2.TIE_RULE_FAILS)),
        metadata=self.secretary_md, timeout=_DEADLINE_S)
    self.voting.OpenPoll(voting_pb2.PollRequest(meeting_id=mid, poll_id=secret.id),
                         metadata=self.chair_md, timeout=_DEADLINE_S)
    options = ["yes", "yes", "no", "yes", "abstain", "yes"]
    choices = {i: options[(i + 1) % len(options)] for i in range(-1, 20)}
    cast = self._cast_all(mid, secret, choices)
    receipts = set()
    for ballot_id, response in cast.values():
      self.assertEqual(response.receipt, _receipt(secret.id, ballot_id))
      receipts.add(response.receipt)
    self.assertEqual(len(receipts), 21)
    while_open = self.voting.GetPoll(voting_pb2.PollRequest(meeting_id=mid, poll_id=secret.id),
                                     metadata=self.delegate_mds[3], timeout=_DEADLINE_S)
    self.assertEqual(while_open.voted, 21)
    self.assertEqual(len(while_open.counts), 0)  # nothing is counted in public before the close

    closed = self.voting.ClosePoll(voting_pb2.PollRequest(meeting_id=mid, poll_id=secret.id),
                                   metadata=self.chair_md, timeout=_DEADLINE_S)
    want = collections.Counter(choices.values())
    result = closed.result
    self.assertEqual([(c.option_id, c.votes) for c in result.counts],
                     [("yes", want["yes"]), ("no", want["no"]), ("abstain", want["abstain"])])
    self.assertEqual((result.base, result.required), (21, 14))  # at least 2/3 of 21 members
    self.assertEqual(result.outcome, voting_pb2.POLL_OUTCOME_PASSED
                     if want["yes"] >= 14 else voting_pb2.POLL_OUTCOME_FAILED)

    ballots = self.voting.ListBallots(voting_pb2.PollRequest(meeting_id=mid, poll_id=secret.id),
                                      metadata=self.delegate_mds[11], timeout=_DEADLINE_S)
    self.assertEqual(len(ballots.ballots), 21)
    self.assertEqual(sorted(ballots.voter_names),
                     sorted([self.chair.full_name] + [u.full_name for u in d]))
    for b in ballots.ballots:
      self.assertEqual((b.voter_user_id, b.voter_name, b.on_behalf_of_user_id), ("", "", ""))
    # Every voter finds their receipt, and the published list recounts to the result.
    self.assertEqual({b.receipt for b in ballots.ballots}, receipts)
    self.assertEqual([b.receipt for b in ballots.ballots], sorted(receipts))
    recount = collections.Counter(o for b in ballots.ballots for o in b.option_ids)
    self.assertEqual({c.option_id: c.votes for c in result.counts},
                     {o: recount[o] for o in ("yes", "no", "abstain")})

    self._check_log(mid, poll.id, secret.id)

  def _check_log(self, mid, named_id, secret_id):
    """The meeting's log as a delegate replays it: every check-in once; named ballots
    with their voters, each once (the retried ballot is not logged again); secret
    ballots batched with no choice, no counts and no actor."""
    last = self.meetings.GetMeeting(meeting_pb2.GetMeetingRequest(id=mid),
                                    metadata=self.secretary_md, timeout=_DEADLINE_S).last_event_seq
    stream = self.meetings.WatchMeeting(meeting_pb2.WatchMeetingRequest(meeting_id=mid),
                                        metadata=self.delegate_mds[4], timeout=_DEADLINE_S * 4)
    events = [next(stream) for _ in range(last)]
    stream.cancel()
    self.assertEqual([e.seq for e in events], list(range(1, last + 1)))
    kinds = collections.Counter(e.body.WhichOneof("kind") for e in events)
    self.assertEqual(kinds["attendance_changed"], 21)  # 18 by code, 3 by hand
    self.assertEqual(kinds["proxy_changed"], 1)
    named, secret = [], []
    for e in events:
      if e.body.WhichOneof("kind") == "ballots_cast":
        (secret if e.body.ballots_cast.poll_id == secret_id else named).append(e)
    voters = collections.Counter(b.voter_user_id for e in named for b in e.body.ballots_cast.ballots)
    self.assertEqual(voters, collections.Counter(
        [self.chair.id] + [d.id for d in self.delegates[:19]] + [self.delegates[0].id]))
    self.assertEqual(named[-1].body.ballots_cast.voted, 21)
    for e in secret:
      cast = e.body.ballots_cast
      self.assertEqual((e.actor_user_id, len(cast.ballots), len(cast.counts)), ("", 0, 0))
      self.assertEqual(list(cast.voter_user_ids), sorted(cast.voter_user_ids))
    self.assertEqual(sum(len(e.body.ballots_cast.voter_user_ids) for e in secret), 21)
    self.assertEqual(secret[-1].body.ballots_cast.voted, 21)
    closed = [e.body.poll_changed.poll for e in events
              if e.body.WhichOneof("kind") == "poll_changed" and
              e.body.poll_changed.change == voting_pb2.PollChanged.CHANGE_CLOSED]
    self.assertEqual([p.id for p in closed], [named_id, secret_id])
    self.assertEqual(closed[1].result.ballots, 21)


if __name__ == "__main__":
  base.main(_import_stubs)
