import assert from 'node:assert/strict';
import {
  asksToEndHandoff,
  decideHandoff,
  isLowConfidenceAnswer,
  lowConfidenceStreak,
  LOW_CONFIDENCE_META,
} from '../../../core/handoff-policy.js';
import { parseRating } from '../../../handoff/commands.js';

describe('handoff commands and policy', () => {
  const ratings: [string, number | undefined][] = [
    ['5', 5],
    [' 3 ', 3],
    ['４', 4],
    ['5分', 5],
    ['4 stars', 4],
    ['2/5', 2],
    ['⭐⭐⭐', 3],
    ['★', 1],
    ['0', undefined],
    ['6', undefined],
    ['45', undefined],
    ['my order 5', undefined],
    ['', undefined],
  ];
  for (const [text, expected] of ratings) {
    it(`reads the survey answer ${JSON.stringify(text)} as ${String(expected)}`, () => {
      assert.equal(parseRating(text), expected);
    });
  }

  for (const text of ['/end', '/END', '结束人工', '结束人工。', 'end chat', 'back to the bot', '/bot']) {
    it(`ends the human session on ${JSON.stringify(text)}`, () => assert.equal(asksToEndHandoff(text), true));
  }
  for (const text of ['when does the sale end', '我想结束人工之后再问', 'agent', '']) {
    it(`does not end it on ${JSON.stringify(text)}`, () => assert.equal(asksToEndHandoff(text), false));
  }

  it('hands off when the low-confidence streak reaches the limit', () => {
    const d = (streak: number, max?: number) =>
      decideHandoff({
        confidence: 0.9,
        threshold: 0.8,
        userAskedForHuman: false,
        lowConfidenceStreak: streak,
        ...(max === undefined ? {} : { maxLowConfidenceStreak: max }),
      });
    assert.deepEqual(d(1, 2), { action: 'answer' });
    assert.deepEqual(d(2, 2), { action: 'handoff', reason: 'repeated_low_confidence' });
    assert.deepEqual(d(5), { action: 'answer' });
    assert.deepEqual(d(5, 0), { action: 'answer' });
  });

  it('counts low-confidence answers at the end of the memory window', () => {
    const turn = (low: boolean) => ({
      id: 'x',
      user: 'u',
      replies: [],
      at: 0,
      ...(low ? { meta: { [LOW_CONFIDENCE_META]: '1' } } : {}),
    });
    assert.equal(lowConfidenceStreak([]), 0);
    assert.equal(lowConfidenceStreak([turn(true), turn(false), turn(true), turn(true)]), 2);
    assert.equal(lowConfidenceStreak([turn(true), turn(false)]), 0);
  });

  it('calls an answer low-confidence below the bot threshold or without knowledge, never a handoff', () => {
    const u = (confidence: number, sources: string[], handoff = false) => ({
      intent: 'x',
      confidence,
      handoff,
      sources,
    });
    assert.equal(isLowConfidenceAnswer(u(0.76, ['intent:goodbye']), 0.8), true);
    assert.equal(isLowConfidenceAnswer(u(0.95, []), 0.8), true);
    assert.equal(isLowConfidenceAnswer(u(0.95, ['faq:x']), 0.8), false);
    assert.equal(isLowConfidenceAnswer(u(0.1, [], true), 0.8), false);
  });
});
