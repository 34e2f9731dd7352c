import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { MemoryTurn, TurnReply } from '../../../core/ports/memory.js';
import { decodeTurn, encodeTurn } from '../../../memory/index.js';
import { encodeReply, normalizeTurn, turnIdPrefix } from '../../../memory/turn-codec.js';

const replyArb: fc.Arbitrary<TurnReply> = fc.record(
  {
    author: fc.constantFrom('bot' as const, 'agent' as const, 'system' as const),
    text: fc.string({ unit: 'grapheme' }),
    at: fc.integer({ min: 0, max: 2 ** 52 }),
    agentId: fc.string(),
  },
  { requiredKeys: ['author', 'text', 'at'] },
);

const turnArb: fc.Arbitrary<MemoryTurn> = fc.record(
  {
    id: fc.string({ unit: 'binary' }),
    user: fc.string({ unit: 'binary' }),
    replies: fc.array(replyArb, { maxLength: 4 }),
    at: fc.integer({ min: 0, max: 2 ** 52 }),
    meta: fc.dictionary(fc.string(), fc.string()),
  },
  { requiredKeys: ['id', 'user', 'replies', 'at'] },
);

describe('turn codec', () => {
  it('round-trips any turn (decode . encode = identity on plain turns)', () => {
    fc.assert(
      fc.property(turnArb, (turn) => {
        assert.deepEqual(decodeTurn(encodeTurn(turn)), normalizeTurn(turn));
      }),
    );
  });

  it('appends a reply by concatenation, as the Lua script does', () => {
    fc.assert(
      fc.property(turnArb, replyArb, (turn, reply) => {
        const decoded = decodeTurn(`${encodeTurn(turn)}\n${encodeReply(reply)}`);
        assert.deepEqual(decoded, normalizeTurn({ ...turn, replies: [...turn.replies, reply] }));
      }),
    );
  });

  it('starts every entry with its own id prefix and with no other id prefix', () => {
    fc.assert(
      fc.property(turnArb, fc.string({ unit: 'binary' }), (turn, otherId) => {
        const entry = encodeTurn(turn);
        assert.ok(entry.startsWith(turnIdPrefix(turn.id)));
        assert.equal(entry.startsWith(turnIdPrefix(otherId)), otherId === turn.id);
      }),
    );
  });

  it('never emits a raw newline inside a part', () => {
    fc.assert(
      fc.property(turnArb, (turn) => {
        assert.equal(encodeTurn(turn).split('\n').length, 1 + turn.replies.length);
      }),
    );
  });

  it('drops undefined optional fields', () => {
    const turn = { id: 'a', user: 'u', replies: [], at: 1, meta: undefined } as unknown as MemoryTurn;
    assert.deepEqual(Object.keys(decodeTurn(encodeTurn(turn))!), ['id', 'user', 'replies', 'at']);
  });

  it('rejects entries that are not in the wire format', () => {
    for (const bad of [
      '',
      'not json',
      '[]',
      '{"id":1,"user":"u","at":1}',
      '{"id":"a","user":"u"}',
      '{"id":"a","user":"u","at":1,"meta":{"k":1}}',
      '{"id":"a","user":"u","at":1}\n{"author":"robot","text":"t","at":1}',
      '{"id":"a","user":"u","at":1}\n{"author":"bot","text":"t","at":1,"agentId":7}',
      '{"id":"a","user":"u","at":1}\nnope',
    ]) {
      assert.equal(decodeTurn(bad), undefined, bad);
    }
  });
});
