// Drives the simulator with the official `ollama` npm client and prints one JSON object of what it read.
// Usage: node ollama-client-check.mjs http://127.0.0.1:PORT [chatModel] [embedModel]
import { Ollama } from 'ollama';

const host = process.argv[2];
const chatModel = process.argv[3] ?? 'llama3.2:3b';
const embedModel = process.argv[4] ?? 'nomic-embed-text';
if (!host) {
  console.error('usage: node ollama-client-check.mjs BASE_URL [chatModel] [embedModel]');
  process.exit(2);
}
const ollama = new Ollama({ host });
const out = {};

const messages = [{ role: 'user', content: 'Why is the sky blue?' }];

const chat = await ollama.chat({ model: chatModel, messages, stream: false, options: { num_predict: 8 } });
out.chat = {
  role: chat.message.role, content: chat.message.content, done: chat.done, done_reason: chat.done_reason,
  eval_count: chat.eval_count, prompt_eval_count: chat.prompt_eval_count, total_duration: chat.total_duration,
  load_duration: chat.load_duration, prompt_eval_duration: chat.prompt_eval_duration,
  eval_duration: chat.eval_duration,
};

const parts = [];
let last;
for await (const part of await ollama.chat({ model: chatModel, messages, stream: true, options: { num_predict: 6 } })) {
  if (!part.done) parts.push(part.message.content);
  last = part;
}
out.chatStream = { chunks: parts.length, text: parts.join(''), done: last.done, done_reason: last.done_reason,
  eval_count: last.eval_count };

const gen = await ollama.generate({ model: chatModel, prompt: 'Say hi', stream: false, options: { num_predict: 4 } });
out.generate = { response: gen.response, done: gen.done, eval_count: gen.eval_count, context: Array.isArray(gen.context) };

let genChunks = 0;
for await (const part of await ollama.generate({ model: chatModel, prompt: 'Say hi', stream: true, options: { num_predict: 5 } })) {
  if (!part.done) genChunks++;
  last = part;
}
out.generateStream = { chunks: genChunks, done: last.done, eval_count: last.eval_count };

const embed = await ollama.embed({ model: embedModel, input: ['first text', 'second text'] });
out.embed = { model: embed.model, count: embed.embeddings.length, dimensions: embed.embeddings[0].length,
  prompt_eval_count: embed.prompt_eval_count };

const legacy = await ollama.embeddings({ model: embedModel, prompt: 'one text' });
out.embeddings = { dimensions: legacy.embedding.length };

const list = await ollama.list();
out.list = list.models.map(m => ({ name: m.name, size: m.size, family: m.details.family,
  parameter_size: m.details.parameter_size }));

const show = await ollama.show({ model: chatModel });
out.show = { family: show.details.family, capabilities: show.capabilities,
  architecture: show.model_info['general.architecture'] };

const ps = await ollama.ps();
out.ps = ps.models.map(m => ({ name: m.name, expires_at: m.expires_at, size_vram: m.size_vram }));

const version = await ollama.version?.();
out.version = version?.version ?? null;

try {
  await ollama.chat({ model: 'no-such-model', messages });
  out.notFound = null;
} catch (e) {
  out.notFound = { status: e.status_code, message: e.error };
}

console.log(JSON.stringify(out));
