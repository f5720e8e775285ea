#!/usr/bin/env bash
# Plain curl against the adapter: a non-streamed answer, then a streamed one.
# Usage: ADAPTER_URL=http://localhost:8080/v1 OPENAI_API_KEY=sk-... MODEL=gpt-5-mini ./examples/curl.sh
set -euo pipefail
url="${ADAPTER_URL:-http://localhost:8080/v1}"
model="${MODEL:-gpt-5-mini}"

curl -sS "$url/chat/completions" \
  -H "Authorization: Bearer $OPENAI_API_KEY" \
  -H "Content-Type: application/json" \
  -d "{\"model\":\"$model\",\"messages\":[{\"role\":\"system\",\"content\":\"Answer in one sentence.\"},{\"role\":\"user\",\"content\":\"What is the Responses API?\"}]}"
echo

# -N: print each SSE frame as it arrives. Frames are `data: {...chat.completion.chunk...}`, then `data: [DONE]`.
curl -sSN "$url/chat/completions" \
  -H "Authorization: Bearer $OPENAI_API_KEY" \
  -H "Content-Type: application/json" \
  -d "{\"model\":\"$model\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Count to five.\"}]}"
