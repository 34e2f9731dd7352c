import assert from 'node:assert/strict';
import {
  botVocabulary,
  createGraphIndex,
  kgFeatures,
  resolveKgQuestion,
  trainingExamples,
  type BotDefinition,
  type ConversationContext,
} from '../../../core/engine/index.js';
import type { IntentClassifier } from '../../../core/ports/inference.js';
import { lexicalClassifierFactory } from '../../../gateway/app/engine.js';
import { DEMO_BOT_DIR, loadBotFolder } from '../../../knowledge/bot-folder/index.js';
import { createKnowledgeEngine, memoizeClassifierFactory } from '../../../knowledge/engine/index.js';
import {
  fitKgCalibration,
  generateKgCases,
  isRight,
  NEGATIVE_CATEGORIES,
  POSITIVE_CATEGORIES,
  type KgCalibrationFit,
} from '../../../knowledge/kg-calibration/index.js';
import { createFlow } from '../../helpers/flow.js';

describe('graph answer calibration', function () {
  this.timeout(60_000);
  let bot: BotDefinition;
  let classifier: IntentClassifier;
  let fit: KgCalibrationFit;
  const index = () => createGraphIndex(bot.graph, botVocabulary(bot));

  before(async () => {
    bot = await loadBotFolder(DEMO_BOT_DIR);
    classifier = await lexicalClassifierFactory(trainingExamples(bot));
    fit = await fitKgCalibration({ bot, classifier, classifierFactory: lexicalClassifierFactory, diagnostics: true });
  });

  const confidence = async (text: string, context: ConversationContext = { entityHistory: [] }): Promise<number> => {
    const graph = index();
    const question = resolveKgQuestion(text, graph, context).question;
    assert.ok(question !== undefined, `no graph question in ${text}`);
    const isProductIntent = (id: string): boolean => bot.intents.some((i) => i.id === id && i.action === 'kg');
    const prediction = await classifier.classify(text);
    const x = kgFeatures({ text, question, graph, prediction, isProductIntent });
    assert.ok(fit.calibrator !== undefined);
    return fit.calibrator.confidence(x);
  };

  it('generates the same cases for the same seed, of every kind, with held-out graphs', () => {
    const a = generateKgCases(bot, index(), { seed: 7 });
    const b = generateKgCases(bot, index(), { seed: 7 });
    const c = generateKgCases(bot, index(), { seed: 8 });
    assert.deepEqual(
      a.cases.map((x) => x.text),
      b.cases.map((x) => x.text),
    );
    assert.notDeepEqual(
      a.cases.map((x) => x.text),
      c.cases.map((x) => x.text),
    );
    const kinds = new Set(a.cases.map((x) => x.category));
    for (const kind of [...POSITIVE_CATEGORIES, ...NEGATIVE_CATEGORIES]) assert.ok(kinds.has(kind), kind);
    for (const x of a.cases) {
      assert.equal(x.truth !== undefined, (POSITIVE_CATEGORIES as readonly string[]).includes(x.category), x.text);
    }
    // A case about a held-out entity is asked against a graph without it.
    const heldOut = a.cases.filter((x) => x.category === 'held-out-entity');
    assert.ok(heldOut.length > 0);
    for (const x of heldOut) {
      const graph = a.graphs.get(x.graph);
      assert.ok(graph !== undefined && graph.entities.length < bot.graph.entities.length, x.graph);
    }
  });

  it('samples large graphs so the number of cases stays bounded', () => {
    const attributes = Object.fromEntries(
      ['price', 'weight', 'color', 'stock', 'size'].map((k) => [
        k,
        { label: { zh: k, en: k }, synonyms: [`${k} info`] },
      ]),
    );
    const entities = Array.from({ length: 300 }, (_, i) => ({
      id: `p${i}`,
      type: 'product',
      name: { zh: `产品${i}号`, en: `Product ${i}` },
      aliases: [],
      attributes: { price: i, weight: `${i} g`, color: 'red', stock: 'yes', size: 'M' },
    }));
    const large: BotDefinition = { ...bot, graph: { attributes, entities, relations: [] } };
    const set = generateKgCases(large, createGraphIndex(large.graph, new Set()), {});
    const named = set.cases.filter((c) => c.category === 'named').length;
    assert.ok(named <= 3 * 400, `${named} named cases`);
    assert.ok(set.cases.length < 6000, `${set.cases.length} cases`);
  });

  it('judges a resolved question against the truth', () => {
    const q = resolveKgQuestion('爪表多少钱', index(), { entityHistory: [] }).question;
    assert.ok(q !== undefined);
    assert.equal(isRight(q, { kind: 'attribute', entityId: 'claw-watch', attribute: 'price' }), true);
    assert.equal(isRight(q, { kind: 'attribute', entityId: 'claw-watch', attribute: 'weight' }), false);
    assert.equal(isRight(q, { kind: 'overview', entityId: 'claw-watch' }), false);
    assert.equal(isRight(q, undefined), false);
  });

  it('fits a calibrator that is sure of plain questions and not of near misses', async () => {
    assert.ok(fit.samples > 100 && fit.right > 0 && fit.right < fit.samples);
    assert.ok((await confidence('爪表多少钱')) >= 0.9);
    assert.ok((await confidence('how much is the claw watch')) >= 0.9);
    assert.ok((await confidence('claw phone 16 price')) < 0.5, 'another model of a known product');
    const phone: ConversationContext = {
      entity: { value: 'claw-phone-15', turnsAgo: 0 },
      entityHistory: [{ value: 'claw-phone-15', turnsAgo: 0 }],
    };
    assert.ok((await confidence('那重量呢', phone)) >= 0.8, 'a follow-up');
    assert.ok((await confidence('运费多少钱', phone)) < 0.8, 'shipping, not the phone');
  });

  it('is reliable out of fold on the generated questions', () => {
    const held = fit.heldOut;
    assert.ok(held !== undefined);
    assert.ok(held.ece < 0.15, `ECE ${held.ece}`);
    assert.ok(held.precision >= 0.9, `precision at the threshold ${held.precision}`);
    const shares = held.bins.reduce((sum, b) => sum + b.share, 0);
    assert.ok(Math.abs(shares - 1) < 0.01);
  });

  it('is deterministic', async () => {
    const again = await fitKgCalibration({ bot, classifier, classifierFactory: lexicalClassifierFactory });
    assert.deepEqual(again.model, fit.model);
  });

  it('trains each distinct classifier once when memoised', async () => {
    let trained = 0;
    const factory = memoizeClassifierFactory((examples) => {
      trained++;
      return lexicalClassifierFactory(examples);
    });
    const examples = trainingExamples(bot).slice(0, 20);
    await factory(examples);
    await factory([...examples]);
    assert.equal(trained, 1);
    await factory(examples.slice(1));
    assert.equal(trained, 2);
  });

  it('adds no classifier training to a build: its held-out folds are the ranker calibration’s unit folds', async () => {
    const trainings = async (kgCalibration: boolean): Promise<number> => {
      let trained = 0;
      await createKnowledgeEngine({
        bot,
        kgCalibration,
        classifierFactory: (examples) => {
          trained++;
          return lexicalClassifierFactory(examples);
        },
      });
      return trained;
    };
    const without = await trainings(false);
    assert.ok(without > 1);
    assert.equal(await trainings(true), without);
  });

  it('is used by the knowledge engine: near misses are handed off, not guessed', async () => {
    const built = await createKnowledgeEngine({ bot, classifierFactory: lexicalClassifierFactory });
    assert.ok(built.kg?.calibrator !== undefined);
    assert.ok((built.timings['kgCalibrationMs'] ?? -1) >= 0);
    await createFlow({ engine: built.engine })
      .user('爪表多少钱')
      .expectSources('kg:claw-watch:price')
      .user('how much is the claw phone 16')
      .expectHandoff('low_confidence');
    const fixed = await createKnowledgeEngine({
      bot,
      classifierFactory: lexicalClassifierFactory,
      kgCalibration: false,
    });
    assert.equal(fixed.kg, undefined);
  });
});
