import assert from 'node:assert/strict';
import { parseByteSize, parseDurationSeconds } from '../../../gateway/config/units.js';

describe('config units', () => {
  it('parses durations into seconds', () => {
    assert.equal(parseDurationSeconds(60), 60);
    assert.equal(parseDurationSeconds('60'), 60);
    assert.equal(parseDurationSeconds('90s'), 90);
    assert.equal(parseDurationSeconds('30m'), 1800);
    assert.equal(parseDurationSeconds('1h'), 3600);
    assert.equal(parseDurationSeconds('1h30m'), 5400);
    assert.equal(parseDurationSeconds('1h 30m'), 5400);
    assert.equal(parseDurationSeconds('2d'), 172_800);
    assert.equal(parseDurationSeconds('500ms'), 0.5);
    assert.equal(parseDurationSeconds(' 1.5h '), 5400);
  });

  it('rejects what is not a duration', () => {
    for (const bad of ['', 'soon', '30x', '1h30', 'h', '-5s', '1h+30m', null, {}, Number.NaN]) {
      assert.equal(parseDurationSeconds(bad), undefined, JSON.stringify(bad));
    }
  });

  it('parses byte sizes', () => {
    assert.equal(parseByteSize(1024), 1024);
    assert.equal(parseByteSize('2048'), 2048);
    assert.equal(parseByteSize('64kb'), 65_536);
    assert.equal(parseByteSize('1mb'), 1_048_576);
    assert.equal(parseByteSize('1 MiB'), 1_048_576);
    assert.equal(parseByteSize('1gb'), 1024 ** 3);
    assert.equal(parseByteSize('12 parsecs'), undefined);
    assert.equal(parseByteSize('kb'), undefined);
  });
});
