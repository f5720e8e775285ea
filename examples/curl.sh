#!/usr/bin/env bash
# Plain curl against the adapter: a non-streamed answer, then a streamed one.
# Usage: ./examples/curl.sh    (works with nothing set, e.g. against `npm run demo`)
#   ADAPTER_URL     the adapter's base URL (default http://localhost:8080/v1)
#   OPENAI_API_KEY  the key this client presents to the adapter, sent as `Authorization: Bearer …`:
#                   - adapter without UPSTREAM_API_KEY: your upstream (OpenAI or relay) key; the adapter forwards it
#                   - adapter with ADAPTER_API_KEYS: one of those keys (the adapter uses its own UPSTREAM_API_KEY upstream)
#                   - `npm run demo`: nothing, or anything
#   MODEL           default gpt-5-mini
set -euo pipefail
url="${ADAPTER_URL:-http://localhost:8080/v1}"
model="${MODEL:-gpt-5-mini}"
auth=()
if [ -n "${OPENAI_API_KEY:-}" ]; then auth=(-H "Authorization: Bearer $OPENAI_API_KEY"); fi

curl -sS "$url/chat/completions" \
  ${auth[@]+"${auth[@]}"} \
  -H "Content-Type: application/json" \
  -d "{\"model\":\"$model\",\"messages\":[{\"role\":\"system\",\"content\":\"Answer in one sentence.\"},{\"role\":\"user\",\"content\":\"What is the Responses API?\"}]}"
echo

# -N: print each SSE frame as it arrives. Frames are `data: {...chat.completion.chunk...}`, then `data: [DONE]`.
curl -sSN "$url/chat/completions" \
  ${auth[@]+"${auth[@]}"} \
  -H "Content-Type: application/json" \
  -d "{\"model\":\"$model\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Count to five.\"}]}"
