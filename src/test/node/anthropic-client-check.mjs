// Drives a server's Anthropic Messages API (/v1/messages) with the official `@anthropic-ai/sdk` npm client, streamed
// and not, and prints one JSON object of what it read. Exits non-zero when the SDK rejected anything: a thrown error,
// an SDK warning or error log, an empty answer or a missing usage block.
// Usage: node anthropic-client-check.mjs BASE_URL [model] [thinkingModel]
//   BASE_URL is the server root (http://127.0.0.1:PORT); the SDK appends /v1/messages itself.
import Anthropic from '@anthropic-ai/sdk';

const base = process.argv[2];
const model = process.argv[3] ?? 'llama3.2:3b';
const thinkingModel = process.argv[4];
if (!base) {
  console.error('usage: node anthropic-client-check.mjs BASE_URL [model] [thinkingModel]');
  process.exit(2);
}
const sdkLogs = [];
const record = level => (...args) => sdkLogs.push(`${level}: ${args.map(String).join(' ')}`);
const client = new Anthropic({
  baseURL: base.replace(/\/$/, ''), apiKey: 'sk-local', maxRetries: 0, timeout: 30_000,
  logLevel: 'warn', logger: { error: record('error'), warn: record('warn'), info() {}, debug() {} },
});
const out = {};
const failures = [];
const expect = (ok, what) => { if (!ok) failures.push(what); };
const messages = [{ role: 'user', content: 'Why is the sky blue?' }];
const usageOf = u => u && { input_tokens: u.input_tokens, output_tokens: u.output_tokens,
  cache_read_input_tokens: u.cache_read_input_tokens ?? null };
const textOf = m => m.content.filter(b => b.type === 'text').map(b => b.text).join('');

// 1. not streamed
const msg = await client.messages.create({ model, max_tokens: 8, messages });
out.create = { id: msg.id, type: msg.type, role: msg.role, stop_reason: msg.stop_reason, text: textOf(msg),
  blocks: msg.content.map(b => b.type), usage: usageOf(msg.usage) };
expect(out.create.text.length > 0, 'create: empty text');
expect(msg.usage?.output_tokens > 0, 'create: no usage.output_tokens');

// 2. streamed, raw events in order (the SDK drops SSE messages without an `event:` line and skips `ping`)
const types = [];
let text = '';
let outputTokens;
for await (const ev of await client.messages.create({ model, max_tokens: 6, messages, stream: true })) {
  types.push(ev.type);
  if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
  if (ev.type === 'message_delta') outputTokens = ev.usage?.output_tokens;
}
out.createStream = { events: types.length, order: [...new Set(types)], text, output_tokens: outputTokens };
expect(types[0] === 'message_start', `createStream: first event ${types[0]}`);
expect(types.at(-1) === 'message_stop', `createStream: last event ${types.at(-1)}`);
expect(text.length > 0, 'createStream: no text deltas');
expect(outputTokens > 0, 'createStream: no usage in message_delta');

// 3. the stream helper: rebuilds the message, throws on event order errors; finalText() needs a text block
const stream = client.messages.stream({ model, max_tokens: 6, messages });
let textEvents = 0;
stream.on('text', () => textEvents++);
const final = await stream.finalMessage();
out.stream = { stop_reason: final.stop_reason, text: textOf(final), textEvents, usage: usageOf(final.usage),
  finalText: await stream.finalText() };
expect(out.stream.text.length > 0, 'stream: empty text');

// 4. a thinking model, when given: thinking block before the text block
if (thinkingModel) {
  const s = client.messages.stream({ model: thinkingModel, max_tokens: 256, messages,
    thinking: { type: 'enabled', budget_tokens: 128 } });
  let thinkingDeltas = 0;
  s.on('thinking', () => thinkingDeltas++);
  const m = await s.finalMessage();
  out.thinking = { blocks: m.content.map(b => b.type), thinkingDeltas, stop_reason: m.stop_reason, usage: usageOf(m.usage) };
  expect(m.content[0]?.type === 'thinking' && thinkingDeltas > 0, 'thinking: no thinking block first');
}

// 5. an unknown model: the SDK turns the error body into an APIError
try {
  await client.messages.create({ model: 'no-such-model', max_tokens: 8, messages });
  out.notFound = null;
} catch (e) {
  out.notFound = { status: e.status ?? null, type: e.error?.error?.type ?? null, message: e.message };
}

out.sdkLogs = sdkLogs;
expect(sdkLogs.length === 0, 'SDK logged warnings/errors');
out.failures = failures;
console.log(JSON.stringify(out));
if (failures.length) process.exit(1);
