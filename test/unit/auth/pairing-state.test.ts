import assert from 'node:assert/strict';
import { isBotError, type ErrorCode } from '../../../core/errors.js';
import {
  addRequest,
  approveRequest,
  DECOY_SECRET_HASH,
  emptyPairingState,
  generatePairingCode,
  hashSecret,
  livePending,
  normalisePairingCode,
  PAIRING_ALPHABET,
  prune,
  rejectRequest,
  revokeClient,
  statusOf,
  verifySecret,
  type NewRequest,
  type PairingState,
} from '../../../gateway/auth/index.js';

const HOUR = 3_600_000;
const T0 = 1_700_000_000_000;

function throwsCode(fn: () => unknown, code: ErrorCode, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isBotError(error), String(error));
    assert.equal(error.code, code, error.message);
    if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}

/** Codes AAAAAAA2, AAAAAAA3, ... in order. */
function codes(...list: string[]): () => string {
  let i = 0;
  return () => list[i++ % list.length] ?? 'ZZZZZZZZ';
}

function input(clientId: string, now: number, nextCode = codes(`CODE${clientId.slice(-4).toUpperCase()}`)): NewRequest {
  return { clientId, secretHash: `hash-of-${clientId}`, now, ttlMs: HOUR, maxPending: 3, nextCode };
}

describe('pairing codes and secrets', () => {
  it('codes are 8 characters from an alphabet without 0, O, 1, I or L', () => {
    assert.equal(PAIRING_ALPHABET.length, 31);
    for (const c of '0O1IL') assert.ok(!PAIRING_ALPHABET.includes(c), c);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i += 1) {
      const code = generatePairingCode();
      assert.match(code, /^[2-9A-HJKMNP-Z]{8}$/);
      seen.add(code);
    }
    assert.equal(seen.size, 2000, 'no repeats in 2000 draws');
    const used = new Set([...Array.from({ length: 2000 }, () => generatePairingCode())].join(''));
    assert.equal(used.size, 31, 'every alphabet character shows up');
  });

  it('typed codes are read case-insensitively, with spaces and dashes ignored; look-alikes are not codes', () => {
    assert.equal(normalisePairingCode('abcd-efgh'), 'ABCDEFGH');
    assert.equal(normalisePairingCode(' 2345 6789 '), '23456789');
    assert.equal(normalisePairingCode('ABCDEFG'), undefined);
    assert.equal(normalisePairingCode('ABCDEFG0'), undefined);
    assert.equal(normalisePairingCode('ABCDEFGI'), undefined);
    assert.equal(normalisePairingCode('../../etc'), undefined);
  });

  it('secrets are stored as salted scrypt hashes and verified timing-safely', async () => {
    const hash = await hashSecret('correct horse battery staple');
    assert.match(hash, /^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    assert.ok(!hash.includes('correct'));
    assert.notEqual(hash, await hashSecret('correct horse battery staple'), 'fresh salt each time');
    assert.equal(await verifySecret('correct horse battery staple', hash), true);
    assert.equal(await verifySecret('correct horse battery stapler', hash), false);
    assert.equal(await verifySecret('anything', DECOY_SECRET_HASH), false);
  });

  it('malformed or hostile hashes never verify (and never run a huge scrypt)', async () => {
    const [scheme, , r, p, salt, key] = (await hashSecret('secret-secret-secret')).split('$');
    for (const bad of [
      '',
      'plain',
      `md5$${salt}`,
      [scheme, 1_048_576, r, p, salt, key].join('$'),
      [scheme, 1000, r, p, salt, key].join('$'),
      [scheme, 16384, 64, p, salt, key].join('$'),
      [scheme, 16384, r, p, salt, 'AA'].join('$'),
      [scheme, 16384, r, p, salt, key, 'extra'].join('$'),
    ]) {
      assert.equal(await verifySecret('secret-secret-secret', bad), false, bad);
    }
  });
});

describe('pairing state transitions (pure)', () => {
  it('adds a pending request with a one-hour expiry', () => {
    const { state, result } = addRequest(emptyPairingState(), input('shop-web', T0, codes('ABCDEFGH')));
    assert.deepEqual(result, {
      code: 'ABCDEFGH',
      clientId: 'shop-web',
      secretHash: 'hash-of-shop-web',
      status: 'pending',
      createdAt: T0,
      expiresAt: T0 + HOUR,
    });
    assert.equal(statusOf(result, T0 + HOUR - 1), 'pending');
    assert.equal(statusOf(result, T0 + HOUR), 'expired');
    assert.equal(livePending(state, T0).length, 1);
  });

  it('allows at most 3 pending; the 4th gets pairing.too_many_pending with a retry time; expired ones free a slot', () => {
    let state: PairingState = emptyPairingState();
    for (const [i, id] of ['client-a', 'client-b', 'client-c'].entries()) {
      state = addRequest(state, input(id, T0 + i * 60_000, codes(`AAAAAAA${i + 2}`))).state;
    }
    assert.throws(
      () => addRequest(state, input('client-d', T0 + 600_000, codes('AAAAAAA9'))),
      (error: unknown) => {
        assert.ok(isBotError(error));
        assert.equal(error.code, 'pairing.too_many_pending');
        assert.equal(error.status, 429);
        assert.match(error.message, /3 pairing requests are already waiting/);
        assert.equal(error.details?.['retryAfterSeconds'], 3000, 'the oldest expires 50 minutes later');
        return true;
      },
    );
    const later = addRequest(state, input('client-d', T0 + HOUR, codes('AAAAAAA9')));
    assert.equal(later.result.code, 'AAAAAAA9');
    assert.deepEqual(
      livePending(later.state, T0 + HOUR).map((r) => r.clientId),
      ['client-b', 'client-c', 'client-d'],
    );
  });

  it('a decided request no longer counts as pending', () => {
    let state: PairingState = emptyPairingState();
    for (const [i, id] of ['client-a', 'client-b', 'client-c'].entries()) {
      state = addRequest(state, input(id, T0, codes(`BBBBBBB${i + 2}`))).state;
    }
    state = rejectRequest(state, 'BBBBBBB2', T0 + 1).state;
    assert.equal(addRequest(state, input('client-d', T0 + 2, codes('BBBBBBB9'))).result.status, 'pending');
  });

  it('draws another code when the drawn one is taken', () => {
    const first = addRequest(emptyPairingState(), input('client-a', T0, codes('SAMECXDE'))).state;
    const second = addRequest(first, input('client-b', T0, codes('SAMECXDE', 'SAMECXDE', 'XTHERCD2')));
    assert.equal(second.result.code, 'XTHERCD2');
  });

  it('refuses a second pending request, or a request from a paired client, with pairing.conflict', () => {
    const { state } = addRequest(emptyPairingState(), input('shop-web', T0, codes('ABCDEFGH')));
    throwsCode(() => addRequest(state, input('shop-web', T0 + 1, codes('ABCDEFGJ'))), 'pairing.conflict', /pending/);
    const approved = approveRequest(state, 'ABCDEFGH', { scopes: ['chat'], groups: [], now: T0 + 2 }).state;
    throwsCode(
      () => addRequest(approved, input('shop-web', T0 + 3, codes('ABCDEFGK'))),
      'pairing.conflict',
      /already paired/,
    );
  });

  it('approves a pending request into a client with scopes and groups', () => {
    const { state } = addRequest(emptyPairingState(), input('shop-web', T0, codes('ABCDEFGH')));
    const approved = approveRequest(state, 'ABCDEFGH', {
      scopes: ['chat', 'agent'],
      groups: ['partners'],
      now: T0 + 5,
    });
    assert.deepEqual(approved.result, {
      clientId: 'shop-web',
      secretHash: 'hash-of-shop-web',
      scopes: ['chat', 'agent'],
      groups: ['partners'],
      approvedAt: T0 + 5,
      code: 'ABCDEFGH',
    });
    assert.equal(statusOf(approved.state.requests[0]!, T0 + 10 * HOUR), 'approved', 'approved never turns expired');
  });

  it('refuses to approve or reject an unknown, expired, rejected or approved code', () => {
    const { state } = addRequest(emptyPairingState(), input('shop-web', T0, codes('ABCDEFGH')));
    const grant = (now: number) => ({ scopes: ['chat' as const], groups: [], now });
    throwsCode(() => approveRequest(state, 'NXPENXPE', grant(T0)), 'not_found');
    throwsCode(() => approveRequest(state, 'ABCDEFGH', grant(T0 + HOUR)), 'pairing.expired', /expired/);
    throwsCode(() => rejectRequest(state, 'ABCDEFGH', T0 + HOUR + 1), 'pairing.expired');
    const rejected = rejectRequest(state, 'ABCDEFGH', T0 + 1).state;
    throwsCode(() => approveRequest(rejected, 'ABCDEFGH', grant(T0 + 2)), 'pairing.not_pending', /already rejected/);
    const approved = approveRequest(state, 'ABCDEFGH', grant(T0 + 1)).state;
    throwsCode(() => rejectRequest(approved, 'ABCDEFGH', T0 + 2), 'pairing.not_pending', /already approved/);
  });

  it('revokes a client; revoking an unknown one is not_found', () => {
    const { state } = addRequest(emptyPairingState(), input('shop-web', T0, codes('ABCDEFGH')));
    const approved = approveRequest(state, 'ABCDEFGH', { scopes: ['chat'], groups: [], now: T0 }).state;
    assert.equal(revokeClient(approved, 'shop-web').state.clients.length, 0);
    throwsCode(() => revokeClient(approved, 'other'), 'not_found');
  });

  it('prunes requests decided or expired longer ago than the retention, and returns the same state when nothing goes', () => {
    let state = addRequest(emptyPairingState(), input('client-a', T0, codes('CCCCCCC2'))).state;
    state = addRequest(state, input('client-b', T0, codes('CCCCCCC3'))).state;
    state = rejectRequest(state, 'CCCCCCC3', T0 + 1000).state;
    assert.equal(prune(state, T0 + 1000, HOUR), state);
    const pruned = prune(state, T0 + 1000 + HOUR, HOUR);
    assert.deepEqual(
      pruned.requests.map((r) => r.code),
      ['CCCCCCC2'],
    );
    assert.equal(prune(state, T0 + 2 * HOUR + 1, HOUR).requests.length, 0);
  });
});
