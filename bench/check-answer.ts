/**
 * One request before each load run, checked in full: a load run counts statuses only, so a target
 * that answered 200 with the wrong body would otherwise be measured as if it worked.
 */
const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-bench' };

async function post(url: string, body: string): Promise<{ status: number; contentType: string; text: string }> {
  const reply = await fetch(url, { method: 'POST', headers, body });
  return { status: reply.status, contentType: reply.headers.get('content-type') ?? '', text: await reply.text() };
}

function fail(url: string, what: string, text: string): never {
  throw new Error(`sample request to ${url}: ${what}; body starts: ${text.slice(0, 300)}`);
}

/** SSE frames as [event name, data] pairs. */
function frames(text: string): Array<{ event: string | undefined; data: string }> {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const lines = frame.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length);
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice('data: '.length))
        .join('\n');
      return { event, data };
    });
}

interface ResponseObject {
  output?: Array<{ content?: Array<{ text?: string }> }>;
}

/** The answer text the fake upstream sends, read from a direct non-stream call. */
export async function upstreamText(url: string, body: string): Promise<string> {
  const { status, text } = await post(url, body);
  const parsed = JSON.parse(text) as ResponseObject;
  const answer = parsed.output?.[0]?.content?.[0]?.text;
  if (status !== 200 || typeof answer !== 'string' || answer === '') fail(url, `status ${status}, no output text`, text);
  return answer;
}

/** A Responses answer (direct or through the pipe): the Response object, or a stream ending in response.completed. */
export async function checkResponsesAnswer(url: string, body: string, stream: boolean, expected: string): Promise<void> {
  const { status, contentType, text } = await post(url, body);
  if (status !== 200) fail(url, `status ${status}`, text);
  if (!stream) {
    const answer = (JSON.parse(text) as ResponseObject).output?.[0]?.content?.[0]?.text;
    if (answer !== expected) fail(url, 'the output text is not the expected one', text);
    return;
  }
  if (!contentType.includes('text/event-stream')) fail(url, `content type ${contentType}`, text);
  const events = frames(text).map((frame) => JSON.parse(frame.data) as { type: string; delta?: string });
  if (events.at(-1)?.type !== 'response.completed') fail(url, 'the last event is not response.completed', text);
  const joined = events.map((event) => (event.type === 'response.output_text.delta' ? event.delta : '')).join('');
  if (joined !== expected) fail(url, 'the deltas do not add up to the expected text', text);
}

interface ChatCompletion {
  choices?: Array<{ message?: { content?: string }; finish_reason?: string }>;
}
interface ChatChunk {
  choices?: Array<{ delta?: { content?: string }; finish_reason?: string | null }>;
}

/** A Chat Completions answer from the adapter: the completion, or chunks ending in `data: [DONE]`. */
export async function checkChatAnswer(url: string, body: string, stream: boolean, expected: string): Promise<void> {
  const { status, contentType, text } = await post(url, body);
  if (status !== 200) fail(url, `status ${status}`, text);
  if (!stream) {
    const choice = (JSON.parse(text) as ChatCompletion).choices?.[0];
    if (choice?.message?.content !== expected || choice.finish_reason !== 'stop') {
      fail(url, 'the message is not the expected text with finish_reason stop', text);
    }
    return;
  }
  if (!contentType.includes('text/event-stream')) fail(url, `content type ${contentType}`, text);
  const data = frames(text).map((frame) => frame.data);
  if (data.at(-1) !== '[DONE]') fail(url, 'the stream does not end with data: [DONE]', text);
  const chunks = data.slice(0, -1).map((item) => JSON.parse(item) as ChatChunk);
  const joined = chunks.map((chunk) => chunk.choices?.[0]?.delta?.content ?? '').join('');
  if (joined !== expected) fail(url, 'the chunks do not add up to the expected text', text);
  if (chunks.at(-1)?.choices?.[0]?.finish_reason !== 'stop') fail(url, 'the last chunk has no finish_reason stop', text);
}
