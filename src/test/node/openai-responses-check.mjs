// Drives a server's OpenAI Responses API (/v1/responses) with the official `openai` npm client, streamed and not,
// and prints one JSON object of what it read. Exits non-zero when the SDK rejected anything: a thrown error, an SDK
// warning or error log, an empty answer or a missing usage block.
// Usage: node openai-responses-check.mjs BASE_URL [model] [reasoningModel]
//   BASE_URL is the server root (http://127.0.0.1:PORT); the SDK is pointed at BASE_URL/v1.
import OpenAI from 'openai';

const base = process.argv[2];
const model = process.argv[3] ?? 'llama3.2:3b';
const reasoningModel = process.argv[4];
if (!base) {
  console.error('usage: node openai-responses-check.mjs BASE_URL [model] [reasoningModel]');
  process.exit(2);
}
const sdkLogs = [];
const record = level => (...args) => sdkLogs.push(`${level}: ${args.map(String).join(' ')}`);
const client = new OpenAI({
  baseURL: `${base.replace(/\/$/, '')}/v1`, apiKey: 'sk-local', maxRetries: 0, timeout: 30_000,
  logLevel: 'warn', logger: { error: record('error'), warn: record('warn'), info() {}, debug() {} },
});
const out = {};
const failures = [];
const expect = (ok, what) => { if (!ok) failures.push(what); };
const input = 'Why is the sky blue?';
const usageOf = u => u && { input_tokens: u.input_tokens, output_tokens: u.output_tokens, total_tokens: u.total_tokens,
  cached_tokens: u.input_tokens_details?.cached_tokens, reasoning_tokens: u.output_tokens_details?.reasoning_tokens };

// 1. not streamed: the SDK adds output_text from output[].content[] (a message item without content[] throws)
const resp = await client.responses.create({ model, input, max_output_tokens: 8 });
out.create = { id: resp.id, object: resp.object, status: resp.status, output_text: resp.output_text,
  output_types: resp.output.map(o => o.type), usage: usageOf(resp.usage) };
expect(resp.output_text.length > 0, 'create: empty output_text');
expect(resp.usage != null, 'create: no usage');

// 2. streamed, raw events in the order the server sent them
const types = [];
let text = '';
let completed;
for await (const ev of await client.responses.create({ model, input, max_output_tokens: 6, stream: true })) {
  types.push(ev.type);
  if (ev.type === 'response.output_text.delta') text += ev.delta;
  if (ev.type === 'response.completed' || ev.type === 'response.incomplete') completed = ev.response;
}
out.createStream = { events: types.length, first: types[0], last: types.at(-1),
  deltas: types.filter(t => t === 'response.output_text.delta').length, text, status: completed?.status,
  completedText: (completed?.output ?? []).filter(o => o.type === 'message').flatMap(o => o.content)
    .map(c => c.text).join(''),
  usage: usageOf(completed?.usage) };
expect(types[0] === 'response.created', `createStream: first event ${types[0]}`);
expect(text.length > 0, 'createStream: no text deltas');
expect(completed?.usage != null, 'createStream: no usage in response.completed');
const seqs = [];

// 3. the stream helper: it rebuilds the response from the events and throws on any out-of-order or unknown event
const helper = client.responses.stream({ model, input, max_output_tokens: 6 });
helper.on('event', ev => seqs.push(ev.sequence_number));
const final = await helper.finalResponse();
out.stream = { status: final.status, output_text: final.output_text, usage: usageOf(final.usage),
  sequenceIncreasing: seqs.every((s, i) => i === 0 || s > seqs[i - 1]) };
expect(final.output_text.length > 0, 'stream: empty output_text');
expect(out.stream.sequenceIncreasing, 'stream: sequence_number not increasing');

// 4. a reasoning model, when given: reasoning_text deltas before the answer
if (reasoningModel) {
  const order = [];
  const r = client.responses.stream({ model: reasoningModel, input, max_output_tokens: 64, reasoning: { effort: 'low' } });
  r.on('event', ev => {
    if (ev.type === 'response.reasoning_text.delta') order.push('r');
    if (ev.type === 'response.output_text.delta') order.push('a');
  });
  const fr = await r.finalResponse();
  out.reasoning = { output_types: fr.output.map(o => o.type), reasoningDeltas: order.filter(x => x === 'r').length,
    answerDeltas: order.filter(x => x === 'a').length, reasoningFirst: order[0] === 'r', usage: usageOf(fr.usage) };
  expect(out.reasoning.reasoningDeltas > 0 && out.reasoning.reasoningFirst, 'reasoning: no reasoning before the answer');
}

// 5. an unknown model: the SDK turns the error body into an APIError
try {
  await client.responses.create({ model: 'no-such-model', input });
  out.notFound = null;
} catch (e) {
  out.notFound = { status: e.status ?? null, type: e.type ?? e.error?.type ?? null, code: e.code ?? null, message: e.message };
}

out.sdkLogs = sdkLogs;
expect(sdkLogs.length === 0, 'SDK logged warnings/errors');
out.failures = failures;
console.log(JSON.stringify(out));
if (failures.length) process.exit(1);
