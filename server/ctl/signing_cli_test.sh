#!/usr/bin/env bash
# hopsoctl's signing commands against a real hopsod: the organisation CA
# (ca init, ca show), keys for the chair and the secretary (keys create), PINs
# from stdin, a short meeting run to its end, the minutes written and
# generated (pdftotext reads "BIÊN BẢN"), signatures requested in order, a
# wrong PIN refused, both signatures made, the signed minutes checked by
# `hopsoctl verify` and by pdfsig trusting the CA through an NSS database,
# then a copy with one byte flipped in the first signed range (exit 3,
# MISMATCH), and a changed PIN.
#
#   HOPSO_BIN=DIR server/ctl/signing_cli_test.sh WORK_DIR
set -euo pipefail

work=${1:?usage: signing_cli_test.sh WORK_DIR}
bin=${HOPSO_BIN:?HOPSO_BIN must name the directory with hopsod and hopsoctl}
root=$(cd "$(dirname "$0")/../.." && pwd)
csv=$root/scripts/demo/dai_bieu.csv
admin_password=Hopso-Admin-Sign-2026
chair_pin=135790
secretary_pin=246802

rm -rf "$work"
mkdir -p "$work/data"
work=$(cd "$work" && pwd)
source "$(dirname "$0")/test_hopsod.sh"
trap stop_hopsod EXIT

start_fresh_hopsod "$admin_password"
"${ctl[@]}" login --username admin --password "$admin_password" >/dev/null
org=$("${ctl[@]}" org create --name "Ủy ban nhân dân tỉnh Quảng Nam")
"${ctl[@]}" user import --org "$org" --csv "$csv" >/dev/null
"${ctl[@]}" user list --org "$org" >"$work/users.txt"
user_id() { awk -F'\t' -v u="$1" '$2 == u { print $1 }' "$work/users.txt"; }
chair=$(user_id khoa.phan)
secretary=$(user_id lan.nguyen)
[[ -n $chair && -n $secretary ]] || fail "user list: $(cat "$work/users.txt")"

expect_exit 0 ca init --org "$org"
grep -qx "Ủy ban nhân dân tỉnh Quảng Nam - Hopso CA" "$work/out.txt" ||
  fail "ca init: $(cat "$work/out.txt")"
expect_exit 1 ca init --org "$org"
grep -q ALREADY_EXISTS "$work/err.txt" || fail "a second ca init: $(cat "$work/err.txt")"
expect_exit 0 ca show --org "$org" --out "$work/ca.pem"
openssl x509 -in "$work/ca.pem" -noout -ext basicConstraints >"$work/ca-ext.txt" ||
  fail "ca show wrote no certificate"
grep -q "CA:TRUE" "$work/ca-ext.txt" || fail "ca.pem is not a CA: $(cat "$work/ca-ext.txt")"
for user in "$chair" "$secretary"; do
  expect_exit 0 keys create "$user"
  grep -qx "state awaiting-pin" "$work/out.txt" || fail "keys create: $(cat "$work/out.txt")"
done
ok "ca init (once only), ca show --out ca.pem, keys for the chair and the secretary await PINs"

as lan.nguyen  # thư ký
expect_exit 0 meeting create --org "$org" --title "Phiên họp thường kỳ tháng 11" \
  --start 2026-11-05T08:00 --end 2026-11-05T11:00 --place "Phòng họp số 1"
meeting=$(cat "$work/out.txt")
"${ctl[@]}" agenda add --meeting "$meeting" --title "Kế hoạch chuyển đổi số năm 2027" \
  --presenter "Giám đốc Sở Thông tin và Truyền thông" --minutes 30 >/dev/null
"${ctl[@]}" participant add --meeting "$meeting" --user "$chair" --role chair >/dev/null
"${ctl[@]}" meeting publish --id "$meeting" >/dev/null
printf '%s\n' "$secretary_pin" | expect_exit 0 pin set
grep -qx "state ready" "$work/out.txt" || fail "pin set: $(cat "$work/out.txt")"
as khoa.phan  # chủ tọa
printf '%s\n' "$chair_pin" | expect_exit 0 pin set
"${ctl[@]}" meeting start --id "$meeting" >/dev/null
"${ctl[@]}" meeting end --id "$meeting" >/dev/null
ok "PINs set from stdin; a meeting created, started and ended"

as lan.nguyen
conclusion="Thống nhất thông qua Kế hoạch chuyển đổi số năm 2027."
expect_exit 0 minutes text "$meeting" --number 7/BB-UBND --conclusion "$conclusion"
grep -qx "number 7/BB-UBND" "$work/out.txt" || fail "minutes text: $(cat "$work/out.txt")"
expect_exit 0 minutes generate "$meeting" --out "$work/draft.pdf"
grep -qx "state draft" "$work/out.txt" || fail "minutes generate: $(cat "$work/out.txt")"
pdftotext -enc UTF-8 "$work/draft.pdf" "$work/draft.txt"
missing=$(text_lacks "$work/draft.txt" "BIÊN BẢN" "Số: 7/BB-UBND" "$conclusion" \
  "Chủ tọa: Phan Minh Khoa" "Thư ký: Nguyễn Thị Lan") || fail "draft.pdf lacks: $missing"
expect_exit 0 minutes request "$meeting"
grep -qx "state signing" "$work/out.txt" || fail "minutes request: $(cat "$work/out.txt")"
expect_exit 0 sign requests
secretary_request=$(awk '$NF == "waiting" { print $1 }' "$work/out.txt")
grep -q "  2\. Thư ký  Nguyễn Thị Lan  waiting$" "$work/out.txt" ||
  fail "sign requests: $(cat "$work/out.txt")"
printf '%s\n' "$secretary_pin" | expect_exit 1 sign "$secretary_request"
grep -q FAILED_PRECONDITION "$work/err.txt" || fail "signing out of turn: $(cat "$work/err.txt")"
ok "minutes text, generate (pdftotext: BIÊN BẢN, number, conclusion), request; no signing out of turn"

as khoa.phan
expect_exit 0 sign requests
chair_request=$(awk '$NF == "pending" { print $1 }' "$work/out.txt")
grep -q "  1\. Chủ tọa  Phan Minh Khoa  pending$" "$work/out.txt" ||
  fail "sign requests: $(cat "$work/out.txt")"
expect_exit 1 sign "$chair_request" --pin 000000
grep -q "PERMISSION_DENIED: wrong PIN; 4 tries left" "$work/err.txt" ||
  fail "a wrong PIN: $(cat "$work/err.txt")"
printf '%s\n' "$chair_pin" | expect_exit 0 sign "$chair_request"
grep -q "  1\. Chủ tọa  Phan Minh Khoa  signed  v2  " "$work/out.txt" ||
  fail "the chair's signature: $(cat "$work/out.txt")"
as lan.nguyen
printf '%s\n' "$secretary_pin" | expect_exit 0 sign "$secretary_request"
grep -q "  2\. Thư ký  Nguyễn Thị Lan  signed  v3  " "$work/out.txt" ||
  fail "the secretary's signature: $(cat "$work/out.txt")"
expect_exit 0 minutes show "$meeting" --out "$work/final.pdf"
grep -qx "state signed" "$work/out.txt" || fail "minutes show: $(cat "$work/out.txt")"
ok "a wrong PIN is PERMISSION_DENIED; the chair, then the secretary sign; the minutes are signed"

expect_exit 0 verify "$work/final.pdf"
(($(grep -c "^ChuKy[12]: VALID$" "$work/out.txt") == 2)) || fail "verify: $(cat "$work/out.txt")"
(($(grep -cx "  certificate   trusted" "$work/out.txt") == 2)) ||
  fail "verify: $(cat "$work/out.txt")"
grep -qx "  signer        Phan Minh Khoa" "$work/out.txt" || fail "verify: $(cat "$work/out.txt")"
grep -qx "  signer        Nguyễn Thị Lan" "$work/out.txt" || fail "verify: $(cat "$work/out.txt")"
mkdir "$work/nss"
certutil -N --empty-password -d "sql:$work/nss"
certutil -A -n "hopso-ca" -t CT,C,C -i "$work/ca.pem" -d "sql:$work/nss"
pdfsig -nssdir "sql:$work/nss" "$work/final.pdf" >"$work/pdfsig.txt" 2>&1
(($(grep -c "Signature Validation: Signature is Valid\.$" "$work/pdfsig.txt") == 2)) ||
  fail "pdfsig: $(cat "$work/pdfsig.txt")"
(($(grep -c "Certificate Validation: Certificate is Trusted\.$" "$work/pdfsig.txt") == 2)) ||
  fail "pdfsig with ca.pem trusted: $(cat "$work/pdfsig.txt")"
ok "verify: 2 VALID, trusted; pdfsig trusting ca.pem: 2 valid signatures, both certificates trusted"

# One bit flipped in the middle of the largest stream (a font) before the
# first signature's /Contents: the file still parses, the digests do not match.
python3 - "$work/final.pdf" "$work/tampered.pdf" <<'EOF'
import re, sys
data = bytearray(open(sys.argv[1], "rb").read())
first_range_end = int(re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)", data).group(1))
streams = [(m.end(), data.index(b"endstream", m.end()))
           for m in re.finditer(rb"(?<!end)stream\r?\n", data[:first_range_end])]
start, end = max(streams, key=lambda s: s[1] - s[0])
assert end < first_range_end
data[(start + end) // 2] ^= 0x01
open(sys.argv[2], "wb").write(data)
EOF
expect_exit 3 verify "$work/tampered.pdf"
(($(grep -cx "  digest        MISMATCH" "$work/out.txt") == 2)) ||
  fail "verify of the tampered copy: $(cat "$work/out.txt")"
grep -q "2 of 2 signatures are not valid" "$work/err.txt" || fail "$(cat "$work/err.txt")"
pdfsig "$work/tampered.pdf" >"$work/pdfsig.txt" 2>&1
(($(grep -c "Signature Validation: Digest Mismatch\.$" "$work/pdfsig.txt") == 2)) ||
  fail "pdfsig of the tampered copy: $(cat "$work/pdfsig.txt")"
ok "a byte flipped in the first signed range: verify exits 3, both digests MISMATCH (so says pdfsig)"

as khoa.phan
printf '%s\n' "$chair_pin" | expect_exit 0 pin change --new_pin 975310
grep -qx "state ready" "$work/out.txt" || fail "pin change: $(cat "$work/out.txt")"
expect_exit 1 pin change --pin "$chair_pin" --new_pin 864200
grep -q "PERMISSION_DENIED: wrong PIN" "$work/err.txt" || fail "the old PIN: $(cat "$work/err.txt")"
expect_exit 0 keys show
grep -qx "state ready" "$work/out.txt" || fail "keys show: $(cat "$work/out.txt")"
grep -qx "subject Phan Minh Khoa" "$work/out.txt" || fail "keys show: $(cat "$work/out.txt")"
ok "pin change from stdin; the old PIN no longer works; keys show: ready"

echo "signing CLI test: all checks passed"
