/**
 * A loopback OpenAI-compatible chat-completions server. The requested model decides the behaviour:
 * `*-fail` answers HTTP 500, `*-slow` answers after `slowMs`, `*-flaky` fails its first call then works,
 * anything else replies `<model>: <last user message>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  model: string;
  messages: { role: string; content: string }[];
  authorization: string | undefined;
  path: string;
}

export interface FakeOpenAi {
  baseUrl: string;
  calls: RecordedCall[];
  slowMs: number;
  close(): Promise<void>;
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const calls: RecordedCall[] = [];
  const flakySeen = new Set<string>();
  const state = { slowMs: 2000 };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      const parsed = JSON.parse(body) as { model: string; messages: { role: string; content: string }[] };
      calls.push({
        model: parsed.model,
        messages: parsed.messages,
        authorization: req.headers.authorization,
        path: req.url,
      });
      const reply = (): void => {
        const last = [...parsed.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: 'chatcmpl-1',
            object: 'chat.completion',
            created: 1,
            model: parsed.model,
            choices: [
              { index: 0, message: { role: 'assistant', content: `${parsed.model}: ${last}` }, finish_reason: 'stop' },
            ],
            usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
          }),
        );
      };
      if (parsed.model.endsWith('-fail')) {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"model crashed"}}');
      } else if (parsed.model.endsWith('-flaky') && !flakySeen.has(parsed.model)) {
        flakySeen.add(parsed.model);
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"message":"loading"}}');
      } else if (parsed.model.endsWith('-slow')) {
        const t = setTimeout(reply, state.slowMs);
        res.on('close', () => clearTimeout(t));
      } else {
        reply();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    calls,
    get slowMs() {
      return state.slowMs;
    },
    set slowMs(v: number) {
      state.slowMs = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
