/** Readable text report and self-contained HTML report (inline SVG reliability diagram, no external assets). */

import type { EvalDetails } from './run-eval.js';
import type { ReliabilityBin } from './metrics.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The plain-text report printed by `clawbot eval` without --json. */
export function formatTextReport(d: EvalDetails): string {
  const r = d.result;
  const lines = [
    `model: ${d.model.labels} intents, dim ${d.model.dim}, ONNX ${(d.model.onnxBytes / 1e6).toFixed(1)} MB, ` +
      `loaded in ${d.model.loadMs} ms, temperature ${d.model.temperature.toFixed(3)}, calibrated on ${d.model.calibrationSource}`,
    `training: ${r.train_seconds.toFixed(1)} s   prediction: ${r.predict_per_second.toFixed(0)} /s`,
    '',
    `at threshold ${r.threshold}:`,
    `  in scope      n=${r.in_scope.n}  top-1 ${pct(r.in_scope.top1_accuracy)}  answered correct ${pct(r.in_scope.answered_correct)}` +
      `  answered wrong ${pct(r.in_scope.answered_wrong)}  handed off ${pct(r.in_scope.handed_off)}`,
    `  out of scope  n=${r.out_of_scope.n}  handed off ${pct(r.out_of_scope.handed_off)}`,
    `  ECE ${r.ece.toFixed(4)}`,
    '',
    'threshold sweep:',
    '  threshold  answered-correct  answered-wrong  in-scope-handed-off  oos-handed-off',
    ...d.sweep.map(
      (s) =>
        `  ${s.threshold.toFixed(2).padStart(9)}  ${pct(s.in_scope.answered_correct).padStart(16)}  ` +
        `${pct(s.in_scope.answered_wrong).padStart(14)}  ${pct(s.in_scope.handed_off).padStart(19)}  ` +
        `${pct(s.out_of_scope.handed_off).padStart(14)}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Reliability diagram (accuracy vs confidence per bin, with the diagonal) as an inline SVG string. */
export function reliabilitySvg(bins: readonly ReliabilityBin[], size = 360): string {
  const pad = 40;
  const inner = size - 2 * pad;
  const x = (v: number): number => pad + v * inner;
  const y = (v: number): number => size - pad - v * inner;
  const total = bins.reduce((s, b) => s + b.count, 0) || 1;
  const bars = bins
    .filter((b) => b.count > 0)
    .map((b) => {
      const w = (b.hi - b.lo) * inner;
      const gap =
        `<rect x="${x(b.lo).toFixed(1)}" y="${y(Math.max(b.accuracy, b.meanConfidence)).toFixed(1)}" width="${w.toFixed(1)}" ` +
        `height="${(Math.abs(b.meanConfidence - b.accuracy) * inner).toFixed(1)}" fill="#e66" fill-opacity="0.35"/>`;
      return (
        `<rect x="${x(b.lo).toFixed(1)}" y="${y(b.accuracy).toFixed(1)}" width="${w.toFixed(1)}" ` +
        `height="${(b.accuracy * inner).toFixed(1)}" fill="#4a7fd4" stroke="#234" stroke-width="0.5">` +
        `<title>${(b.lo * 100).toFixed(0)}-${(b.hi * 100).toFixed(0)}%: n=${b.count} (${pct(b.count / total)}), ` +
        `accuracy ${pct(b.accuracy)}, mean confidence ${pct(b.meanConfidence)}</title></rect>${gap}`
      );
    })
    .join('');
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1]
    .map(
      (t) =>
        `<text x="${x(t)}" y="${size - pad + 16}" font-size="11" text-anchor="middle">${t}</text>` +
        `<text x="${pad - 6}" y="${y(t) + 4}" font-size="11" text-anchor="end">${t}</text>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" role="img" aria-label="reliability diagram">` +
    `<rect x="${pad}" y="${pad}" width="${inner}" height="${inner}" fill="none" stroke="#999"/>${bars}` +
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#333" stroke-dasharray="4 3"/>${ticks}` +
    `<text x="${size / 2}" y="${size - 6}" font-size="12" text-anchor="middle">confidence</text>` +
    `<text x="12" y="${size / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 12 ${size / 2})">accuracy</text></svg>`
  );
}

/** A self-contained HTML report: figures, threshold sweep, reliability diagram, the worst confident mistakes. */
export function formatHtmlReport(d: EvalDetails, title = 'clawbot eval'): string {
  const r = d.result;
  const rows = d.sweep
    .map(
      (s) =>
        `<tr${s.threshold === r.threshold ? ' class="cur"' : ''}><td>${s.threshold.toFixed(2)}</td>` +
        `<td>${pct(s.in_scope.answered_correct)}</td><td>${pct(s.in_scope.answered_wrong)}</td>` +
        `<td>${pct(s.in_scope.handed_off)}</td><td>${pct(s.out_of_scope.handed_off)}</td></tr>`,
    )
    .join('');
  const mistakes = d.items
    .filter((e) => e.predicted !== e.gold && e.confidence >= r.threshold)
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, 25)
    .map(
      (e) =>
        `<tr><td>${escapeHtml(e.text)}</td><td>${escapeHtml(e.gold)}</td>` +
        `<td>${escapeHtml(e.predicted ?? '')}</td><td>${e.confidence.toFixed(3)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}tr.cur{background:#ffd}
.grid{display:flex;gap:3em;flex-wrap:wrap}</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>${d.model.labels} intents · dim ${d.model.dim} · ONNX ${(d.model.onnxBytes / 1e6).toFixed(1)} MB · load ${d.model.loadMs} ms ·
temperature ${d.model.temperature.toFixed(3)} · calibrated on ${escapeHtml(d.model.calibrationSource)} ·
training ${r.train_seconds.toFixed(1)} s · ${r.predict_per_second.toFixed(0)} predictions/s</p>
<div class="grid"><div><h2>At threshold ${r.threshold}</h2><table>
<tr><th>in scope (n=${r.in_scope.n})</th><td></td></tr>
<tr><td>top-1 accuracy</td><td>${pct(r.in_scope.top1_accuracy)}</td></tr>
<tr><td>answered correct</td><td>${pct(r.in_scope.answered_correct)}</td></tr>
<tr><td>answered wrong</td><td>${pct(r.in_scope.answered_wrong)}</td></tr>
<tr><td>handed off</td><td>${pct(r.in_scope.handed_off)}</td></tr>
<tr><th>out of scope (n=${r.out_of_scope.n})</th><td></td></tr>
<tr><td>handed off</td><td>${pct(r.out_of_scope.handed_off)}</td></tr>
<tr><td>ECE (15 bins)</td><td>${r.ece.toFixed(4)}</td></tr></table></div>
<div><h2>Reliability</h2>${reliabilitySvg(d.reliability)}</div></div>
<h2>Threshold sweep</h2><table><tr><th>threshold</th><th>answered correct</th><th>answered wrong</th>
<th>in-scope handed off</th><th>out-of-scope handed off</th></tr>${rows}</table>
<h2>Most confident mistakes</h2><table><tr><th>text</th><th>gold</th><th>predicted</th><th>confidence</th></tr>${mistakes}</table>
</body></html>
`;
}
