import assert from 'node:assert/strict';
import { lexicalClassifierFactory } from '../../../gateway/app/engine.js';
import { DEMO_BOT_DIR, loadBotFolder } from '../../../knowledge/bot-folder/index.js';
import {
  answerUnits,
  createHybridRanker,
  EXACT_MATCH_CONFIDENCE,
  FEATURE_NAMES,
  hnswAvailable,
  type AnswerUnit,
} from '../../../knowledge/retrieval/index.js';
import { createBigramSegmenter, createTokenizer } from '../../../knowledge/text/index.js';

const tokenizer = createTokenizer({ segmenter: createBigramSegmenter() });

describe('hybrid ranker', function () {
  this.timeout(60_000);

  it('ranks the right FAQ entry first for paraphrases, with calibrated confidences and evidence', async () => {
    const bot = await loadBotFolder(DEMO_BOT_DIR);
    const units = answerUnits(bot);
    const ranker = await createHybridRanker({ units, tokenizer, classifierFactory: lexicalClassifierFactory });
    const classifier = await lexicalClassifierFactory(
      units.flatMap((u) => u.texts.map((text) => ({ text, intent: u.id }))),
    );
    const ask = async (text: string) => ranker.rank(text, await classifier.classify(text));
    const refund = await ask('退款几天可以到账呀');
    assert.equal(refund[0]?.id, 'faq:refund-time');
    assert.ok((refund[0]?.confidence ?? 0) >= 0.8);
    assert.deepEqual(Object.keys(refund[0]?.evidence ?? {}), ['score', ...FEATURE_NAMES]);
    for (const r of refund) assert.ok(r.confidence >= 0 && r.confidence <= 1);
    const oos = await ask('how do I bake sourdough bread at home');
    assert.ok((oos[0]?.confidence ?? 0) < 0.8, `out of scope got ${oos[0]?.confidence}`);
    assert.ok(ranker.info.fit !== undefined && ranker.info.fit.queries > 100);
    assert.equal(ranker.info.vectorIndex, 'exact');
  });

  it('answers a question asked exactly as written, even where the fit has little to learn', async () => {
    const units: AnswerUnit[] = [
      { id: 'hello', texts: ['hi', 'hello'] },
      { id: 'faq:hours', texts: ['when are you open'] },
    ];
    const ranker = await createHybridRanker({
      units,
      tokenizer,
      classifierFactory: lexicalClassifierFactory,
      folds: 2,
    });
    const [top] = await ranker.rank('When are you OPEN?', undefined);
    assert.deepEqual(
      { id: top?.id, confidence: top?.confidence },
      { id: 'faq:hours', confidence: EXACT_MATCH_CONFIDENCE },
    );
  });

  it('serves from the vector index the policy names: HNSW, or the int8 scan above its size', async function () {
    if (!hnswAvailable()) this.skip();
    const units: AnswerUnit[] = [
      { id: 'a', texts: ['refund time', 'money back'] },
      { id: 'b', texts: ['shipping time', 'delivery days'] },
    ];
    const ranker = await createHybridRanker({
      units,
      tokenizer,
      classifierFactory: lexicalClassifierFactory,
      vectorIndex: { kind: 'hnsw' },
      folds: 2,
    });
    assert.equal(ranker.info.vectorIndex, 'hnsw');
    const scan = await createHybridRanker({
      units,
      tokenizer,
      classifierFactory: lexicalClassifierFactory,
      vectorIndex: { quantizedThreshold: 4 },
      folds: 2,
    });
    assert.equal(scan.info.vectorIndex, 'quantized');
    assert.equal((await scan.rank('money back', undefined))[0]?.id, 'a');
    const [top] = await ranker.candidates('delivery days', undefined);
    assert.equal(top?.id, 'b');
  });

  it('uses an injected Embedder, and the built-in one while the injected one is not ready', async () => {
    const units: AnswerUnit[] = [
      { id: 'a', texts: ['refund time', 'money back'] },
      { id: 'b', texts: ['shipping time', 'delivery days'] },
    ];
    let width = 4;
    const calls: string[][] = [];
    const embedder = {
      name: 'fake',
      get dimensions() {
        return width;
      },
      embed: (texts: readonly string[]) => {
        calls.push([...texts]);
        return Promise.resolve(
          texts.map((t) => Float32Array.from({ length: width }, (_, i) => (i === t.length % width ? 1 : 0))),
        );
      },
    };
    const ranker = await createHybridRanker({
      units,
      tokenizer,
      embedder,
      classifierFactory: lexicalClassifierFactory,
      folds: 2,
    });
    assert.equal(ranker.info.embedder, 'fake');
    assert.ok(calls.some((c) => c.includes('money back')));
    width = 8; // the model behind the embedder was swapped for a wider one: its vectors are not compared
    const [top] = await ranker.candidates('delivery days', undefined);
    assert.equal(top?.id, 'b');
    width = 0;
    const fallback = await createHybridRanker({
      units,
      tokenizer,
      embedder,
      classifierFactory: lexicalClassifierFactory,
      folds: 2,
    });
    assert.match(fallback.info.embedder, /^hashed/);
  });
});
