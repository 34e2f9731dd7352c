/**
 * The KeyValue contract: every implementation (in-process, Redis) runs this same suite.
 */
import assert from 'node:assert/strict';
import type { KeyValue } from '../../core/ports/kv.js';
import { assertBotError, settle } from './support.js';

/** How a contract run reaches one implementation. */
export interface KeyValueContractSubject {
  readonly name: string;
  /** A store over this suite's backend; different `namespace`s (tenants/prefixes) never see each other's keys. */
  create(namespace?: string): KeyValue | Promise<KeyValue>;
  /** Lets `ms` of time pass for the backend's TTLs. Without it the TTL tests are skipped. */
  advance?(ms: number): Promise<void>;
  setup?(ctx: Mocha.Context): Promise<void>;
  teardown?(): Promise<void>;
}

const TTL = 10_000;

/** Registers the key-value contract suite for `subject`. */
export function runKeyValueContract(subject: KeyValueContractSubject): void {
  describe(`KeyValue contract: ${subject.name}`, function () {
    const open: KeyValue[] = [];
    let seq = 0;
    const newKey = (): string => `dedupe:wechat:msg-${++seq}`;
    const store = async (namespace?: string): Promise<KeyValue> => {
      const created = await subject.create(namespace);
      open.push(created);
      return created;
    };
    const advance = async (ctx: Mocha.Context, ms: number): Promise<void> => {
      if (subject.advance === undefined) ctx.skip();
      await subject.advance(ms);
    };

    before(async function () {
      await subject.setup?.(this);
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });
    after(async () => {
      await subject.teardown?.();
    });

    it('get returns undefined for an unknown key', async () => {
      const kv = await store();
      assert.equal(await kv.get(newKey()), undefined);
    });

    it('set then get returns the value; set overwrites; delete removes', async () => {
      const kv = await store();
      const key = newKey();
      await kv.set(key, 'one', TTL);
      assert.equal(await kv.get(key), 'one');
      await kv.set(key, 'two', TTL);
      assert.equal(await kv.get(key), 'two');
      await kv.delete(key);
      assert.equal(await kv.get(key), undefined);
      await kv.delete(key);
    });

    it('setIfAbsent sets only when absent and keeps the first value', async () => {
      const kv = await store();
      const key = newKey();
      assert.equal(await kv.setIfAbsent(key, 'first', TTL), true);
      assert.equal(await kv.setIfAbsent(key, 'second', TTL), false);
      assert.equal(await kv.get(key), 'first');
      await kv.delete(key);
      assert.equal(await kv.setIfAbsent(key, 'third', TTL), true);
      assert.equal(await kv.get(key), 'third');
    });

    it('setIfAbsent has exactly one winner among 50 concurrent callers', async () => {
      const kv = await store();
      const key = newKey();
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => kv.setIfAbsent(key, `caller-${i}`, TTL)));
      const winners = results.flatMap((won, i) => (won ? [i] : []));
      assert.equal(winners.length, 1);
      assert.equal(await kv.get(key), `caller-${winners[0]}`);
    });

    it('treats keys with braces, colons, spaces and non-ASCII as distinct literal keys', async () => {
      const kv = await store();
      const keys = ['a{b}', 'a{b}c', '{a}b', 'a:b', 'a b', 'ключ', '*', '?'];
      for (const [i, key] of keys.entries()) await kv.set(key, `v${i}`, TTL);
      for (const [i, key] of keys.entries()) assert.equal(await kv.get(key), `v${i}`);
      for (const key of keys) await kv.delete(key);
    });

    it('keeps namespaces (tenants) apart', async () => {
      const acme = await store('tenant-acme');
      const globex = await store('tenant-globex');
      const key = newKey();
      assert.equal(await acme.setIfAbsent(key, 'acme', TTL), true);
      assert.equal(await globex.setIfAbsent(key, 'globex', TTL), true);
      assert.equal(await acme.get(key), 'acme');
      await globex.delete(key);
      assert.equal(await acme.get(key), 'acme');
    });

    it('expires entries after their TTL', async function () {
      const kv = await store();
      const [a, b] = [newKey(), newKey()];
      await kv.set(a, 'x', TTL);
      await kv.setIfAbsent(b, 'y', TTL);
      await advance(this, TTL * 0.6);
      assert.equal(await kv.get(a), 'x');
      assert.equal(await kv.get(b), 'y');
      await advance(this, TTL * 0.5);
      assert.equal(await kv.get(a), undefined);
      assert.equal(await kv.get(b), undefined);
    });

    it('lets setIfAbsent win again once the previous entry expired', async function () {
      const kv = await store();
      const key = newKey();
      assert.equal(await kv.setIfAbsent(key, 'old', TTL), true);
      await advance(this, TTL * 1.1);
      assert.equal(await kv.setIfAbsent(key, 'new', TTL), true);
      assert.equal(await kv.get(key), 'new');
    });

    it('set replaces the TTL; a losing setIfAbsent leaves it alone', async function () {
      const kv = await store();
      const key = newKey();
      await kv.set(key, 'v1', TTL);
      await advance(this, TTL * 0.6);
      await kv.set(key, 'v2', TTL);
      assert.equal(await kv.setIfAbsent(key, 'loser', TTL * 10), false);
      await advance(this, TTL * 0.6);
      assert.equal(await kv.get(key), 'v2');
      await advance(this, TTL * 0.5);
      assert.equal(await kv.get(key), undefined);
    });

    it('honours per-entry TTLs independently', async function () {
      const kv = await store();
      const [short, long] = [newKey(), newKey()];
      await kv.set(short, 's', TTL / 2);
      await kv.set(long, 'l', TTL * 2);
      await advance(this, TTL);
      assert.equal(await kv.get(short), undefined);
      assert.equal(await kv.get(long), 'l');
    });

    it('rejects a TTL that is not a positive number with config.invalid (as a rejection)', async () => {
      const kv = await store();
      for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        assertBotError(await settle(kv.setIfAbsent(newKey(), 'v', ttl)), 'config.invalid');
        assertBotError(await settle(kv.set(newKey(), 'v', ttl)), 'config.invalid');
      }
    });

    it('close() resolves and may be called twice', async () => {
      const kv = await subject.create();
      await kv.close();
      await kv.close();
    });
  });
}
