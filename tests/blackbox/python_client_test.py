"""Black-box test of hopsod through Debian's python3-grpcio.

Nothing here shares code with the server: the stubs come from Debian's
grpc_python_plugin, the transport is Python's gRPC, and the event hash chain is
recomputed from the bytes on the wire, following server/store/event_chain.h.

Run by CTest as:
  /usr/bin/python3 python_client_test.py --hopsod BIN --hopsoctl BIN --stubs DIR
"""

import argparse
import hashlib
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest

_args = None  # set in __main__ before unittest runs

# Any single call, or any single event read from a stream, that takes longer
# than this is a failure, not a slow machine.
_DEADLINE_S = 30

_ADMIN_PASSWORD = "quản-trị-viên 2025"
_SECRETARY_PASSWORD = "thư-ký-mật-khẩu"
_DELEGATE_PASSWORD = "đại-biểu-mật-khẩu"


def _import_stubs(stub_dir):
  sys.path.insert(0, stub_dir)
  global grpc, auth_pb2, auth_pb2_grpc, common_pb2, directory_pb2
  global directory_pb2_grpc, meeting_pb2, meeting_pb2_grpc
  global annotation_pb2, annotation_pb2_grpc, document_pb2, document_pb2_grpc
  import grpc
  from hopso.v1 import auth_pb2, auth_pb2_grpc, common_pb2, directory_pb2
  from hopso.v1 import directory_pb2_grpc, meeting_pb2, meeting_pb2_grpc
  from hopso.v1 import annotation_pb2, annotation_pb2_grpc, document_pb2, document_pb2_grpc


def _varint(data, pos):
  value, shift = 0, 0
  while True:
    byte = data[pos]
    pos += 1
    value |= (byte & 0x7F) << shift
    if byte < 0x80:
      return value, pos
    shift += 7


def _raw_field(message, field_number):
  """Bytes of a length-delimited field exactly as they came off the wire.

  The chain hashes the stored body bytes, so the check must not depend on
  Python re-serializing the parsed message.
  """
  pos, found = 0, b""
  while pos < len(message):
    key, pos = _varint(message, pos)
    number, wire_type = key >> 3, key & 7
    if wire_type == 0:
      _, pos = _varint(message, pos)
    elif wire_type == 1:
      pos += 8
    elif wire_type == 5:
      pos += 4
    elif wire_type == 2:
      length, pos = _varint(message, pos)
      if number == field_number:
        found = message[pos:pos + length]
      pos += length
    else:
      raise ValueError(f"unexpected wire type {wire_type}")
  return found


def _u64(value):
  return struct.pack(">Q", value & 0xFFFFFFFFFFFFFFFF)


def _with_length(data):
  return _u64(len(data)) + data


def _chain_hash(previous_hash, event, body_bytes):
  canonical = (b"hopso.event.v1" + _u64(event.seq) + _u64(event.time.unix_micros) +
               _with_length(event.meeting_id.encode("utf-8")) +
               _with_length(event.actor_user_id.encode("utf-8")) + _with_length(body_bytes))
  return hashlib.sha256(previous_hash + canonical).digest()


def _blank_pdf(pages):
  """A PDF of `pages` blank A4 pages, written by hand with its xref table."""
  kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
  objects = ["<< /Type /Catalog /Pages 2 0 R >>",
             f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>"]
  objects += ["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>"] * pages
  out = b"%PDF-1.4\n"
  offsets = []
  for number, body in enumerate(objects, start=1):
    offsets.append(len(out))
    out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
  xref = len(out)
  out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
  out += b"".join(f"{offset:010d} 00000 n \n".encode("ascii") for offset in offsets)
  out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
          .encode("ascii"))
  return out


def _bearer(token):
  return (("authorization", "Bearer " + token),)


class Hopsod:
  """The real hopsod binary on a fresh data directory, over TLS."""

  def __init__(self, data_dir):
    self.data_dir = data_dir
    self.stderr_path = os.path.join(data_dir, "hopsod.stderr")
    self.stderr = open(self.stderr_path, "wb")
    self.process = subprocess.Popen(
        [_args.hopsod, "--data_dir", data_dir, "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=self.stderr, text=True, encoding="utf-8")
    prefix = "hopsod listening on "
    while True:
      line = self.process.stdout.readline()
      if not line:
        self.process.wait()
        raise RuntimeError(f"hopsod exited with {self.process.returncode} before listening:\n"
                           f"{self.log()}")
      line = line.rstrip("\n")
      if line.startswith(prefix):
        break
    address, transport = line[len(prefix):].rsplit(" ", 1)
    if transport != "(tls)":
      raise RuntimeError(f"hopsod is not on TLS: {line!r}")
    self.address = address

  def log(self):
    with open(self.stderr_path, "rb") as f:
      return f.read().decode("utf-8", "replace")

  def channel(self):
    with open(os.path.join(self.data_dir, "tls", "server.crt"), "rb") as f:
      credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
    return grpc.secure_channel(self.address, credentials,
                               options=(("grpc.ssl_target_name_override", "localhost"),))

  def terminate(self):
    """SIGTERM; returns the exit code."""
    self.process.send_signal(signal.SIGTERM)
    try:
      return self.process.wait(timeout=_DEADLINE_S)
    finally:
      self.kill()

  def kill(self):
    """Makes sure the process is gone, whatever happened before."""
    if self.process.poll() is None:
      self.process.kill()
      self.process.wait()
    self.process.stdout.close()
    self.stderr.close()


class BlackBoxTest(unittest.TestCase):

  @classmethod
  def setUpClass(cls):
    cls.tmp = tempfile.mkdtemp(prefix="hopso-blackbox-")
    cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
    data_dir = os.path.join(cls.tmp, "data")
    os.mkdir(data_dir)
    init = subprocess.run(
        [_args.hopsoctl, "init", "--data_dir", data_dir, "--admin_username", "admin",
         "--admin_password", _ADMIN_PASSWORD],
        capture_output=True, text=True, timeout=_DEADLINE_S)
    if init.returncode != 0:
      raise RuntimeError(f"hopsoctl init exited {init.returncode}:\n{init.stderr}")
    cls.server = Hopsod(data_dir)
    cls.addClassCleanup(cls.server.kill)
    cls.channel = cls.server.channel()
    cls.auth = auth_pb2_grpc.AuthServiceStub(cls.channel)
    cls.directory = directory_pb2_grpc.DirectoryServiceStub(cls.channel)
    cls.meetings = meeting_pb2_grpc.MeetingServiceStub(cls.channel)
    cls.documents = document_pb2_grpc.DocumentServiceStub(cls.channel)
    cls.annotations = annotation_pb2_grpc.AnnotationServiceStub(cls.channel)
    # The stream is read undecoded so the hash can be checked on the wire bytes.
    cls.watch_raw = cls.channel.unary_stream(
        "/hopso.v1.MeetingService/WatchMeeting",
        request_serializer=meeting_pb2.WatchMeetingRequest.SerializeToString,
        response_deserializer=None)
    cls._set_up_directory()

  @classmethod
  def tearDownClass(cls):
    cls.channel.close()
    code = cls.server.terminate()
    log = cls.server.log()
    if code != 0:
      raise AssertionError(f"hopsod exited {code} on SIGTERM, expected 0:\n{log}")

  @classmethod
  def _login(cls, username, password):
    return cls.auth.Login(auth_pb2.LoginRequest(username=username, password=password),
                          timeout=_DEADLINE_S)

  @classmethod
  def _set_up_directory(cls):
    admin = cls._login("admin", _ADMIN_PASSWORD)
    cls.admin_md = _bearer(admin.token)
    cls.org = cls.directory.CreateOrganization(
        directory_pb2.CreateOrganizationRequest(name="Ủy ban nhân dân tỉnh Thừa Thiên Huế"),
        metadata=cls.admin_md, timeout=_DEADLINE_S)
    cls.secretary_in = directory_pb2.User(
        organization_id=cls.org.id, username="thuky.ha", full_name="Nguyễn Thị Thu Hà",
        title="Chánh Văn phòng", unit="Văn phòng Ủy ban nhân dân tỉnh", phone="0234 3822 123",
        email="ha.ntt@thuathienhue.gov.vn", role=common_pb2.USER_ROLE_SECRETARY)
    cls.delegate_in = directory_pb2.User(
        organization_id=cls.org.id, username="daibieu.duc", full_name="Trần Văn Đức",
        title="Phó Giám đốc", unit="Sở Tài chính", phone="0914 555 789",
        email="duc.tv@thuathienhue.gov.vn", role=common_pb2.USER_ROLE_MEMBER)
    cls.secretary = cls.directory.CreateUser(
        directory_pb2.CreateUserRequest(user=cls.secretary_in, password=_SECRETARY_PASSWORD),
        metadata=cls.admin_md, timeout=_DEADLINE_S)
    cls.delegate = cls.directory.CreateUser(
        directory_pb2.CreateUserRequest(user=cls.delegate_in, password=_DELEGATE_PASSWORD),
        metadata=cls.admin_md, timeout=_DEADLINE_S)
    cls.secretary_login = cls._login("thuky.ha", _SECRETARY_PASSWORD)
    cls.secretary_md = _bearer(cls.secretary_login.token)
    cls.delegate_login = cls._login("daibieu.duc", _DELEGATE_PASSWORD)
    cls.delegate_md = _bearer(cls.delegate_login.token)

  def assertCode(self, code, call, *args, **kwargs):
    with self.assertRaises(grpc.RpcError) as raised:
      call(*args, timeout=_DEADLINE_S, **kwargs)
    self.assertEqual(raised.exception.code(), code, raised.exception.details())

  def assertSameUser(self, got, want):
    for field in ("organization_id", "username", "full_name", "title", "unit", "phone", "email",
                  "role"):
      # Compare the UTF-8 bytes: no normalisation or re-encoding on the way.
      got_value, want_value = getattr(got, field), getattr(want, field)
      if isinstance(want_value, str):
        got_value, want_value = got_value.encode("utf-8"), want_value.encode("utf-8")
      self.assertEqual(got_value, want_value, field)

  def _last_seq(self, meeting_id):
    return self.meetings.GetMeeting(meeting_pb2.GetMeetingRequest(id=meeting_id),
                                    metadata=self.secretary_md,
                                    timeout=_DEADLINE_S).last_event_seq

  def _add_item(self, meeting_id, title, presenter, minutes, parent_id="", index=-1):
    return self.meetings.AddAgendaItem(
        meeting_pb2.AddAgendaItemRequest(meeting_id=meeting_id, parent_id=parent_id, title=title,
                                         presenter=presenter, planned_minutes=minutes,
                                         index=index),
        metadata=self.secretary_md, timeout=_DEADLINE_S)

  def _new_meeting(self, title="Kỳ họp thường lệ tháng 6 của Ủy ban nhân dân tỉnh"):
    start = int(time.time() * 1e6) + 24 * 3600 * 10**6
    return self.meetings.CreateMeeting(
        meeting_pb2.CreateMeetingRequest(
            organization_id=self.org.id, title=title,
            place="Phòng họp số 1, tầng 3, trụ sở Ủy ban nhân dân tỉnh",
            start_time=common_pb2.Timestamp(unix_micros=start),
            end_time=common_pb2.Timestamp(unix_micros=start + 3 * 3600 * 10**6)),
        metadata=self.secretary_md, timeout=_DEADLINE_S)

  def _read_events(self, stream, count):
    """Reads `count` events: (decoded MeetingEvent, raw EventBody bytes)."""
    events = []
    for _ in range(count):
      raw = next(stream)
      events.append((meeting_pb2.MeetingEvent.FromString(raw), _raw_field(raw, 6)))
    return events

  def _watch(self, meeting_id, after_seq):
    return self.watch_raw(meeting_pb2.WatchMeetingRequest(meeting_id=meeting_id,
                                                          after_seq=after_seq),
                          metadata=self.delegate_md, timeout=_DEADLINE_S * 4)

  def test_vietnamese_names_round_trip(self):
    self.assertEqual(self.org.name.encode("utf-8"),
                     "Ủy ban nhân dân tỉnh Thừa Thiên Huế".encode("utf-8"))
    self.assertSameUser(self.secretary, self.secretary_in)
    self.assertSameUser(self.delegate, self.delegate_in)
    self.assertSameUser(self.secretary_login.user, self.secretary_in)
    self.assertSameUser(self.delegate_login.user, self.delegate_in)
    stored = self.directory.GetUser(directory_pb2.GetUserRequest(id=self.delegate.id),
                                    metadata=self.admin_md, timeout=_DEADLINE_S)
    self.assertSameUser(stored, self.delegate_in)
    me = self.auth.WhoAmI(auth_pb2.WhoAmIRequest(), metadata=self.secretary_md,
                          timeout=_DEADLINE_S)
    self.assertSameUser(me.user, self.secretary_in)
    self.assertEqual(me.user.id, self.secretary.id)

  def test_annotation_round_trip(self):
    meeting = self._new_meeting("Phiên họp chuyên đề về tài liệu điện tử")
    self.meetings.AddParticipant(
        meeting_pb2.AddParticipantRequest(meeting_id=meeting.id, user_id=self.delegate.id,
                                          role=common_pb2.MEETING_ROLE_DELEGATE),
        metadata=self.secretary_md, timeout=_DEADLINE_S)
    self.meetings.PublishMeeting(meeting_pb2.MeetingLifecycleRequest(meeting_id=meeting.id),
                                 metadata=self.secretary_md, timeout=_DEADLINE_S)
    pdf = _blank_pdf(2)
    upload_id = "blackbox-" + hashlib.sha256(meeting.id.encode()).hexdigest()[:20]
    self.documents.StartUpload(
        document_pb2.StartUploadRequest(upload_id=upload_id, meeting_id=meeting.id,
                                        title="Tờ trình số 12/TTr-UBND", filename="to-trinh.pdf",
                                        size_bytes=len(pdf), sha256=hashlib.sha256(pdf).digest()),
        metadata=self.secretary_md, timeout=_DEADLINE_S)
    self.documents.UploadChunks(
        iter([document_pb2.UploadChunk(upload_id=upload_id, offset=0, data=pdf)]),
        metadata=self.secretary_md, timeout=_DEADLINE_S)
    document = self.documents.FinishUpload(
        document_pb2.FinishUploadRequest(upload_id=upload_id), metadata=self.secretary_md,
        timeout=_DEADLINE_S)
    self.assertEqual(document.versions[0].page_count, 2)

    text = "Cần bổ sung ý kiến của Sở Tư pháp — ghi chú riêng 📝"
    note = annotation_pb2.Annotation(
        id="py-note-0001", document_id=document.id, version=document.versions[0].number, page=1,
        kind=annotation_pb2.ANNOTATION_KIND_NOTE,
        visibility=annotation_pb2.ANNOTATION_VISIBILITY_PRIVATE, color=0xFFFFC107, revision=1,
        text=text, rects=[annotation_pb2.PageRect(x=400, y=90, width=24, height=24)])
    # Sent twice, as a tablet retrying after a lost answer would: stored once.
    for _ in range(2):
      saved = self.annotations.SaveAnnotations(
          annotation_pb2.SaveAnnotationsRequest(annotations=[note]), metadata=self.delegate_md,
          timeout=_DEADLINE_S)
      self.assertEqual(saved.annotations[0].revision, 1)
    listed = self.annotations.ListAnnotations(
        annotation_pb2.ListAnnotationsRequest(document_id=document.id),
        metadata=self.delegate_md, timeout=_DEADLINE_S)
    self.assertEqual(len(listed.annotations), 1)
    got = listed.annotations[0]
    self.assertEqual(got.text.encode("utf-8"), text.encode("utf-8"))
    self.assertEqual(got.author_name.encode("utf-8"), self.delegate_in.full_name.encode("utf-8"))
    self.assertEqual((got.page, got.rects[0].x), (1, 400))
    # Private: the secretary, who may read the document, does not see it.
    theirs = self.annotations.ListAnnotations(
        annotation_pb2.ListAnnotationsRequest(document_id=document.id),
        metadata=self.secretary_md, timeout=_DEADLINE_S)
    self.assertEqual(len(theirs.annotations), 0)
    bad = annotation_pb2.Annotation()
    bad.CopyFrom(note)
    bad.page = 2  # the document has pages 0 and 1
    self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.annotations.SaveAnnotations,
                    annotation_pb2.SaveAnnotationsRequest(annotations=[bad]),
                    metadata=self.delegate_md)

  def test_no_token_is_unauthenticated(self):
    self.assertCode(grpc.StatusCode.UNAUTHENTICATED, self.meetings.ListMeetings,
                    meeting_pb2.ListMeetingsRequest())
    self.assertCode(grpc.StatusCode.UNAUTHENTICATED, self.auth.WhoAmI, auth_pb2.WhoAmIRequest())
    self.assertCode(grpc.StatusCode.UNAUTHENTICATED, self.meetings.ListMeetings,
                    meeting_pb2.ListMeetingsRequest(), metadata=_bearer("forged-token"))

  def test_wrong_password_is_unauthenticated(self):
    self.assertCode(grpc.StatusCode.UNAUTHENTICATED, self.auth.Login,
                    auth_pb2.LoginRequest(username="daibieu.duc", password="sai mật khẩu"))

  def test_empty_title_is_invalid_argument(self):
    start = int(time.time() * 1e6) + 24 * 3600 * 10**6
    self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.meetings.CreateMeeting,
                    meeting_pb2.CreateMeetingRequest(
                        organization_id=self.org.id, title="", place="Hội trường",
                        start_time=common_pb2.Timestamp(unix_micros=start),
                        end_time=common_pb2.Timestamp(unix_micros=start + 3600 * 10**6)),
                    metadata=self.secretary_md)

  def test_meeting_agenda_and_watch_resume(self):
    meeting = self._new_meeting()
    self.assertEqual(meeting.state, common_pb2.MEETING_STATE_DRAFT)
    self.assertEqual(meeting.my_role, common_pb2.MEETING_ROLE_SECRETARY)
    self.assertEqual(meeting.title, "Kỳ họp thường lệ tháng 6 của Ủy ban nhân dân tỉnh")
    mid = meeting.id

    # A two-level agenda, with insertions that shift the numbers of what follows.
    opening = self._add_item(mid, "Khai mạc phiên họp", "Chủ tịch UBND tỉnh", 10).items[-1]
    report = self._add_item(mid, "Báo cáo tình hình kinh tế - xã hội 6 tháng đầu năm",
                            "Giám đốc Sở Kế hoạch và Đầu tư", 30).items[-1]
    by_ubnd = self._add_item(mid, "Báo cáo của Ủy ban nhân dân tỉnh", "Phó Chủ tịch UBND tỉnh",
                             15, parent_id=report.id).items[-1]
    review = self._add_item(mid, "Báo cáo thẩm tra của Ban Kinh tế - Ngân sách",
                            "Trưởng Ban Kinh tế - Ngân sách", 15, parent_id=report.id).items[-1]
    debate = self._add_item(mid, "Thảo luận và biểu quyết", "Chủ tọa", 45).items[-1]
    agenda = self._add_item(mid, "Tờ trình kế hoạch đầu tư công", "Giám đốc Sở Tài chính", 10,
                            parent_id=report.id, index=0)
    investment = next(i for i in agenda.items if i.title == "Tờ trình kế hoạch đầu tư công")
    agenda = self._add_item(mid, "Thông qua chương trình phiên họp", "Chánh Văn phòng", 5,
                            index=1)
    programme = next(i for i in agenda.items if i.title == "Thông qua chương trình phiên họp")

    want = [(opening.id, "", 0, "1"), (programme.id, "", 1, "2"), (report.id, "", 2, "3"),
            (investment.id, report.id, 0, "3.1"), (by_ubnd.id, report.id, 1, "3.2"),
            (review.id, report.id, 2, "3.3"), (debate.id, "", 3, "4")]
    got = [(i.id, i.parent_id, i.index, i.number) for i in agenda.items]
    self.assertEqual(got, want)
    fetched = self.meetings.GetAgenda(meeting_pb2.GetAgendaRequest(meeting_id=mid),
                                      metadata=self.secretary_md, timeout=_DEADLINE_S)
    self.assertEqual([(i.id, i.parent_id, i.index, i.number) for i in fetched.items], want)
    self.assertEqual(fetched.items[3].presenter, "Giám đốc Sở Tài chính")
    self.assertEqual(fetched.items[3].planned_minutes, 10)

    # A third level is refused and leaves no trace in the log.
    before = self._last_seq(mid)
    self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.meetings.AddAgendaItem,
                    meeting_pb2.AddAgendaItemRequest(meeting_id=mid, parent_id=by_ubnd.id,
                                                     title="Cấp ba", index=-1),
                    metadata=self.secretary_md)
    self.assertEqual(self._last_seq(mid), before)

    participant = self.meetings.AddParticipant(
        meeting_pb2.AddParticipantRequest(meeting_id=mid, user_id=self.delegate.id,
                                          role=common_pb2.MEETING_ROLE_DELEGATE),
        metadata=self.secretary_md, timeout=_DEADLINE_S)
    self.assertEqual(participant.full_name, "Trần Văn Đức")
    self.assertEqual(participant.unit, "Sở Tài chính")
    # Delegates do not see drafts.
    with self.assertRaises(grpc.RpcError) as raised:
      next(self._watch(mid, 0))
    self.assertEqual(raised.exception.code(), grpc.StatusCode.PERMISSION_DENIED)

    published = self.meetings.PublishMeeting(meeting_pb2.MeetingLifecycleRequest(meeting_id=mid),
                                             metadata=self.secretary_md, timeout=_DEADLINE_S)
    self.assertEqual(published.state, common_pb2.MEETING_STATE_PUBLISHED)
    replayed = self._last_seq(mid)
    self.assertGreaterEqual(replayed, 10)

    # Replay from the start, then one change live, then disconnect.
    stream = self._watch(mid, 0)
    events = self._read_events(stream, replayed)
    self.assertEqual(events[0][0].body.WhichOneof("kind"), "meeting_created")
    self.assertEqual(events[-1][0].body.state_changed.to, common_pb2.MEETING_STATE_PUBLISHED)
    self.meetings.UpdateMeeting(
        meeting_pb2.UpdateMeetingRequest(id=mid, place="Hội trường lớn, tầng 1"),
        metadata=self.secretary_md, timeout=_DEADLINE_S)
    events += self._read_events(stream, 1)
    stream.cancel()
    live = events[-1][0]
    self.assertEqual(live.seq, replayed + 1)
    self.assertEqual(live.body.meeting_updated.meeting.place, "Hội trường lớn, tầng 1")
    last_seen = live.seq

    # Changes while the delegate is away, one event each.
    self.meetings.UpdateAgendaItem(
        meeting_pb2.UpdateAgendaItemRequest(meeting_id=mid, item_id=debate.id,
                                            title="Thảo luận, biểu quyết thông qua nghị quyết",
                                            presenter="Chủ tọa", planned_minutes=60),
        metadata=self.secretary_md, timeout=_DEADLINE_S)
    self.meetings.MoveAgendaItem(
        meeting_pb2.MoveAgendaItemRequest(meeting_id=mid, item_id=review.id,
                                          new_parent_id=report.id, new_index=0),
        metadata=self.secretary_md, timeout=_DEADLINE_S)
    self.meetings.RemoveAgendaItem(
        meeting_pb2.RemoveAgendaItemRequest(meeting_id=mid, item_id=programme.id),
        metadata=self.secretary_md, timeout=_DEADLINE_S)
    self._add_item(mid, "Bế mạc", "Chủ tịch UBND tỉnh", 5)
    missed_kinds = [("agenda_changed", meeting_pb2.AgendaChanged.CHANGE_UPDATED),
                    ("agenda_changed", meeting_pb2.AgendaChanged.CHANGE_MOVED),
                    ("agenda_changed", meeting_pb2.AgendaChanged.CHANGE_REMOVED),
                    ("agenda_changed", meeting_pb2.AgendaChanged.CHANGE_ADDED)]
    self.assertEqual(self._last_seq(mid), last_seen + len(missed_kinds))

    # Resume: exactly the missed events, in order, then the next live one, so
    # nothing was sent twice in between.
    stream = self._watch(mid, last_seen)
    missed = self._read_events(stream, len(missed_kinds))
    self.assertEqual([e.seq for e, _ in missed],
                     list(range(last_seen + 1, last_seen + 1 + len(missed_kinds))))
    self.assertEqual([(e.body.WhichOneof("kind"), e.body.agenda_changed.change)
                      for e, _ in missed], missed_kinds)
    final_agenda = missed[-1][0].body.agenda_changed.agenda
    self.assertEqual([(i.number, i.title) for i in final_agenda.items],
                     [("1", "Khai mạc phiên họp"),
                      ("2", "Báo cáo tình hình kinh tế - xã hội 6 tháng đầu năm"),
                      ("2.1", "Báo cáo thẩm tra của Ban Kinh tế - Ngân sách"),
                      ("2.2", "Tờ trình kế hoạch đầu tư công"),
                      ("2.3", "Báo cáo của Ủy ban nhân dân tỉnh"),
                      ("3", "Thảo luận, biểu quyết thông qua nghị quyết"),
                      ("4", "Bế mạc")])
    self.meetings.UpdateMeeting(meeting_pb2.UpdateMeetingRequest(id=mid, title="Phiên họp tháng 6"),
                                metadata=self.secretary_md, timeout=_DEADLINE_S)
    sentinel = self._read_events(stream, 1)
    stream.cancel()
    self.assertEqual(sentinel[0][0].seq, last_seen + len(missed_kinds) + 1)
    events += missed + sentinel

    # The chain, recomputed here from genesis over every event seen.
    self.assertEqual([e.seq for e, _ in events], list(range(1, len(events) + 1)))
    previous = bytes(32)
    for event, body in events:
      self.assertEqual(event.meeting_id, mid)
      self.assertEqual(event.body, meeting_pb2.EventBody.FromString(body))
      expected = _chain_hash(previous, event, body)
      self.assertEqual(event.hash.hex(), expected.hex(), f"hash of event {event.seq}")
      previous = expected


def main(import_stubs):
  """Reads the harness's flags, imports the generated stubs with
  `import_stubs`, and runs the calling script's tests."""
  global _args
  parser = argparse.ArgumentParser()
  parser.add_argument("--hopsod", required=True)
  parser.add_argument("--hopsoctl", required=True)
  parser.add_argument("--stubs", required=True)
  _args, rest = parser.parse_known_args()
  import_stubs(_args.stubs)
  unittest.main(module="__main__", argv=[sys.argv[0]] + rest)


if __name__ == "__main__":
  main(_import_stubs)
