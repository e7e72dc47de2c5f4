// Drives logsift's OpenAI-compatible server with the official openai npm
// client: a completion, a streamed chat (checked against the same chat
// unstreamed), a json_schema chat and an error. Exits non-zero on the first
// failed check. OPENAI_BASE_URL (…/v1) and MODEL come from the Go test.
import OpenAI from 'openai';
import assert from 'node:assert/strict';

const baseURL = process.env.OPENAI_BASE_URL;
const model = process.env.MODEL;
assert.ok(baseURL && model, 'OPENAI_BASE_URL and MODEL must be set');
const client = new OpenAI({ baseURL, apiKey: 'not-needed', maxRetries: 0, timeout: 60_000 });

// 1. A completion.
const c = await client.completions.create({ model, prompt: 'the quick brown fox', max_tokens: 8, temperature: 0, seed: 1 });
assert.equal(c.object, 'text_completion');
assert.equal(c.model, model);
assert.equal(c.choices.length, 1);
assert.equal(typeof c.choices[0].text, 'string');
assert.ok(['stop', 'length'].includes(c.choices[0].finish_reason), `finish_reason ${c.choices[0].finish_reason}`);
assert.ok(c.usage.prompt_tokens > 0 && c.usage.completion_tokens > 0, JSON.stringify(c.usage));
assert.equal(c.usage.total_tokens, c.usage.prompt_tokens + c.usage.completion_tokens);
console.log(`completion ok: ${JSON.stringify(c.choices[0].text)} (${c.usage.completion_tokens} tokens)`);

// 2. A streamed chat equals the same chat unstreamed.
const messages = [{ role: 'system', content: 'You label log lines.' }, { role: 'user', content: 'kernel: EXT4-fs error on sda1' }];
const whole = await client.chat.completions.create({ model, messages, max_tokens: 16, temperature: 0 });
const stream = await client.chat.completions.create({ model, messages, max_tokens: 16, temperature: 0, stream: true, stream_options: { include_usage: true } });
let text = '', finish = null, usage = null, chunks = 0, role = null;
for await (const chunk of stream) {
  assert.equal(chunk.object, 'chat.completion.chunk');
  if (chunk.usage) usage = chunk.usage;
  if (chunk.choices.length === 0) continue;
  chunks++;
  const ch = chunk.choices[0];
  if (ch.delta.role) role = ch.delta.role;
  if (ch.delta.content) text += ch.delta.content;
  if (ch.finish_reason) finish = ch.finish_reason;
}
assert.equal(role, 'assistant');
assert.ok(chunks >= 2, `only ${chunks} chunks`);
assert.equal(text, whole.choices[0].message.content);
assert.equal(finish, whole.choices[0].finish_reason);
assert.ok(usage && usage.completion_tokens === whole.usage.completion_tokens, `usage ${JSON.stringify(usage)} vs ${JSON.stringify(whole.usage)}`);
console.log(`streamed chat ok: ${chunks} chunks, ${JSON.stringify(text)}`);

// 3. A json_schema chat: the answer parses and has the schema's labels.
const severities = ['debug', 'info', 'warning', 'error', 'critical'];
const categories = ['auth', 'network', 'storage', 'database', 'hardware', 'system', 'application', 'resource', 'scheduler', 'config'];
const schema = {
  type: 'object',
  properties: {
    severity: { type: 'string', enum: severities },
    category: { type: 'string', enum: categories },
    component: { type: 'string', maxLength: 48 },
  },
  required: ['severity', 'category', 'component'],
  additionalProperties: false,
};
for (const seed of [1, 2, 3]) {
  const r = await client.chat.completions.create({
    model, messages, temperature: 1, seed,
    response_format: { type: 'json_schema', json_schema: { name: 'classification', strict: true, schema } },
  });
  const content = r.choices[0].message.content;
  const v = JSON.parse(content);
  assert.deepEqual(Object.keys(v), ['severity', 'category', 'component'], content);
  assert.ok(severities.includes(v.severity), content);
  assert.ok(categories.includes(v.category), content);
  assert.ok(typeof v.component === 'string' && [...v.component].length <= 48, content);
  console.log(`json_schema chat ok: ${content}`);
}

// 4. Errors arrive as the client's typed errors.
try {
  await client.chat.completions.create({ model: 'no-such-model', messages });
  assert.fail('an unknown model was accepted');
} catch (e) {
  assert.ok(e instanceof OpenAI.NotFoundError, `got ${e}`);
  assert.equal(e.code, 'model_not_found');
}
try {
  await client.chat.completions.create({ model, messages, n: 2 });
  assert.fail('n = 2 was accepted');
} catch (e) {
  assert.ok(e instanceof OpenAI.BadRequestError, `got ${e}`);
  assert.equal(e.param, 'n');
}
console.log('errors ok');
