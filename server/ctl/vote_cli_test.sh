#!/usr/bin/env bash
# hopsoctl's attendance, poll and speaker commands against a real hopsod with
# the demo's people (demo seed): rules, room code and check-ins, marks by
# username, a proxy, a secret election voted by label with receipts, a named
# yes/no poll with a proxy vote, poll verify, the speakers' queue, checkouts
# and a revoked proxy, and usage errors (exit 2).
#
#   HOPSO_BIN=DIR server/ctl/vote_cli_test.sh WORK_DIR
set -euo pipefail

work=${1:?usage: vote_cli_test.sh WORK_DIR}
bin=${HOPSO_BIN:?HOPSO_BIN must name the directory with hopsod and hopsoctl}
root=$(cd "$(dirname "$0")/../.." && pwd)
csv=$root/scripts/demo/dai_bieu.csv
admin_password=Hopso-Admin-CLI-2026

rm -rf "$work"
mkdir -p "$work/data"
work=$(cd "$work" && pwd)
source "$(dirname "$0")/test_hopsod.sh"
trap stop_hopsod EXIT

start_fresh_hopsod "$admin_password"
"${ctl[@]}" demo seed --csv "$csv" --admin_password "$admin_password" >"$work/seed.txt"
meeting=$(sed -n 's/^demo meeting: //p' "$work/seed.txt")
[[ -n $meeting ]] || fail "demo seed printed no meeting"

as lan.nguyen  # thư ký
expect_exit 0 attendance rules "$meeting" --quorum 1/2 --strict --max_proxies 2 --proxies_count yes
grep -q "hơn 1/2 / more than 1/2" "$work/out.txt" || fail "rules: $(cat "$work/out.txt")"
grep -q "tối đa / at most 2 mỗi người / per holder; tính vào túc số" "$work/out.txt" ||
  fail "rules: $(cat "$work/out.txt")"
expect_exit 2 attendance rules "$meeting" --quorum "half"
grep -q "cannot read the fraction \"half\"" "$work/err.txt" || fail "$(cat "$work/err.txt")"
expect_exit 2 attendance mark "$meeting" sang.ton maybe
grep -q "use present, online or absent" "$work/err.txt" || fail "$(cat "$work/err.txt")"
ok "attendance rules set (more than 1/2, 2 proxies, proxies count); bad values are usage errors"

as khoa.phan  # chủ tọa
"${ctl[@]}" meeting start --id "$meeting" >/dev/null
expect_exit 0 room-code "$meeting"
code=$(sed -n 's/^mã phòng \/ room code: //p' "$work/out.txt")
[[ $code =~ ^[2-9A-Z]{8}$ ]] || fail "room-code printed no code: $(cat "$work/out.txt")"
grep -q "█" "$work/out.txt" || fail "room-code drew no QR code"
expect_exit 0 checkin "$meeting" "HOPSO-ROOM:$meeting:$code"
grep -q "có mặt (present)" "$work/out.txt" || fail "checkin: $(cat "$work/out.txt")"
for user in thao.vo duc.huynh hoa.bui tuan.dang nghia.ngo yen.do; do
  as "$user"
  expect_exit 0 checkin "$meeting" "$code"
done
as quang.truong
expect_exit 1 room-code "$meeting"
grep -q PERMISSION_DENIED "$work/err.txt" || fail "a delegate asking for the room code: $(cat "$work/err.txt")"
ok "room-code shows the code as QR; the chair and 6 delegates check in with it; delegates may not see it"

as lan.nguyen
expect_exit 0 attendance mark "$meeting" long.luong online --reason "Điểm cầu Nam Trà My"
expect_exit 0 attendance mark "$meeting" sang.ton absent --reason "Đi công tác"
grep -qx "Tôn Thất Sang: vắng (absent), lý do / reason: Đi công tác" "$work/out.txt" ||
  fail "mark: $(cat "$work/out.txt")"
expect_exit 0 attendance proxy "$meeting" sang.ton duc.huynh
grep -qx "ủy quyền / proxy: Tôn Thất Sang -> Huỳnh Quang Đức" "$work/out.txt" ||
  fail "proxy: $(cat "$work/out.txt")"
expect_exit 1 attendance mark "$meeting" no.such.user present
grep -q NOT_FOUND "$work/err.txt" || fail "$(cat "$work/err.txt")"
expect_exit 0 attendance "$meeting"
grep -q "Tôn Thất Sang -> Huỳnh Quang Đức" "$work/out.txt" || fail "attendance: no proxy"
grep -q "Túc số / quorum: 8/12 thành viên có mặt / members present (+1 ủy quyền / represented), cần / required 7" \
  "$work/out.txt" || fail "attendance: $(cat "$work/out.txt")"
ok "marks and a proxy by username; attendance shows the table, the proxy and the quorum"

as khoa.phan
item=$("${ctl[@]}" agenda show --meeting "$meeting" | awk -F'\t' '$1 ~ /^ *2\.2$/ { print $2 }')
[[ -n $item ]] || fail "no agenda item 2.2"
"${ctl[@]}" meeting current --id "$meeting" --item "$item" >/dev/null
expect_exit 2 poll create "$meeting" --item "$item" --title "Bầu" --kind referendum
expect_exit 2 poll create "$meeting" --item "$item" --title "Bầu" --kind election \
  --rule "at least 2/3 of everyone"
grep -q "unknown majority base \"everyone\"" "$work/err.txt" || fail "$(cat "$work/err.txt")"
expect_exit 0 poll create "$meeting" --item "$item" --title "Bầu Tổ trưởng Tổ giúp việc" \
  --kind election --seats 1 --secret --option "Bùi Thị Hòa" --option "Đặng Anh Tuấn, Sở Tài chính" \
  --option "Ngô Trọng Nghĩa" --rule "more than 1/2 of votes-cast"
election=$(cat "$work/out.txt")
expect_exit 0 poll show "$meeting" "$election"
grep -q "2        Đặng Anh Tuấn, Sở Tài chính" "$work/out.txt" || fail "show: $(cat "$work/out.txt")"
expect_exit 0 poll open "$meeting" "$election"
grep -q "đang mở (open), 0/9 đã bỏ phiếu" "$work/out.txt" || fail "open: $(cat "$work/out.txt")"

expect_exit 0 poll vote "$meeting" "$election" "Đặng Anh Tuấn, Sở Tài chính"
receipt=$(sed -n 's/^biên nhận \/ receipt: \([A-Z2-7]\{16\}\).*/\1/p' "$work/out.txt")
[[ -n $receipt ]] || fail "vote printed no receipt: $(cat "$work/out.txt")"
ballot_id=$(sed -n 's/^ballot id: //p' "$work/out.txt")
[[ ${#ballot_id} == 22 ]] || fail "ballot id \"$ballot_id\" is not 128 bits in base64url"
expect_exit 0 poll vote "$meeting" "$election" 2 --ballot_id "$ballot_id"
grep -q "receipt: $receipt" "$work/out.txt" || fail "a retried ballot got another receipt"
for user in thao.vo hoa.bui tuan.dang nghia.ngo yen.do long.luong; do
  as "$user"
  case $user in hoa.bui | yen.do) choice=1 ;; *) choice=2 ;; esac
  expect_exit 0 poll vote "$meeting" "$election" "$choice"
done
as duc.huynh
expect_exit 0 poll vote "$meeting" "$election" 3
expect_exit 0 poll vote "$meeting" "$election" 2 --for "Tôn Thất Sang"
as sang.ton
expect_exit 1 poll vote "$meeting" "$election" 1
grep -q PERMISSION_DENIED "$work/err.txt" || fail "the absent delegate voting: $(cat "$work/err.txt")"
as khoa.phan
expect_exit 0 poll close "$meeting" "$election"
grep -q "Kết quả / result: THÔNG QUA (passed)" "$work/out.txt" || fail "close: $(cat "$work/out.txt")"
grep -q "trúng cử / elected: Đặng Anh Tuấn, Sở Tài chính" "$work/out.txt" ||
  fail "close: $(cat "$work/out.txt")"
as thao.vo
expect_exit 0 poll verify "$meeting" "$election" --receipt "$receipt"
grep -q "Biên nhận / receipt $receipt có trong danh sách" "$work/out.txt" ||
  fail "verify: $(cat "$work/out.txt")"
grep -q "Đặng Anh Tuấn, Sở Tài chính  *6 = công bố / published 6: OK" "$work/out.txt" ||
  fail "verify: $(cat "$work/out.txt")"
expect_exit 3 poll verify "$meeting" "$election" --receipt ABCDEFGHIJKLMNOP
ok "a secret election by label: receipts, a retry, a proxy vote; elected with 6 of 9; verified"

as khoa.phan
expect_exit 0 poll create "$meeting" --item "$item" --title "Thông qua dự toán" --kind yesno \
  --tie chair
yesno=$(cat "$work/out.txt")
expect_exit 0 poll open "$meeting" "$yesno"
expect_exit 0 poll vote "$meeting" "$yesno" "Đồng ý"
for user in thao.vo duc.huynh hoa.bui tuan.dang nghia.ngo yen.do long.luong; do
  as "$user"
  case $user in thao.vo | hoa.bui | tuan.dang) choice=no ;; yen.do) choice=abstain ;; *) choice=yes ;; esac
  expect_exit 0 poll vote "$meeting" "$yesno" "$choice"
done
as duc.huynh
expect_exit 1 poll vote "$meeting" "$yesno" no --for "Võ Thị Phương Thảo"
grep -q "not one of the members whose votes you cast in this poll (" "$work/err.txt" ||
  fail "voting for someone else: $(cat "$work/err.txt")"
expect_exit 0 poll vote "$meeting" "$yesno" no --for "$(awk -F'\t' '$3 == "Tôn Thất Sang" { print $1 }' \
  <("${ctl[@]}" participant list --meeting "$meeting"))"
expect_exit 1 poll vote "$meeting" "$yesno" yes
grep -q ALREADY_EXISTS "$work/err.txt" || fail "voting twice: $(cat "$work/err.txt")"
as khoa.phan
expect_exit 0 poll show "$meeting" "$yesno"
grep -q "Đồng ý  *4" "$work/out.txt" || fail "live counts: $(cat "$work/out.txt")"
expect_exit 0 poll close "$meeting" "$yesno"
# 4 yes, 4 no, 1 abstaining: exactly 4 of 9 is not more than half; no tie for the chair.
grep -q "Kết quả / result: KHÔNG THÔNG QUA (failed)" "$work/out.txt" || fail "$(cat "$work/out.txt")"
expect_exit 0 poll list "$meeting"
(($(wc -l <"$work/out.txt") == 2)) || fail "poll list: $(cat "$work/out.txt")"
as nghia.ngo
expect_exit 0 poll verify "$meeting" "$yesno"
grep -q "Kết quả tính lại / recomputed outcome: KHÔNG THÔNG QUA (failed)" "$work/out.txt" ||
  fail "verify: $(cat "$work/out.txt")"
ok "a named yes/no poll voted by label and id, with a proxy vote; not adopted; verified"

as khoa.phan
expect_exit 0 poll create "$meeting" --item "$item" --title "Thông qua chương trình" --kind yesno \
  --allow-change
changeable=$(cat "$work/out.txt")
expect_exit 0 poll open "$meeting" "$changeable"
expect_exit 0 poll vote "$meeting" "$changeable" yes
expect_exit 0 poll vote "$meeting" "$changeable" no
grep -q "đã thay phiếu trước / replaced your earlier ballot" "$work/out.txt" ||
  fail "changing a ballot: $(cat "$work/out.txt")"
expect_exit 0 poll close "$meeting" "$changeable"
grep -q "Không đồng ý  *1" "$work/out.txt" || fail "the changed ballot: $(cat "$work/out.txt")"
ok "--allow-change: a second ballot replaces the first"

as tuan.dang
expect_exit 0 speakers request "$meeting" --kind question --topic "Vốn đầu tư công"
request=$(cat "$work/out.txt")
expect_exit 2 speakers request "$meeting" --kind shout
as khoa.phan
expect_exit 0 speakers "$meeting"
grep -q "^$request	chờ (waiting)	chất vấn (question)	Đặng Anh Tuấn	Vốn đầu tư công" "$work/out.txt" ||
  fail "speakers: $(cat "$work/out.txt")"
expect_exit 0 speakers floor "$meeting" "$request" --limit 45
grep -q "đang nói (speaking)" "$work/out.txt" || fail "floor: $(cat "$work/out.txt")"
expect_exit 0 speakers end "$meeting" "$request"
expect_exit 0 speakers "$meeting"
grep -q "^$request	xong (done)	.*/45 s$" "$work/out.txt" || fail "speakers: $(cat "$work/out.txt")"
ok "speakers: a question requested, given the floor for 45 s, ended"

as yen.do
expect_exit 0 attendance checkout "$meeting"
grep -qx "Đỗ Thị Hải Yến: đã về (left).*" "$work/out.txt" || fail "checkout: $(cat "$work/out.txt")"
as lan.nguyen
expect_exit 0 attendance unproxy "$meeting" sang.ton
expect_exit 0 attendance checkout "$meeting" thao.vo
expect_exit 0 attendance "$meeting"
grep -q "Ủy quyền / proxies" "$work/out.txt" && fail "the revoked proxy is still listed"
(($(grep -c "đã về (left)" "$work/out.txt") == 2)) || fail "attendance: $(cat "$work/out.txt")"
grep -q "Túc số / quorum: 6/12 thành viên có mặt / members present, cần / required 7 .*CHƯA ĐỦ" \
  "$work/out.txt" || fail "attendance: $(cat "$work/out.txt")"
ok "checkouts (own and by the secretary) and a revoked proxy: quorum lost, 6 of 12"

echo "vote CLI test: all checks passed"
