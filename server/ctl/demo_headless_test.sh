#!/usr/bin/env bash
# The headless demo end to end (scripts/run --headless), then what it printed,
# checked with the tools a reader has: pdftotext finds the meeting's title in
# the handout, qpdf --check passes on the handout and the poster, and the
# poster's QR code, rendered at 150 dpi and read by zbarimg, is a HOPSO:
# payload that `hopsoctl resolve` maps to the demo meeting, against hopsod
# restarted on the demo's data. Also: every QR code of the handout resolves,
# the downloaded PDFs are the stored versions, a download resumes from a
# .part file and refuses a corrupted one, and a confidential document stays
# hidden from a delegate. The roll call and both polls are in attendance.txt
# and results.txt, and `hopsoctl poll verify` recounts the polls again. The
# minutes: two valid PAdES signatures (pdfsig, and signatures.txt trusted),
# qpdf --check, fonts embedded as subsets, the Decree 30 heading, the chair,
# the secretary and the poll results in pdftotext's text, and a QR code on
# the last page that resolves to the minutes document.
#
#   HOPSO_BIN=DIR server/ctl/demo_headless_test.sh OUT_DIR
set -euo pipefail

out=${1:?usage: demo_headless_test.sh OUT_DIR}
bin=${HOPSO_BIN:?HOPSO_BIN must name the directory with hopsod and hopsoctl}
root=$(cd "$(dirname "$0")/../.." && pwd)
csv=$root/scripts/demo/dai_bieu.csv

"$root/scripts/run" --headless --out "$out"
out=$(cd "$out" && pwd)

scratch=$(mktemp -d)
source "$(dirname "$0")/test_hopsod.sh"
cleanup() {
  stop_hopsod
  rm -rf "$scratch"
}
trap cleanup EXIT

meeting_id=$(jq -r .meeting.id "$out/meeting.json")
title=$(jq -r .meeting.title "$out/meeting.json")

pdftotext -enc UTF-8 "$out/handout.pdf" "$scratch/handout.txt"
text_lacks "$scratch/handout.txt" "$title" >/dev/null ||
  fail "handout.pdf does not contain the title \"$title\""
ok "pdftotext handout.pdf contains \"$title\""

for pdf in handout poster minutes; do
  qpdf --check "$out/$pdf.pdf" >"$scratch/qpdf-$pdf.txt" 2>&1 ||
    fail "qpdf --check $pdf.pdf: $(cat "$scratch/qpdf-$pdf.txt")"
done
ok "qpdf --check passes on handout.pdf, poster.pdf and minutes.pdf"

# What the delegate downloaded is what the server stores (documents.txt).
for pdf in handout poster; do
  sha=$(sha256sum "$out/$pdf.pdf" | cut -d' ' -f1)
  grep -q "	$sha\$" "$out/documents.txt" || fail "$pdf.pdf ($sha) is not a stored version"
done
ok "handout.pdf and poster.pdf match stored versions in documents.txt"

grep -q "resumes from byte [1-9]" "$out/transcript.txt" ||
  fail "the transcript shows no upload resumed part way"
ok "an upload stopped half way was resumed"

pdftoppm -r 150 -png "$out/poster.pdf" "$scratch/poster"
poster_payload=$(zbarimg -q --raw "$scratch"/poster*.png) || fail "zbarimg found no QR code on the poster"
[[ $poster_payload == HOPSO:* ]] || fail "the poster's QR code holds \"$poster_payload\""
ok "the poster's QR code decodes to $poster_payload"
pdftoppm -r 150 -png "$out/handout.pdf" "$scratch/handout"
mapfile -t handout_payloads < <(zbarimg -q --raw "$scratch"/handout*.png)
((${#handout_payloads[@]} > 0)) || fail "zbarimg found no QR code in the handout"

# hopsod again on the demo's data, to ask it about the codes.
start_hopsod "$out/data" "$out/hopsod-check.log" "$scratch"

# Logins save their token under $HOME: keep them away from the user's own.
export HOME=$scratch
ctl=("$bin/hopsoctl" --server "$address" --ca_file "$out/data/tls/server.crt")

as thao.vo # a delegate (đại biểu)
"${ctl[@]}" resolve "$poster_payload" >"$scratch/resolve.txt" ||
  fail "hopsoctl resolve $poster_payload failed"
grep -qx "meeting:  $meeting_id" "$scratch/resolve.txt" ||
  fail "$poster_payload resolves to $(cat "$scratch/resolve.txt"), not meeting $meeting_id"
ok "hopsoctl resolve $poster_payload: the demo meeting $meeting_id"

# The roll call and both polls, as the demo wrote them: exact Vietnamese, the
# reasons in Vietnamese before English, the recount from the published ballots.
results=$out/results.txt
[[ -s $results ]] || fail "the demo wrote no results.txt"
named_title="Thông qua dự toán thu, chi ngân sách nhà nước năm 2027"
secret_title="Thông qua Đề án sắp xếp đơn vị hành chính cấp xã giai đoạn 2026 - 2030"
named_vi="Thông qua: 9 đồng ý, 2 không đồng ý, 1 không biểu quyết (tổng 12 phiếu). Quy tắc: hơn 1/2 số phiếu biểu quyết (12), tức là cần ít nhất 7 phiếu."
named_en="Adopted: 9 yes, 2 no, 1 abstaining (12 votes in all). Rule: more than 1/2 of the votes cast (12), so at least 7 votes needed."
secret_vi="Không thông qua: 7 đồng ý, 3 không đồng ý, 2 không biểu quyết (tổng 12 phiếu). Quy tắc: ít nhất 2/3 tổng số thành viên (12), tức là cần ít nhất 8 phiếu."
secret_en="Not adopted: 7 yes, 3 no, 2 abstaining (12 votes in all). Rule: at least 2/3 of all members (12), so at least 8 votes needed."
for poll_title in "$named_title" "$secret_title"; do
  grep -qF "Biểu quyết / poll:  $poll_title (" "$results" ||
    fail "results.txt lacks the poll \"$poll_title\""
done
for want in "Hình thức / kind:   biểu quyết tán thành (yes/no), công khai (named)" \
  "Hình thức / kind:   biểu quyết tán thành (yes/no), bỏ phiếu kín (secret)" \
  "Kết quả / result: THÔNG QUA (passed)" "Kết quả / result: KHÔNG THÔNG QUA (failed)" \
  "  $named_vi" "  $named_en" "  $secret_vi" "  $secret_en" \
  "  12/12 biên nhận của người bỏ phiếu có trong danh sách / voters' receipts are in the published list: OK"; do
  grep -qxF -- "$want" "$results" || fail "results.txt lacks the line \"$want\""
done
line_of() { grep -nxF -- "  $1" "$results" | cut -d: -f1; }
(($(line_of "$named_vi") < $(line_of "$named_en") && $(line_of "$secret_vi") < $(line_of "$secret_en"))) ||
  fail "results.txt gives the English reason before the Vietnamese"
for count in "Đồng ý +9" "Không đồng ý +2" "Không biểu quyết +1" "Đồng ý +7" "Không đồng ý +3" "Không biểu quyết +2"; do
  grep -qE "^  $count\$" "$results" || fail "results.txt has no count line \"$count\""
done
(($(grep -c ": OK\$" "$results") >= 10)) || fail "results.txt lacks the recount lines"
grep -q "Kết quả tính lại / recomputed outcome: KHÔNG THÔNG QUA (failed), cần / required 8 của / of 12 = công bố / published: OK" \
  "$results" || fail "results.txt has no recomputed outcome for the secret poll"
ok "results.txt: the named poll adopted, the secret one not (needs 8 of 12 members), recounted"

attendance=$out/attendance.txt
for want in "vắng (absent)" "Đi công tác tại Hà Nội" "trực tuyến (online)" "ĐỦ (reached)" \
  "Túc số / quorum: 11/12 thành viên có mặt / members present (+1 ủy quyền / represented)"; do
  grep -qF -- "$want" "$attendance" || fail "attendance.txt lacks \"$want\""
done
(($(grep -c "có mặt (present)" "$attendance") == 10)) || fail "attendance.txt: not 10 present by room code"
ok "attendance.txt: 10 checked in by room code, one online, one absent with a proxy; quorum reached"
for kind in attendance_changed proxy_changed poll_changed ballots_cast speaker_changed; do
  grep -q "	$kind	" "$out/events.txt" || fail "events.txt has no $kind event"
done
ok "events.txt has the roll call, the proxy, the polls, the ballots and the speakers"

# The minutes, signed by the chair (the demo's, hopsoctl's --chair default)
# and then the secretary, as the people in dai_bieu.csv are named.
minutes=$out/minutes.pdf
[[ -s $minutes ]] || fail "the demo wrote no minutes.pdf"
chair_name=$(awk -F, '$1 == "khoa.phan" { print $2 }' "$csv")
secretary_name=$(awk -F, '$7 == "secretary" { print $2 }' "$csv")
pdfsig "$minutes" >"$scratch/pdfsig.txt" 2>&1
for want in "Signature Validation: Signature is Valid." "Signature Type: ETSI.CAdES.detached"; do
  (($(grep -cF -- "- $want" "$scratch/pdfsig.txt") == 2)) ||
    fail "pdfsig minutes.pdf: not twice \"$want\": $(cat "$scratch/pdfsig.txt")"
done
(($(grep -c -- "- Total document signed$" "$scratch/pdfsig.txt") == 1)) ||
  fail "pdfsig: the last signature does not cover the whole file: $(cat "$scratch/pdfsig.txt")"
for name in "$chair_name" "$secretary_name"; do
  grep -qF -- "- Signer Certificate Common Name: $name" "$scratch/pdfsig.txt" ||
    fail "pdfsig: no signature by $name: $(cat "$scratch/pdfsig.txt")"
done
(($(grep -c ": VALID$" "$out/signatures.txt") == 2)) || fail "signatures.txt: $(cat "$out/signatures.txt")"
grep -q "NOT VALID" "$out/signatures.txt" && fail "signatures.txt: $(cat "$out/signatures.txt")"
(($(grep -cx "  certificate   trusted" "$out/signatures.txt") == 2)) ||
  fail "signatures.txt: the certificates are not trusted: $(cat "$out/signatures.txt")"
ok "minutes.pdf: 2 valid ETSI.CAdES.detached signatures ($chair_name, $secretary_name), the last" \
  "over the whole file (pdfsig); signatures.txt: 2 VALID, trusted"

pdffonts "$minutes" >"$scratch/pdffonts.txt"
# From the right: emb sub uni object-number generation (names and types may hold spaces).
awk 'NR > 2 { fonts++; if ($(NF - 4) != "yes" || $(NF - 3) != "yes") bad++ }
  END { exit !(fonts > 0 && bad == 0) }' "$scratch/pdffonts.txt" ||
  fail "minutes.pdf has fonts not embedded as subsets: $(cat "$scratch/pdffonts.txt")"
ok "pdffonts minutes.pdf: every font embedded as a subset"

pdftotext -enc UTF-8 "$minutes" "$scratch/minutes.txt"
missing=$(text_lacks "$scratch/minutes.txt" "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" \
  "Độc lập - Tự do - Hạnh phúc" "BIÊN BẢN" "$title" "Chủ tọa: $chair_name" \
  "Thư ký: $secretary_name" "Ký bởi: $chair_name" "Ký bởi: $secretary_name" \
  "$named_title" "Đồng ý 9 75,0% Không đồng ý 2 16,7% Không biểu quyết 1 8,3%" \
  "Kết quả: $named_vi" "$secret_title (bỏ phiếu kín)" \
  "Đồng ý 7 58,3% Không đồng ý 3 25,0% Không biểu quyết 2 16,7%" "Kết quả: $secret_vi") ||
  fail "pdftotext minutes.pdf lacks: $missing"
ok "pdftotext minutes.pdf: the national heading, BIÊN BẢN, chair and secretary, both polls'" \
  "counts and results as in results.txt"

pages=$(pdfinfo "$minutes" | awk '$1 == "Pages:" { print $2 }')
pdftoppm -r 150 -f "$pages" -l "$pages" -png "$minutes" "$scratch/minutes"
minutes_payload=$(zbarimg -q --raw "$scratch"/minutes*.png) ||
  fail "zbarimg found no QR code on the last page of minutes.pdf"
[[ $minutes_payload == HOPSO:* ]] || fail "the minutes' QR code holds \"$minutes_payload\""
"${ctl[@]}" minutes show "$meeting_id" >"$scratch/minutes-show.txt"
minutes_document=$(sed -n 's/^document //p' "$scratch/minutes-show.txt")
grep -qx "state signed" "$scratch/minutes-show.txt" ||
  fail "minutes show: $(cat "$scratch/minutes-show.txt")"
"${ctl[@]}" resolve "$minutes_payload" >"$scratch/resolve.txt" ||
  fail "hopsoctl resolve $minutes_payload failed"
grep -qx "document: $minutes_document" "$scratch/resolve.txt" ||
  fail "$minutes_payload resolves to $(cat "$scratch/resolve.txt"), not $minutes_document"
"${ctl[@]}" versions --document "$minutes_document" >"$scratch/versions.txt"
minutes_sha=$(sha256sum "$minutes" | cut -d' ' -f1)
grep -q "^v3	$minutes_sha	.*	signed	(current)$" "$scratch/versions.txt" ||
  fail "minutes.pdf is not the current, signed version: $(cat "$scratch/versions.txt")"
ok "the QR code on page $pages of minutes.pdf, $minutes_payload, resolves to the minutes" \
  "$minutes_document; minutes.pdf is its signed version 3"

# The polls again through hopsoctl, as the delegate: listed, and recounted
# from the published ballots; a receipt nobody holds is not found (exit 3).
"${ctl[@]}" poll list "$meeting_id" >"$scratch/polls.txt"
named_id=$(grep -F "$named_title" "$scratch/polls.txt" | cut -f1)
secret_id=$(grep -F "$secret_title" "$scratch/polls.txt" | cut -f1)
[[ -n $named_id && -n $secret_id ]] || fail "poll list: $(cat "$scratch/polls.txt")"
"${ctl[@]}" poll verify "$meeting_id" "$named_id" >"$scratch/verify.txt" ||
  fail "poll verify of the named poll: $(cat "$scratch/verify.txt")"
grep -qxF "  $named_vi" "$scratch/verify.txt" || fail "poll verify does not show the reason"
receipt=$(grep -o "receipt [A-Z2-7]\{16\}" "$out/transcript.txt" | head -1 | cut -d' ' -f2)
[[ -n $receipt ]] || fail "the transcript shows no secret ballot receipt"
"${ctl[@]}" poll verify "$meeting_id" "$secret_id" --receipt "$receipt" >"$scratch/verify.txt" ||
  fail "poll verify of the secret poll: $(cat "$scratch/verify.txt")"
grep -q "Biên nhận / receipt $receipt có trong danh sách" "$scratch/verify.txt" ||
  fail "poll verify did not find receipt $receipt"
rc=0
"${ctl[@]}" poll verify "$meeting_id" "$secret_id" --receipt AAAAAAAAAAAAAAAA >/dev/null \
  2>"$scratch/err.txt" || rc=$?
((rc == 3)) && grep -q "not in the published ballots" "$scratch/err.txt" ||
  fail "a made-up receipt: exit $rc, $(cat "$scratch/err.txt")"
"${ctl[@]}" attendance "$meeting_id" >"$scratch/attendance.txt"
cmp -s "$scratch/attendance.txt" "$attendance" || fail "hopsoctl attendance differs from attendance.txt"
ok "hopsoctl poll verify recounts both polls and finds receipt $receipt; a made-up one exits 3"

# The documents a delegate may see; the confidential one is not among them.
"${ctl[@]}" documents --meeting "$meeting_id" >"$scratch/documents.txt"
grep -q "Dự thảo Nghị quyết" "$scratch/documents.txt" &&
  fail "a delegate sees the confidential document"
secret_id=$(grep "Dự thảo Nghị quyết" "$out/documents.txt" | cut -f1)
[[ -n $secret_id ]] || fail "documents.txt has no Dự thảo Nghị quyết"
if "${ctl[@]}" download --document "$secret_id" --out "$scratch/secret.pdf" 2>"$scratch/err.txt"; then
  fail "a delegate downloaded the confidential document"
fi
grep -q NOT_FOUND "$scratch/err.txt" || fail "downloading the confidential document: $(cat "$scratch/err.txt")"
ok "the confidential document is hidden from a delegate (NOT_FOUND)"

# A download cut short resumes from its .part file; a corrupted one is refused.
report_id=$(grep "Báo cáo tình hình kinh tế" "$out/documents.txt" | cut -f1)
report_sha=$(grep "Báo cáo tình hình kinh tế" "$out/documents.txt" | cut -f4)
"${ctl[@]}" download --document "$report_id" --out "$scratch/report.pdf" >/dev/null
[[ $(sha256sum "$scratch/report.pdf" | cut -d' ' -f1) == "$report_sha" ]] ||
  fail "the downloaded report is not the stored version"
head -c 40000 "$scratch/report.pdf" >"$scratch/resumed.pdf.part"
"${ctl[@]}" download --document "$report_id" --out "$scratch/resumed.pdf" 2>"$scratch/err.txt" >/dev/null
grep -q "resuming from byte 40000 of" "$scratch/err.txt" || fail "no resume: $(cat "$scratch/err.txt")"
cmp -s "$scratch/report.pdf" "$scratch/resumed.pdf" || fail "the resumed download differs"
[[ ! -e $scratch/resumed.pdf.part ]] || fail "the .part file is left behind"
head -c 30000 "$scratch/report.pdf" >"$scratch/bad.pdf.part"
printf 'garbage!' | dd of="$scratch/bad.pdf.part" conv=notrunc status=none
if "${ctl[@]}" download --document "$report_id" --out "$scratch/bad.pdf" 2>"$scratch/err.txt"; then
  fail "a corrupted .part file was accepted"
fi
grep -q DATA_LOSS "$scratch/err.txt" || fail "corrupted .part: $(cat "$scratch/err.txt")"
[[ ! -e $scratch/bad.pdf && ! -e $scratch/bad.pdf.part ]] || fail "a corrupted download was kept"
ok "downloads resume from .part files and refuse a corrupted one"

# Every code in the handout leads into the demo meeting, for its secretary.
as lan.nguyen
for payload in "${handout_payloads[@]}"; do
  [[ $payload == HOPSO:* ]] || fail "a handout QR code holds \"$payload\""
  "${ctl[@]}" resolve "$payload" >"$scratch/resolve.txt" || fail "hopsoctl resolve $payload failed"
  grep -qx "meeting:  $meeting_id" "$scratch/resolve.txt" ||
    fail "$payload resolves to $(cat "$scratch/resolve.txt")"
done
ok "all ${#handout_payloads[@]} QR codes of the handout resolve into the demo meeting"

echo "demo headless test: all checks passed"
