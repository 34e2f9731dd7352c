import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { chatHeadFirst, startGateway, type ChatReply, type TestGateway } from '../../helpers/gateway.js';

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
        const body = { query: '退货怎么办', session_id: `closing-${String(keepAlive)}` };
        const inFlight = chatHeadFirst(gw.url, gw.key, agent, body);
        await inFlight.headRead;

        let closed = false;
        const closing = gw.close().then(() => {
          closed = true;
        });
        await settle();
        assert.equal(closed, false, 'close() must wait for the request in flight');
        await assert.rejects(fetch(`${gw.url}/api/v1/health`), 'a closing gateway accepts no new connections');

        inFlight.finish();
        const answer = await inFlight.response;
        assert.equal(answer.status, 200);
        const reply = JSON.parse(answer.text) as ChatReply;
        assert.equal(reply.intent, 'returns');
        assert.match(reply.reply, /退货/);

        await closing;
        assert.equal(closed, true);
      });
    });
  }
});
