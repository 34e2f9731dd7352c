import assert from 'node:assert/strict';
import { createIpAllowList, normaliseIp } from '../../../gateway/auth/index.js';

describe('IP allow-lists', () => {
  const allowed = createIpAllowList(['10.0.0.0/8', '192.168.1.7', '::1/128', '2001:db8::/32', 'fe80::1']);

  it('matches IPv4 CIDR blocks and single addresses', () => {
    assert.ok(allowed('10.0.0.1'));
    assert.ok(allowed('10.255.255.255'));
    assert.ok(allowed('192.168.1.7'));
    assert.ok(!allowed('192.168.1.8'));
    assert.ok(!allowed('11.0.0.1'));
    assert.ok(!allowed('9.255.255.255'));
  });

  it('matches IPv6 CIDR blocks and single addresses, in any spelling', () => {
    assert.ok(allowed('::1'));
    assert.ok(allowed('0:0:0:0:0:0:0:1'));
    assert.ok(allowed('2001:db8::42'));
    assert.ok(allowed('2001:DB8:ffff::1'));
    assert.ok(allowed('fe80::1'));
    assert.ok(!allowed('::2'));
    assert.ok(!allowed('2001:db9::1'));
  });

  it('matches IPv4-mapped IPv6 addresses (dual-stack sockets) against IPv4 rules', () => {
    assert.equal(normaliseIp('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(normaliseIp('::FFFF:192.168.1.7'), '192.168.1.7');
    assert.ok(allowed('::ffff:10.1.2.3'));
    assert.ok(allowed('::ffff:192.168.1.7'));
    assert.ok(!allowed('::ffff:127.0.0.1'));
  });

  it('refuses missing and malformed addresses', () => {
    for (const ip of [undefined, '', 'localhost', '10.0.0', '10.0.0.1.5', '::ffff:999.1.1.1', '10.0.0.1/8']) {
      assert.ok(!allowed(ip), String(ip));
    }
  });

  it('IPv4 rules never match IPv6 addresses; IPv6 rules match IPv4 only through the mapped range', () => {
    const v4 = createIpAllowList(['0.0.0.0/0']);
    assert.ok(v4('203.0.113.1'));
    assert.ok(!v4('2001:db8::1'));
    const v6 = createIpAllowList(['2001:db8::/32', '::1/128']);
    assert.ok(!v6('203.0.113.1'));
    assert.ok(!v6('0.0.0.1'));
    assert.ok(!v6('127.0.0.1'), '::1 is not 127.0.0.1');
    const mapped = createIpAllowList(['::ffff:10.0.0.0/104']);
    assert.ok(mapped('10.0.0.1'));
    assert.ok(mapped('::ffff:10.9.9.9'));
    assert.ok(!mapped('11.0.0.1'));
  });
});
