/**
 * Supply chain: `npm audit --omit=dev` reports no high or critical vulnerability in production dependencies.
 * Skipped with a notice when the registry's audit endpoint cannot be reached (offline, or a mirror without it).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { ROOT } from '../integration/production/support.js';
import { report } from './support.js';

interface AuditJson {
  readonly metadata?: { readonly vulnerabilities?: Record<string, number> };
  readonly vulnerabilities?: Record<string, { readonly severity: string; readonly via: unknown[] }>;
  readonly error?: { readonly code?: string; readonly summary?: string };
}

describe('reliability: npm audit --omit=dev', function () {
  this.timeout(180_000);

  it('has no high or critical findings', async function () {
    const out = await new Promise<string>((resolve) => {
      execFile(
        'npm',
        ['audit', '--omit=dev', '--json'],
        { cwd: ROOT, timeout: 150_000, maxBuffer: 32 * 1024 * 1024 },
        (_e, stdout) => resolve(stdout),
      );
    });
    let audit: AuditJson;
    try {
      audit = JSON.parse(out) as AuditJson;
    } catch {
      audit = { error: { summary: out.slice(0, 200) } };
    }
    const counts = audit.metadata?.vulnerabilities;
    if (counts === undefined) {
      console.warn(`npm audit unavailable (${audit.error?.summary ?? audit.error?.code ?? 'no report'}); skipping`);
      await report('npm-audit', { available: false, error: audit.error ?? null });
      this.skip();
    }
    const serious = Object.entries(audit.vulnerabilities ?? {})
      .filter(([, v]) => v.severity === 'high' || v.severity === 'critical')
      .map(([name, v]) => `${name} (${v.severity})`);
    await report('npm-audit', { available: true, counts, serious });
    assert.deepEqual(serious, []);
  });
});
