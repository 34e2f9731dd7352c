import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_BOT_DIR, faqFromCsv, loadBotFolder, parseCsv } from '../../../knowledge/bot-folder/index.js';

describe('faq.csv', () => {
  it('parses RFC 4180 CSV: quotes, doubled quotes, commas and line breaks in fields, CRLF, BOM', () => {
    assert.deepEqual(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi""\nthere"\n\n'), [
      ['a', 'b'],
      ['x, y', 'say "hi"\nthere'],
    ]);
  });

  it('merges rows of one id and splits "|" lists', () => {
    const { content, problems } = faqFromCsv(
      'faq.csv',
      'id,question,questions,answer_zh,answer_en,tags\n' +
        'refund,退款多久到账,how long does a refund take | refund not received,1–3 天,1–3 days,returns|payment\n' +
        'refund,钱什么时候退,,,,\n',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(content, [
      {
        id: 'refund',
        questions: ['退款多久到账', 'how long does a refund take', 'refund not received', '钱什么时候退'],
        answer: { zh: '1–3 天', en: '1–3 days' },
        tags: ['returns', 'payment'],
      },
    ]);
    assert.match(faqFromCsv('faq.csv', 'name,answer\nx,y\n').problems[0]?.message ?? '', /"id" column/);
  });

  it('loads a bot folder whose FAQ is a CSV file, validated like faq.yaml', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clawbot-csv-'));
    try {
      await cp(DEMO_BOT_DIR, dir, { recursive: true });
      await unlink(join(dir, 'faq.yaml'));
      await writeFile(
        join(dir, 'faq.csv'),
        'id,questions,answer\ngift,gift wrap?|礼品包装,Yes ¥5\nrefund-time,退款多久到账,1–3 days\n',
      );
      const bot = await loadBotFolder(dir);
      assert.deepEqual(bot.faq[0], {
        id: 'gift',
        questions: ['gift wrap?', '礼品包装'],
        answer: { zh: 'Yes ¥5', en: 'Yes ¥5' },
        tags: [],
      });
      assert.equal(bot.faq.length, 2);
      await writeFile(join(dir, 'faq.csv'), 'id,questions,answer\nbad id!,q,a\n');
      await assert.rejects(loadBotFolder(dir), /faq\.csv: \[0\]\.id: must be an id/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
