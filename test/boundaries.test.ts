import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const MODULES = ['core', 'channels', 'memory', 'inference', 'knowledge', 'handoff'] as const;
const SDKS: Record<string, string> = {
  '@slack/bolt': 'channels/slack',
  '@slack/web-api': 'channels/slack',
  'dingtalk-stream': 'channels/dingtalk',
  wechaty: 'channels/wechat-personal',
};
const EXPRESS_ALLOWED = ['gateway/', 'handoff/console/', 'channels/slack/'];

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    const rel = path.join(dir, entry);
    if (entry === 'node_modules' || entry === 'static') continue;
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...sourceFiles(rel));
    else if (rel.endsWith('.ts')) out.push(rel);
  }
  return out;
}

/** Every module specifier a file imports (static, dynamic and re-exports). */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  const re =
    /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
  for (const m of source.matchAll(re)) found.push((m[1] ?? m[2] ?? m[3])!);
  return found;
}

/** The top-level folder a relative import from `file` lands in, or undefined for packages. */
function targetFolder(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec)).split(path.sep)[0];
}

function topFolder(file: string): string {
  return file.split(path.sep)[0]!;
}

describe('import boundaries', () => {
  it('finds the import specifiers of a file (the checker itself works)', () => {
    const src =
      "import a from './a.js';\nimport type { B } from '../core/b.js';\nexport * from './c.js';\nconst d = await import('express');\nimport 'side';";
    assert.deepEqual(importsOf(src).sort(), ['../core/b.js', './a.js', './c.js', 'express', 'side'].sort());
  });

  it('core imports nothing outside core (node builtins and zod-free)', () => {
    const bad: string[] = [];
    for (const file of sourceFiles('core')) {
      for (const spec of importsOf(readFileSync(path.join(ROOT, file), 'utf8'))) {
        const target = targetFolder(file, spec);
        if (target === undefined ? !spec.startsWith('node:') : target !== 'core') bad.push(`${file} -> ${spec}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('channels, memory, inference, knowledge and handoff import only core and themselves', () => {
    const bad: string[] = [];
    for (const mod of MODULES.filter((m) => m !== 'core')) {
      for (const file of sourceFiles(mod)) {
        for (const spec of importsOf(readFileSync(path.join(ROOT, file), 'utf8'))) {
          const target = targetFolder(file, spec);
          if (target !== undefined && target !== 'core' && target !== mod) bad.push(`${file} -> ${spec}`);
          if (mod === 'channels' && target === 'channels') {
            const own = file.split(path.sep)[1];
            const other = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec)).split(path.sep)[1];
            if (own !== other) bad.push(`${file} -> ${spec} (channels never import each other)`);
          }
        }
      }
    }
    assert.deepEqual(bad, []);
  });

  it('platform SDKs are imported only inside their own channel folder, express only where allowed', () => {
    const bad: string[] = [];
    for (const mod of [...MODULES, 'gateway']) {
      for (const file of sourceFiles(mod)) {
        for (const spec of importsOf(readFileSync(path.join(ROOT, file), 'utf8'))) {
          const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          const home = SDKS[pkg];
          if (home !== undefined && !file.startsWith(home + path.sep)) bad.push(`${file} -> ${spec}`);
          if (pkg === 'express' && !EXPRESS_ALLOWED.some((p) => file.startsWith(p))) bad.push(`${file} -> express`);
          if (pkg === 'botbuilder') bad.push(`${file} -> botbuilder (archived; do not depend on it)`);
        }
      }
    }
    assert.deepEqual(bad, []);
  });

  it('nothing outside gateway/ reads process.env', () => {
    const bad = MODULES.flatMap((m) => sourceFiles(m)).filter((f) =>
      /process\.env/.test(readFileSync(path.join(ROOT, f), 'utf8')),
    );
    assert.deepEqual(bad, []);
  });

  it('sanity: the scan sees the core files', () => {
    assert.ok(sourceFiles('core').length >= 10);
    assert.equal(topFolder('core/x.ts'), 'core');
  });
});
