#!/usr/bin/env bash
# A CPU profile of the built adapter under load, summarised: where the time of one kind of request
# goes. The fake upstream and wrk share CPU 0, the adapter has CPU 1 (with taskset), as in the bench.
#
#   bench/profile.sh stream|json|long [seconds]     (needs wrk; builds first)
#
# Prints the busy share of the functions that cost most by self time and inclusive time, and keeps
# the .cpuprofile under bench/results/profile/ (open it in Chrome DevTools for the whole tree).
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-stream}"
seconds="${2:-8}"
command -v wrk >/dev/null || { echo "wrk is needed: sudo apt-get install -y wrk" >&2; exit 1; }
# `pin CPU command…`: the command on one CPU when taskset is there (an array, so env can run it too).
pin() { if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }
on_cpu1=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then on_cpu1=(taskset -c 1); fi
out="bench/results/profile"
rm -rf "$out" && mkdir -p "$out"
body="$out/body.json"
case "$kind" in
  stream) echo '{"model":"gpt-bench","messages":[{"role":"user","content":"Say hello."}],"stream":true}' >"$body" ;;
  json) echo '{"model":"gpt-bench","messages":[{"role":"user","content":"Say hello."}]}' >"$body" ;;
  long) node --import tsx -e "import('./bench/bodies.ts').then((m) => process.stdout.write(m.longConversationBody()))" >"$body" ;;
  *) echo "usage: bench/profile.sh stream|json|long [seconds]" >&2; exit 1 ;;
esac
npm run build >/dev/null
port_of() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
upstream_port="$(port_of)"
adapter_port="$(port_of)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
pin 0 node bench/fake-upstream.mjs "$upstream_port" >/dev/null &
pids+=($!)
env -i PATH="$PATH" HOME="$HOME" NODE_ENV=production PORT="$adapter_port" HOST=127.0.0.1 \
  UPSTREAM_BASE_URL="http://127.0.0.1:$upstream_port/v1" UPSTREAM_API_KEY=sk-bench ADAPTER_AUTH=none \
  LOG_LEVEL=warn UPSTREAM_RETRIES=0 STREAM_HEARTBEAT_MS=0 \
  "${on_cpu1[@]}" node --cpu-prof --cpu-prof-dir="$out" dist/server.js >"$out/adapter.log" 2>&1 &
adapter=$!
pids+=($adapter)
ready=""
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$adapter_port/healthz" && ready=1 && break; sleep 0.1; done
[ -n "$ready" ] || { echo "the adapter did not start:" >&2; cat "$out/adapter.log" >&2; exit 1; }
url="http://127.0.0.1:$adapter_port/v1/chat/completions"
WRK_BODY_FILE="$body" pin 0 wrk -t1 -c32 -d2s -s bench/wrk-post.lua "$url" >/dev/null
WRK_BODY_FILE="$body" pin 0 wrk -t1 -c32 -d"${seconds}s" -s bench/wrk-post.lua "$url" | grep -E 'Requests/sec|Non-2xx' || true
# SIGINT: the adapter drains and exits, and Node writes the profile.
kill -INT "$adapter"
wait "$adapter" || true
node bench/profile-summary.mjs "$out"/*.cpuprofile
