/**
 * The agent console in a real browser: playwright-core driving Debian's Chromium (/usr/bin/chromium; skipped
 * with a notice when it is absent). A REST customer asks for a person; an agent created with `clawbot agents add`
 * logs in, sees the ticket appear live, claims it and replies; the customer receives the reply on the session's
 * event stream and in the session; the bot stays silent meanwhile; after "return to bot" the bot answers again.
 * Screenshots go to test-artifacts/handoff-console/.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chat, getSession, startGateway, type TestGateway } from '../helpers/gateway.js';
import { cliAddAgent, openEvents, tempConsoleConfig } from './handoff-helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'handoff-console');
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('agent console in Chromium (playwright-core)', function () {
  this.timeout(120_000);
  let gw: TestGateway | undefined;
  let tmp: ReturnType<typeof tempConsoleConfig>;
  let profile: string;
  let context: BrowserContext | undefined;
  let page: Page;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.warn(`${CHROMIUM} not found; skipping the browser test (apt-get install chromium)`);
      this.skip();
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    tmp = tempConsoleConfig();
    await cliAddAgent(tmp.configPath, tmp.dir, ['alice', '--password', 'alice-password-1', '--name', 'Alice']);
    await cliAddAgent(tmp.configPath, tmp.dir, ['sue', '--password', 'sue-password-1', '--role', 'supervisor']);
    gw = await startGateway({ handoff: { agentsFile: tmp.agentsFile } });
    profile = mkdtempSync(join(tmpdir(), 'clawbot-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      locale: 'en-US',
      viewport: { width: 1280, height: 860 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  after(async () => {
    await context?.close();
    await gw?.close();
    if (tmp !== undefined) rmSync(tmp.dir, { recursive: true, force: true });
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  it('logs in, sees the ticket live, claims, replies, returns to the bot', async () => {
    const url = gw!.url;
    const key = gw!.key;
    await page.goto(`${url}/console/`);
    await page.locator('#login-view').waitFor({ state: 'visible' });
    await page.fill('#login-username', 'alice');
    await page.fill('#login-password', 'alice-password-1');
    await page.click('#login-submit');
    await page.locator('#desk-view').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#me').textContent(), 'Alice (agent)');
    await shot('01-logged-in');

    const session = `browser-${randomUUID().slice(0, 8)}`;
    const asked = await chat(url, key, { query: '转人工', session_id: session });
    assert.equal(asked.body.handoff, true);
    assert.match(asked.body.reply, /第 1 位/);
    const events = await openEvents(url, `/api/v1/sessions/${session}/events`, { authorization: `Bearer ${key}` });

    const item = page.locator('.ticket-item', { hasText: session });
    await item.waitFor({ state: 'visible' }); // arrives over the console's event stream, no reload
    await shot('02-ticket-live');
    await item.click();
    await page.locator('#claim-btn').waitFor({ state: 'visible' });
    await page.click('#claim-btn');
    await events.waitFor((e) => e.event === 'message' && /客服Alice已接入/.test(String(e.data['text'])));

    await page.locator('#reply-text').waitFor({ state: 'visible' });
    await page.fill('#reply-text', 'Hello, this is Alice from support.');
    await page.press('#reply-text', 'Control+Enter');
    const received = await events.waitFor(
      (e) => e.event === 'message' && e.data['text'] === 'Hello, this is Alice from support.',
    );
    assert.equal(received.data['author'], 'agent');
    const stored = await getSession(url, key, session);
    assert.ok(stored.body.turns.some((t) => t.replies.some((r) => r.author === 'agent' && r.text.includes('Alice'))));

    const meanwhile = await chat(url, key, { query: '退货怎么办', session_id: session });
    assert.equal(meanwhile.body.handoff, true);
    assert.equal(meanwhile.body.reply, '', 'the bot stays silent while the agent has the conversation');
    await page.locator('#transcript .line.customer', { hasText: '退货怎么办' }).waitFor({ state: 'visible' });
    await shot('03-conversation');

    await page.click('#return-btn');
    await events.waitFor((e) => e.event === 'handoff' && e.data['status'] === 'bot');
    const back = await chat(url, key, { query: '退货怎么办', session_id: session });
    assert.equal(back.body.handoff, false);
    assert.ok(back.body.reply.length > 0, 'the bot answers again');
    await page.locator('.ticket-item', { hasText: session }).waitFor({ state: 'detached' });
    await shot('04-returned-to-bot');
    events.close();
  });

  it('switches the UI between English and Chinese and works from the keyboard', async () => {
    await page.goto(`${gw!.url}/console/`);
    await page.locator('#desk-view').waitFor({ state: 'visible' });
    const label = () => page.locator('#tab-queue [data-i18n="queue"]').textContent();
    const before = await label();
    await page.click('#lang-toggle');
    const after = await label();
    assert.notEqual(before, after);
    assert.ok([before, after].includes('Queue') && [before, after].includes('排队中'), `${before} / ${after}`);
    await page.keyboard.press('Alt+2');
    assert.equal(await page.getAttribute('#tab-mine', 'aria-selected'), 'true');
    await page.keyboard.press('Alt+1');
    assert.equal(await page.getAttribute('#tab-queue', 'aria-selected'), 'true');
    await shot('05-language');
  });

  it('shows supervisors the dashboard (and not agents)', async () => {
    assert.equal(await page.isVisible('#tab-dashboard'), false, 'agents have no dashboard tab');
    await page.click('#logout');
    await page.locator('#login-view').waitFor({ state: 'visible' });
    await page.fill('#login-username', 'sue');
    await page.fill('#login-password', 'sue-password-1');
    await page.click('#login-submit');
    await page.locator('#tab-dashboard').waitFor({ state: 'visible' });
    await page.keyboard.press('Alt+3');
    await page.locator('#dash-cards .card').first().waitFor({ state: 'visible' });
    const cards = await page.locator('#dash-cards .card').allTextContents();
    assert.ok(cards.length >= 8, cards.join(' | '));
    assert.ok(
      (await page.locator('#dash-reasons').textContent())?.match(/1/),
      'the handoff of the first test is counted',
    );
    await shot('06-dashboard');
  });
});
