import assert from 'node:assert/strict';
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import { startGateway, type ChatReply, type TestGateway } from '../../helpers/gateway.js';

interface InFlight {
  readonly req: ClientRequest;
  /** Resolves once the server has read the request head (it answered `100 Continue`). */
  readonly headRead: Promise<void>;
  readonly response: Promise<{ status: number; body: ChatReply; connection: string | undefined }>;
}

/** Starts `POST /api/v1/chat` and sends only the head; the caller writes the body later. */
function startChat(gw: TestGateway, agent: Agent, body: string): InFlight {
  const { port } = new URL(gw.url);
  let headRead!: () => void;
  const headPromise = new Promise<void>((resolve) => (headRead = resolve));
  let req!: ClientRequest;
  const response = new Promise<{ status: number; body: ChatReply; connection: string | undefined }>(
    (resolve, reject) => {
      req = request(
        {
          host: '127.0.0.1',
          port,
          agent,
          method: 'POST',
          path: '/api/v1/chat',
          headers: {
            authorization: `Bearer ${gw.key}`,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            expect: '100-continue',
          },
        },
        (res: IncomingMessage) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            try {
              resolve({
                status: res.statusCode ?? 0,
                body: JSON.parse(text) as ChatReply,
                connection: res.headers.connection,
              });
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
        },
      );
      req.on('continue', () => headRead());
      req.on('error', reject);
      req.flushHeaders();
    },
  );
  return { req, headRead: headPromise, response };
}

/** Lets pending I/O callbacks and timers of this turn of the event loop run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

describe('gateway graceful close (HTTP)', () => {
  for (const keepAlive of [false, true]) {
    describe(keepAlive ? 'keep-alive client' : 'one connection per request', () => {
      let gw: TestGateway;
      let agent: Agent;
      before(async () => {
        gw = await startGateway();
        agent = new Agent({ keepAlive });
      });
      after(async () => {
        agent.destroy();
        await gw.close();
      });

      it('lets a request in flight finish, refuses new connections, then resolves close()', async function () {
        // A hang guard, not a speed check: a keep-alive socket left open would hold close() for keepAliveTimeout (65 s).
        this.timeout(10_000);
        const body = JSON.stringify({ query: '退货怎么办', session_id: `closing-${String(keepAlive)}` });
        const inFlight = startChat(gw, agent, body);
        await inFlight.headRead;

        let closed = false;
        const closing = gw.close().then(() => {
          closed = true;
        });
        await settle();
        assert.equal(closed, false, 'close() must wait for the request in flight');
        await assert.rejects(fetch(`${gw.url}/api/v1/health`), 'a closing gateway accepts no new connections');

        inFlight.req.end(body);
        const answer = await inFlight.response;
        assert.equal(answer.status, 200);
        assert.equal(answer.body.intent, 'returns');
        assert.match(answer.body.reply, /退货/);

        await closing;
        assert.equal(closed, true);
      });
    });
  }
});
