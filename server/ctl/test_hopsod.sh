# Sourced by hopsoctl's shell tests: one hopsod for the test, on a free
# loopback port.

hopsod_pid=""
address=""

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
