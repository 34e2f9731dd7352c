import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { featurize } from '../../../../inference/fasttext/featurizer.js';
import { forward } from '../../../../inference/fasttext/model.js';
import { stratifiedFolds } from '../../../../inference/fasttext/split.js';
import { trainFastText } from '../../../../inference/fasttext/trainer.js';
import type { LabeledText } from '../../../../inference/fasttext/dataset.js';

const XSID_ZH = path.resolve(import.meta.dirname, '../../../../../shared/datasets/xsid/zh.valid.jsonl');

describe('fasttext on shared datasets (skips when ../shared/datasets is absent)', function () {
  this.timeout(120_000);

  it('xSID-zh: 5-fold cross-validated top-1 >= 0.93 with the default configuration', async function () {
    if (!existsSync(XSID_ZH)) {
      console.log(`      (skipped: ${XSID_ZH} not found)`);
      this.skip();
    }
    const data = readFileSync(XSID_ZH, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as LabeledText);
    const folds = stratifiedFolds(data, 5, 1);
    let correct = 0;
    for (let k = 0; k < folds.length; k++) {
      const model = await trainFastText(folds.filter((_, i) => i !== k).flat());
      for (const e of folds[k]!) {
        const { logits } = forward(model, featurize(e.text, model.featurizer));
        if (model.labels[logits.indexOf(Math.max(...logits))] === e.intent) correct++;
      }
    }
    const accuracy = correct / data.length;
    assert.ok(accuracy >= 0.93, `xSID-zh cross-validated top-1 ${accuracy}`);
  });
});
