#!/usr/bin/env bash
# hopsod refuses to start, with a message a person understands, when it
# cannot work: port taken, data directory not writable, database written by
# a newer Hopso, --insecure off loopback.
set -uo pipefail
hopsod=$1
work=$(mktemp -d)
first_pid=
cleanup() {
  [[ -n $first_pid ]] && kill "$first_pid" 2>/dev/null && wait "$first_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
passes=0

# expect_refusal NAME EXPECTED_TEXT ARGS...: hopsod must exit non-zero, at once,
# saying EXPECTED_TEXT on stderr.
expect_refusal() {
  local name=$1 expected=$2
  shift 2
  local err
  err=$(timeout 20 "$hopsod" "$@" 2>&1 >/dev/null)
  local code=$?
  if [[ $code -ne 0 && $code -ne 124 && $err == *"$expected"* ]]; then
    echo "ok: $name -> ${err##*$'\n'}"
    passes=$((passes + 1))
  else
    echo "FAIL: $name: exit $code, stderr: $err (expected '$expected')"
    failures=$((failures + 1))
  fi
}

# A first server holds a port; read its address from its first stdout line.
mkfifo "$work/out"
"$hopsod" --data_dir "$work/first" --listen 127.0.0.1:0 >"$work/out" 2>"$work/first.err" &
first_pid=$!
exec 3<"$work/out"
if ! read -r -t 20 line <&3; then
  echo "FAIL: the first hopsod did not start: $(cat "$work/first.err")"
  exit 1
fi
port=${line##*:}
port=${port%% *}
expect_refusal "port taken" "cannot listen on 127.0.0.1:$port" \
  --data_dir "$work/second" --listen "127.0.0.1:$port"

touch "$work/a-file"
expect_refusal "data directory not writable" "is not writable" \
  --data_dir "$work/a-file/data" --listen 127.0.0.1:0

mkdir -p "$work/newer"
sqlite3 "$work/newer/hopso.db" "PRAGMA user_version = 999;"
expect_refusal "database from a newer hopsod" "newer than this Hopso knows" \
  --data_dir "$work/newer" --listen 127.0.0.1:0

expect_refusal "insecure off loopback" "only allowed on a loopback address" \
  --data_dir "$work/insecure" --listen 0.0.0.0:0 --insecure

expect_refusal "bad listen address" "--listen must be host:port" \
  --data_dir "$work/bad" --listen nonsense

kill -TERM "$first_pid"
wait "$first_pid"
code=$?
first_pid=
if [[ $code -eq 0 ]]; then
  echo "ok: SIGTERM stops hopsod with exit 0"
  passes=$((passes + 1))
else
  echo "FAIL: SIGTERM exit code $code"
  failures=$((failures + 1))
fi
echo "$passes passed, $failures failed"
[[ $failures -eq 0 ]]
