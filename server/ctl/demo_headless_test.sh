#!/usr/bin/env bash
# The headless demo end to end (scripts/run --headless), then what it printed,
# checked with the tools a reader has: pdftotext finds the meeting's title in
# the handout, qpdf --check passes on the handout and the poster, and the
# poster's QR code, rendered at 150 dpi and read by zbarimg, is a HOPSO:
# payload that `hopsoctl resolve` maps to the demo meeting, against hopsod
# restarted on the demo's data. Also: every QR code of the handout resolves,
# the downloaded PDFs are the stored versions, a download resumes from a
# .part file and refuses a corrupted one, and a confidential document stays
# hidden from a delegate.
#
#   HOPSO_BIN=DIR server/ctl/demo_headless_test.sh OUT_DIR
set -euo pipefail

out=${1:?usage: demo_headless_test.sh OUT_DIR}
bin=${HOPSO_BIN:?HOPSO_BIN must name the directory with hopsod and hopsoctl}
root=$(cd "$(dirname "$0")/../.." && pwd)
csv=$root/scripts/demo/dai_bieu.csv

"$root/scripts/run" --headless --out "$out"
out=$(cd "$out" && pwd)

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ok() { echo "ok: $*"; }

scratch=$(mktemp -d)
hopsod_pid=""
cleanup() {
  if [[ -n $hopsod_pid ]] && kill -0 "$hopsod_pid" 2>/dev/null; then
    kill -TERM "$hopsod_pid"
    wait "$hopsod_pid" || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT

meeting_id=$(jq -r .meeting.id "$out/meeting.json")
title=$(jq -r .meeting.title "$out/meeting.json")

# pdftotext breaks the title where the handout wraps it: compare with runs of
# white space made one space, both sides in NFC.
pdftotext -enc UTF-8 "$out/handout.pdf" "$scratch/handout.txt"
python3 - "$title" "$scratch/handout.txt" <<'EOF' || fail "handout.pdf does not contain the title \"$title\""
import sys, unicodedata
def norm(s): return " ".join(unicodedata.normalize("NFC", s).split())
sys.exit(0 if norm(sys.argv[1]) in norm(open(sys.argv[2], encoding="utf-8").read()) else 1)
EOF
ok "pdftotext handout.pdf contains \"$title\""

for pdf in handout poster; do
  qpdf --check "$out/$pdf.pdf" >"$scratch/qpdf-$pdf.txt" 2>&1 ||
    fail "qpdf --check $pdf.pdf: $(cat "$scratch/qpdf-$pdf.txt")"
done
ok "qpdf --check passes on handout.pdf and poster.pdf"

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
mkfifo "$scratch/hopsod.out"
"$bin/hopsod" --data_dir "$out/data" --listen 127.0.0.1:0 >"$scratch/hopsod.out" \
  2>>"$out/hopsod-check.log" &
hopsod_pid=$!
exec 3<"$scratch/hopsod.out"
address=""
while IFS= read -r line <&3; do
  if [[ $line =~ ^hopsod\ listening\ on\ (.+)\ \((tls|insecure)\)$ ]]; then
    address=${BASH_REMATCH[1]}
    break
  fi
done
[[ -n $address ]] || fail "hopsod did not start again on $out/data (see $out/hopsod-check.log)"
cat <&3 >/dev/null &
exec 3<&-

# Logins save their token under $HOME: keep them away from the user's own.
export HOME=$scratch
ctl=("$bin/hopsoctl" --server "$address" --ca_file "$out/data/tls/server.crt")
login() {
  local username=$1 password
  password=$(awk -F, -v u="$username" '$1 == u { print $NF }' "$csv")
  "${ctl[@]}" login --username "$username" --password "$password" >/dev/null
}

login thao.vo # a delegate (đại biểu)
"${ctl[@]}" resolve "$poster_payload" >"$scratch/resolve.txt" ||
  fail "hopsoctl resolve $poster_payload failed"
grep -qx "meeting:  $meeting_id" "$scratch/resolve.txt" ||
  fail "$poster_payload resolves to $(cat "$scratch/resolve.txt"), not meeting $meeting_id"
ok "hopsoctl resolve $poster_payload: the demo meeting $meeting_id"

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
login lan.nguyen
for payload in "${handout_payloads[@]}"; do
  [[ $payload == HOPSO:* ]] || fail "a handout QR code holds \"$payload\""
  "${ctl[@]}" resolve "$payload" >"$scratch/resolve.txt" || fail "hopsoctl resolve $payload failed"
  grep -qx "meeting:  $meeting_id" "$scratch/resolve.txt" ||
    fail "$payload resolves to $(cat "$scratch/resolve.txt")"
done
ok "all ${#handout_payloads[@]} QR codes of the handout resolve into the demo meeting"

echo "demo headless test: all checks passed"
