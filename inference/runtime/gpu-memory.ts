/** Best-effort GPU memory figures from `nvidia-smi` (only asked when a model runs on CUDA). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { GpuMemory } from './types.js';

/** Runs a program and gives its standard output. */
export type ExecFileFn = (file: string, args: readonly string[], options: { timeoutMs: number }) => Promise<string>;

/** The real `execFile`. */
export const nodeExecFile: ExecFileFn = async (file, args, options) =>
  (await promisify(execFile)(file, [...args], { timeout: options.timeoutMs, encoding: 'utf8' })).stdout;

/** Parses `nvidia-smi --query-gpu=memory.used,memory.total --format=csv,noheader,nounits` (summed over GPUs). */
export function parseNvidiaSmiMemory(stdout: string): GpuMemory | undefined {
  let usedMiB = 0;
  let totalMiB = 0;
  let rows = 0;
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const [used, total] = line.split(',').map((s) => Number(s.trim()));
    if (used === undefined || total === undefined || !Number.isFinite(used) || !Number.isFinite(total)) {
      return undefined;
    }
    usedMiB += used;
    totalMiB += total;
    rows++;
  }
  return rows === 0 ? undefined : { usedMiB, totalMiB };
}

/** Asks nvidia-smi; undefined when it is missing or answers something unexpected. */
export async function queryGpuMemory(exec: ExecFileFn): Promise<GpuMemory | undefined> {
  try {
    const out = await exec('nvidia-smi', ['--query-gpu=memory.used,memory.total', '--format=csv,noheader,nounits'], {
      timeoutMs: 2000,
    });
    return parseNvidiaSmiMemory(out);
  } catch {
    return undefined;
  }
}
