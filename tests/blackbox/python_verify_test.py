"""Black-box test of signed minutes and VerifyDocument through Debian's python3-grpcio.

On a fresh hopsod (the fixture of python_vote_test.py): the organisation CA and
signing keys for the chair and the secretary, their PINs, a meeting held and
ended, its minutes generated, requested and signed by both (a wrong PIN refused
first), the signed PDF downloaded through DocumentService and sent back inline
to VerifyDocument, and a copy with one byte changed in the first signed range.

Run by CTest as:
  /usr/bin/python3 python_verify_test.py --hopsod BIN --hopsoctl BIN --stubs DIR
"""

import hashlib
import re
import time
import unittest

import python_client_test as base
import python_vote_test as vote

_DEADLINE_S = base._DEADLINE_S
_CHAIR_PIN = "ChuToa-135790"
_SECRETARY_PIN = "ThuKy-246802"


def _import_stubs(stub_dir):
  vote._import_stubs(stub_dir)
  global grpc, document_pb2, document_pb2_grpc, meeting_pb2, signing_pb2, signing_pb2_grpc
  import grpc
  from hopso.v1 import document_pb2, document_pb2_grpc, meeting_pb2
  from hopso.v1 import signing_pb2, signing_pb2_grpc


class VerifyTest(vote.MeetingFixture):

  delegate_count = 2

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.signing = signing_pb2_grpc.SigningServiceStub(cls.channel)
    cls.documents = document_pb2_grpc.DocumentServiceStub(cls.channel)

  def _call(self, method, request, metadata):
    return method(request, metadata=metadata, timeout=_DEADLINE_S)

  def _download(self, document_id, metadata):
    data, first = b"", None
    for chunk in self.documents.Download(document_pb2.DownloadRequest(document_id=document_id),
                                         metadata=metadata, timeout=_DEADLINE_S):
      first = first or chunk
      self.assertEqual(chunk.offset, len(data))
      data += chunk.data
    self.assertEqual((len(data), hashlib.sha256(data).digest()),
                     (first.size_bytes, first.sha256))
    return data

  def _pending_request(self, metadata):
    requests = self._call(self.signing.ListSignatureRequests,
                          signing_pb2.ListSignatureRequestsRequest(), metadata).requests
    pending = [r for r in requests if r.state == signing_pb2.SIGNATURE_STATE_PENDING]
    self.assertEqual(len(pending), 1, requests)
    return pending[0]

  def _signed_minutes(self):
    """CA, keys, PINs, a meeting held and ended, its minutes signed by the chair and
    the secretary. Returns (the CA, the minutes, when signing began in Unix µs)."""
    ca = self._call(self.signing.InitCertificateAuthority,
                    signing_pb2.InitCertificateAuthorityRequest(organization_id=self.org.id),
                    self.admin_md)
    for user, md, pin in ((self.chair, self.chair_md, _CHAIR_PIN),
                          (self.secretary, self.secretary_md, _SECRETARY_PIN)):
      key = self._call(self.signing.CreateSigningKey,
                       signing_pb2.CreateSigningKeyRequest(
                           user_id=user.id, issuer=signing_pb2.CERTIFICATE_ISSUER_ORGANISATION_CA),
                       self.admin_md)
      self.assertEqual((key.state, key.subject),
                       (signing_pb2.SIGNING_KEY_STATE_AWAITING_PIN, user.full_name))
      key = self._call(self.signing.SetPin, signing_pb2.SetPinRequest(pin=pin), md)
      self.assertEqual(key.state, signing_pb2.SIGNING_KEY_STATE_READY)

    meeting, _ = self._meeting_in_progress()
    mid = meeting.id
    self._call(self.meetings.EndMeeting, meeting_pb2.MeetingLifecycleRequest(meeting_id=mid),
               self.chair_md)
    self._call(self.signing.SetMinutesText,
               signing_pb2.SetMinutesTextRequest(
                   meeting_id=mid, number="21/BB-HĐND",
                   conclusions=["Thống nhất thông qua dự toán ngân sách năm 2027."]),
               self.secretary_md)
    draft = self._call(self.signing.GenerateMinutes,
                       signing_pb2.GenerateMinutesRequest(meeting_id=mid), self.secretary_md)
    self.assertEqual((draft.state, draft.version), (signing_pb2.MINUTES_STATE_DRAFT, 1))
    requested = self._call(self.signing.RequestSignatures,
                           signing_pb2.RequestSignaturesRequest(meeting_id=mid), self.secretary_md)
    self.assertEqual([(r.order, r.signer_user_id, r.role_text, r.state)
                      for r in requested.signatures],
                     [(1, self.chair.id, "Chủ tọa", signing_pb2.SIGNATURE_STATE_PENDING),
                      (2, self.secretary.id, "Thư ký", signing_pb2.SIGNATURE_STATE_WAITING)])

    # The claimed time (/M) has whole seconds.
    signing_began = int(time.time()) * 10**6
    chair_request = self._pending_request(self.chair_md)
    details = self.assertCode(grpc.StatusCode.PERMISSION_DENIED, self.signing.SignDocument,
                              signing_pb2.SignDocumentRequest(request_id=chair_request.id,
                                                              pin="000000"),
                              self.chair_md)
    self.assertIn("wrong PIN", details)
    for md, pin, version in ((self.chair_md, _CHAIR_PIN, 2),
                             (self.secretary_md, _SECRETARY_PIN, 3)):
      signed = self._call(self.signing.SignDocument,
                          signing_pb2.SignDocumentRequest(request_id=self._pending_request(md).id,
                                                          pin=pin), md)
      self.assertEqual((signed.state, signed.signed_version),
                       (signing_pb2.SIGNATURE_STATE_SIGNED, version))
    minutes = self._call(self.signing.GetMinutes, signing_pb2.GetMinutesRequest(meeting_id=mid),
                         self.secretary_md)
    self.assertEqual((minutes.state, minutes.version), (signing_pb2.MINUTES_STATE_SIGNED, 3))
    return ca, minutes, signing_began

  def test_verify_signed_minutes_inline(self):
    ca, minutes, signing_began = self._signed_minutes()
    # A delegate downloads the signed minutes and sends the bytes back to be checked.
    pdf = self._download(minutes.document_id, self.delegate_mds[0])
    report = self._call(self.signing.VerifyDocument, signing_pb2.VerifyDocumentRequest(pdf=pdf),
                        self.delegate_mds[0])
    self.assertEqual((report.size_bytes, report.sha256), (len(pdf), hashlib.sha256(pdf).digest()))
    self.assertEqual([(s.field_name, s.signer_name) for s in report.signatures],
                     [("ChuKy1", self.chair.full_name), ("ChuKy2", self.secretary.full_name)])
    signed_by = time.time() * 1e6
    for s in report.signatures:
      self.assertEqual(s.sub_filter, "ETSI.CAdES.detached")
      self.assertIn(f"CN={ca.common_name}", s.issuer_subject)
      self.assertIn(f"CN={s.signer_name}", s.signer_subject)
      self.assertTrue(signing_began <= s.claimed_time.unix_micros <= signed_by, s.claimed_time)
      self.assertEqual((s.digest_matches, s.signature_valid, s.chain_trusted,
                        s.has_signing_certificate_v2, s.ok), (True,) * 5, s)
      self.assertEqual((s.chain_error, list(s.problems)), ("", []))
      self.assertFalse(s.has_timestamp)  # no TSA is configured
    chair, secretary = report.signatures
    # The chair signed version 2; the secretary's revision after it is a signature.
    self.assertEqual((chair.covers_whole_file, chair.changes_after),
                     (False, signing_pb2.CHANGES_AFTER_SIGNING_SIGNED_REVISIONS))
    self.assertEqual((secretary.covers_whole_file, secretary.changes_after),
                     (True, signing_pb2.CHANGES_AFTER_SIGNING_NONE))
    # The stored version verifies the same.
    stored = self._call(self.signing.VerifyDocument,
                        signing_pb2.VerifyDocumentRequest(
                            stored=signing_pb2.VerifyDocumentRequest.StoredVersion(
                                document_id=minutes.document_id)),
                        self.delegate_mds[0])
    self.assertEqual(stored, report)

    # One letter of a font's subset tag, written in the first revision, so
    # inside the range both signatures cover; the file still parses.
    first_range_end = int(re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)", pdf).group(1))
    tag = re.search(rb"/BaseFont\s*/([A-Z])[A-Z]{5}\+", pdf)
    self.assertLess(tag.end(), first_range_end)
    tampered = bytearray(pdf)
    tampered[tag.start(1)] = ord("Z") if tag.group(1) != b"Z" else ord("Y")
    tampered = bytes(tampered)
    report = self._call(self.signing.VerifyDocument,
                        signing_pb2.VerifyDocumentRequest(pdf=tampered), self.delegate_mds[0])
    self.assertEqual(report.sha256, hashlib.sha256(tampered).digest())
    self.assertEqual([s.signer_name for s in report.signatures],
                     [self.chair.full_name, self.secretary.full_name])
    for s in report.signatures:
      # The CMS over the signed attributes still checks; the document's digest does not.
      self.assertEqual((s.digest_matches, s.signature_valid, s.chain_trusted, s.ok),
                       (False, True, True, False), s)
      self.assertTrue(any("digest mismatch" in p for p in s.problems), s.problems)
    self.assertEqual(report.signatures[0].changes_after,
                     signing_pb2.CHANGES_AFTER_SIGNING_UNSIGNED_CHANGES)

    # What is not a PDF is refused, not reported as unsigned.
    self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, self.signing.VerifyDocument,
                    signing_pb2.VerifyDocumentRequest(pdf=b"not a PDF at all"),
                    self.delegate_mds[0])


if __name__ == "__main__":
  base.main(_import_stubs)
