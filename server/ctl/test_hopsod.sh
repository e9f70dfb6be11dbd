# Sourced by hopsoctl's shell tests: one hopsod for the test, on a free
# loopback port, and the helpers the tests drive hopsoctl and read PDFs with.
# The test sets bin (hopsod and hopsoctl), csv (the demo's people, passwords
# in the last column), work (a scratch directory, for start_fresh_hopsod and
# expect_exit) and, once hopsod runs, ctl (hopsoctl with --server and
# --ca_file).

hopsod_pid=""
address=""

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ok() { echo "ok: $*"; }

# start_hopsod DATA_DIR LOG SCRATCH_DIR
#
# Starts $bin/hopsod on DATA_DIR (stderr appended to LOG) and sets hopsod_pid
# and address from its "listening on" line.
start_hopsod() {
  local data=$1 log=$2 fifo=$3/hopsod.out line
  rm -f "$fifo"
  mkfifo "$fifo"
  "$bin/hopsod" --data_dir "$data" --listen 127.0.0.1:0 >"$fifo" 2>>"$log" &
  hopsod_pid=$!
  exec 3<"$fifo"
  address=""
  while IFS= read -r line <&3; do
    if [[ $line =~ ^hopsod\ listening\ on\ (.+)\ \((tls|insecure)\)$ ]]; then
      address=${BASH_REMATCH[1]}
      break
    fi
  done
  [[ -n $address ]] || fail "hopsod did not start on $data (see $log)"
  cat <&3 >/dev/null &
  exec 3<&-
}

# stop_hopsod: SIGTERM and wait, if it runs; for an EXIT trap.
stop_hopsod() {
  if [[ -n $hopsod_pid ]] && kill -0 "$hopsod_pid" 2>/dev/null; then
    kill -TERM "$hopsod_pid"
    wait "$hopsod_pid" || true
  fi
}

# start_fresh_hopsod ADMIN_PASSWORD
#
# A new data directory $work/data whose administrator is "admin", hopsod on
# it, and ctl set to talk to it. Logins save their token under $HOME, so HOME
# becomes $work.
start_fresh_hopsod() {
  "$bin/hopsoctl" init --data_dir "$work/data" --admin_username admin --admin_password "$1" \
    >/dev/null
  start_hopsod "$work/data" "$work/hopsod.log" "$work"
  export HOME=$work
  ctl=("$bin/hopsoctl" --server "$address" --ca_file "$work/data/tls/server.crt")
}

# as USERNAME: hopsoctl logs in as one of the people in $csv.
as() {
  local username=$1 password
  password=$(awk -F, -v u="$username" '$1 == u { print $NF }' "$csv")
  "${ctl[@]}" login --username "$username" --password "$password" >/dev/null
}

# expect_exit CODE ARGS...: runs hopsoctl ARGS expecting exit CODE, its
# output in $work/out.txt and $work/err.txt.
expect_exit() {
  local want=$1 rc=0
  shift
  "${ctl[@]}" "$@" >"$work/out.txt" 2>"$work/err.txt" || rc=$?
  ((rc == want)) || fail "hopsoctl $* exited $rc, expected $want: $(cat "$work/err.txt")"
}

# text_lacks TEXT_FILE STRING...: prints the STRINGs that pdftotext's output
# TEXT_FILE lacks and fails if there are any. pdftotext breaks lines where the
# PDF wraps them: both sides are compared in NFC, with runs of white space
# made one space.
text_lacks() {
  python3 - "$@" <<'EOF'
import sys, unicodedata
def norm(s): return " ".join(unicodedata.normalize("NFC", s).split())
text = norm(open(sys.argv[1], encoding="utf-8").read())
missing = [s for s in sys.argv[2:] if norm(s) not in text]
print("\n".join(missing))
sys.exit(1 if missing else 0)
EOF
}
