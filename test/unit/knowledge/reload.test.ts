import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../core/clock.js';
import type { BotDefinition } from '../../../core/engine/types.js';
import type { DialogueEngine, DialogueResult } from '../../../core/ports/dialogue.js';
import { DEMO_BOT_DIR, loadBotFolder } from '../../../knowledge/bot-folder/index.js';
import { lexicalClassifierFactory } from '../../../gateway/app/engine.js';
import { createLruQaCache } from '../../../knowledge/cache/index.js';
import {
  createKnowledgeEngine,
  createReloadableEngine,
  type KnowledgeEngine,
} from '../../../knowledge/engine/index.js';
import { createBigramSegmenter } from '../../../knowledge/text/index.js';
import { createFlow } from '../../helpers/flow.js';

const ask = (engine: DialogueEngine, text: string): Promise<DialogueResult> =>
  engine.respond({
    message: {
      kind: 'message',
      id: text,
      receivedAt: 1,
      conversation: { channel: 'test', tenant: 't', conversation: 'c' },
      sender: { id: 'u' },
      parts: [{ type: 'text', text }],
      text,
      mentionsBot: true,
      raw: null,
    },
    history: [],
  });

describe('hot reload', function () {
  this.timeout(60_000);
  let dir: string;
  const segmenter = createBigramSegmenter();
  let builds = 0;
  const read = (): Promise<BotDefinition> => loadBotFolder(dir);
  const build = (bot: BotDefinition): Promise<KnowledgeEngine> => {
    builds++;
    return createKnowledgeEngine({ bot, segmenter, folds: 3, classifierFactory: lexicalClassifierFactory });
  };
  const load = async (): Promise<KnowledgeEngine> => build(await read());

  beforeEach(async () => {
    builds = 0;
    dir = await mkdtemp(join(tmpdir(), 'clawbot-bot-'));
    await cp(DEMO_BOT_DIR, dir, { recursive: true });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const setPrice = async (price: string): Promise<void> => {
    const file = join(dir, 'graph.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('      price: ¥1299', `      price: ${price}`));
  };

  it('swaps in the new version; turns in flight finish on the old one; the cache is invalidated', async () => {
    const cache = createLruQaCache({}, { clock: new ManualClock() });
    let cleared = 0;
    const engine = createReloadableEngine(await load(), {
      read,
      build,
      onSwap: () => {
        cleared++;
        cache.clear();
      },
    });
    assert.match(JSON.stringify((await ask(engine, '爪表多少钱')).reply), /1299/);
    const inFlight = ask(engine, '爪表多少钱');
    await setPrice('¥999');
    assert.equal(await engine.reload(), 'swapped');
    assert.match(JSON.stringify((await inFlight).reply), /1299/, 'the turn that started before the swap');
    await createFlow({ engine }).user('爪表多少钱').expectReply(/¥999/);
    assert.equal(cleared, 1);
    assert.equal(engine.swaps, 1);
    assert.equal(builds, 2);
    assert.equal(await engine.reload(), 'unchanged');
    assert.equal(builds, 2, 'an unchanged folder is read, not rebuilt');
    engine.close();
  });

  it('keeps the old version when the edited folder is invalid', async () => {
    const engine = createReloadableEngine(await load(), { read, build });
    await writeFile(join(dir, 'bot.yaml'), 'name: [broken');
    assert.equal(await engine.reload(), 'failed');
    await createFlow({ engine }).user('爪表多少钱').expectReply(/1299/);
    engine.close();
  });

  it('reloads by itself when a file in the watched folder changes', async () => {
    const engine = createReloadableEngine(await load(), { read, build, watchDir: dir, debounceMs: 50 });
    await setPrice('¥1099');
    const deadline = Date.now() + 30_000;
    while (engine.swaps === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(engine.swaps, 1);
    await createFlow({ engine }).user('爪表多少钱').expectReply(/¥1099/);
    engine.close();
  });
});
