/**
 * GPU utilisation and memory for `/metrics` from `nvidia-smi` (only when the gateway runs models on CUDA). Each GPU is
 * one label value (its index), so the label set is as small as the machine.
 */
import { execFile } from 'node:child_process';
import type { MetricFamilies } from './metrics.js';

/** One GPU's figures. */
export interface GpuSample {
  readonly index: string;
  /** 0..1 */
  readonly utilization: number;
  readonly memoryUsedBytes: number;
  readonly memoryTotalBytes: number;
}

/** The nvidia-smi query this module runs. */
export const NVIDIA_SMI_ARGS = [
  '--query-gpu=index,utilization.gpu,memory.used,memory.total',
  '--format=csv,noheader,nounits',
] as const;

const MIB = 1024 * 1024;

/** Parses `index, util %, used MiB, total MiB` lines; rows that do not parse are skipped. Pure. */
export function parseGpuSamples(stdout: string): GpuSample[] {
  const samples: GpuSample[] = [];
  for (const line of stdout.split('\n')) {
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== 4) continue;
    const [index, util, used, total] = cells as [string, string, string, string];
    const numbers = [Number(util), Number(used), Number(total)];
    if (!/^\d+$/.test(index) || numbers.some((n) => !Number.isFinite(n) || util === '')) continue;
    samples.push({
      index,
      utilization: numbers[0]! / 100,
      memoryUsedBytes: numbers[1]! * MIB,
      memoryTotalBytes: numbers[2]! * MIB,
    });
  }
  return samples;
}

/** Runs nvidia-smi; undefined when it is missing or fails. */
export type GpuQuery = () => Promise<string | undefined>;

/** The real query (2 s timeout). */
export const nvidiaSmi: GpuQuery = () =>
  new Promise((resolve) => {
    execFile('nvidia-smi', [...NVIDIA_SMI_ARGS], { timeout: 2000, encoding: 'utf8' }, (error, stdout) =>
      resolve(error === null ? stdout : undefined),
    );
  });

/** A scrape refresher setting the GPU gauges (no series when nvidia-smi answers nothing). */
export function gpuRefresher(families: MetricFamilies, query: GpuQuery = nvidiaSmi): () => Promise<void> {
  return async () => {
    const out = await query();
    families.gpuUtilization.reset();
    families.gpuMemoryUsed.reset();
    families.gpuMemoryTotal.reset();
    for (const s of parseGpuSamples(out ?? '')) {
      families.gpuUtilization.set({ gpu: s.index }, s.utilization);
      families.gpuMemoryUsed.set({ gpu: s.index }, s.memoryUsedBytes);
      families.gpuMemoryTotal.set({ gpu: s.index }, s.memoryTotalBytes);
    }
  };
}
