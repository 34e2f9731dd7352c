/**
 * `clawbot models pull <id> [--endpoint URL] [--dir DIR] [--revision R] [--file F ...] [--sha256 FILE=HEX ...]`
 * and `clawbot models list [--dir DIR]`. The endpoint defaults to $HF_ENDPOINT, then https://huggingface.co;
 * the models root to $CLAWBOT_MODELS_DIR, then ./models; $HF_TOKEN is sent for gated models (never printed).
 */
import { isAbsolute, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { BotError } from '../../core/errors.js';
import type { DownloadProgress, FetchFn } from './download.js';
import { listModels } from './list.js';
import { DEFAULT_ENDPOINT } from './paths.js';
import { pullModel } from './pull.js';

/** What the commands need from the CLI (structurally a subset of the gateway's CliContext). */
export interface ModelsCliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly interactive: boolean;
  readonly print: (text: string) => void;
  readonly printError: (text: string) => void;
  exitCode: number;
}

interface PullFlags {
  endpoint?: string;
  dir?: string;
  revision: string;
  file?: string[];
  sha256?: string[];
  retries: string;
}

function modelsRoot(io: ModelsCliIo, dir: string | undefined): string {
  const root = dir ?? io.env.CLAWBOT_MODELS_DIR ?? 'models';
  return isAbsolute(root) ? root : resolve(io.cwd, root);
}

function parsePins(pins: readonly string[] | undefined): Record<string, string> | undefined {
  if (pins === undefined || pins.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const pin of pins) {
    const eq = pin.lastIndexOf('=');
    const file = pin.slice(0, eq);
    const hex = pin.slice(eq + 1).toLowerCase();
    if (eq <= 0 || !/^[0-9a-f]{64}$/.test(hex)) {
      throw new BotError('request.invalid', `--sha256 takes FILE=HEX (64 hex digits), got "${pin}"`);
    }
    out[file] = hex;
  }
  return out;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** Progress on a terminal: one bar per file; elsewhere nothing until each file's summary line. */
function progressReporter(io: ModelsCliIo): { onProgress: (p: DownloadProgress) => void; stop(): void } {
  if (!io.interactive) return { onProgress: () => undefined, stop: () => undefined };
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  return {
    onProgress: (p) => {
      if (p.file !== current) {
        bar?.stop();
        current = p.file;
        bar = new cliProgress.SingleBar(
          { format: `${p.file} [{bar}] {percentage}% {value}/{total} bytes`, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.totalBytes ?? 0, p.receivedBytes);
      }
      bar?.update(p.receivedBytes);
    },
    stop: () => bar?.stop(),
  };
}

/**
 * Registers `models pull` and `models list`. `io` is the gateway's CliContext (or anything shaped like it), so this
 * fits the gateway's `RegisterCommand`; `deps.fetch` replaces the global fetch (tests).
 */
export function registerModelsCommand(program: Command, io: ModelsCliIo, deps: { fetch?: FetchFn } = {}): void {
  const models = program.command('models').description('pretrained models from a Hugging Face compatible hub');
  models
    .command('pull')
    .description('download a model (ONNX weights + tokenizer) with resume and sha256 checks')
    .argument('<id>', 'repository id, e.g. Xenova/bge-small-zh-v1.5')
    .option('--endpoint <url>', `hub or mirror base URL (default: $HF_ENDPOINT or ${DEFAULT_ENDPOINT})`)
    .option('--dir <dir>', 'models root; the model goes to <dir>/<id> (default: $CLAWBOT_MODELS_DIR or ./models)')
    .option('--revision <rev>', 'branch, tag or commit', 'main')
    .option('--file <path>', 'fetch this file (repeatable); default: the encoder layout', collect)
    .option('--sha256 <file=hex>', 'pin a file to a sha256 (repeatable)', collect)
    .option('--retries <n>', 'retries per file, each resuming', '3')
    .action(async (id: string, flags: PullFlags) => {
      const dir = join(modelsRoot(io, flags.dir), ...id.split('/'));
      const endpoint = flags.endpoint ?? io.env.HF_ENDPOINT ?? DEFAULT_ENDPOINT;
      const pins = parsePins(flags.sha256);
      const progress = progressReporter(io);
      io.print(`pulling ${id}@${flags.revision} from ${endpoint} into ${dir}`);
      try {
        const result = await pullModel(
          {
            id,
            endpoint,
            revision: flags.revision,
            dir,
            retries: Number(flags.retries),
            onProgress: progress.onProgress,
            ...(flags.file === undefined ? {} : { files: flags.file }),
            ...(pins === undefined ? {} : { sha256: pins }),
            ...(io.env.HF_TOKEN === undefined || io.env.HF_TOKEN === '' ? {} : { token: io.env.HF_TOKEN }),
            ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
          },
          {},
        );
        progress.stop();
        for (const f of result.files) {
          const how = f.skipped ? 'up to date' : f.resumed ? 'resumed' : 'downloaded';
          const check = f.verified === 'none' ? 'no sha256 known' : `sha256 ${f.verified} ok`;
          io.print(`✔ ${f.file}  ${mib(f.bytes)}  ${how}, ${check}`);
        }
        if (result.missing.length > 0) io.print(`  (not in the repository: ${result.missing.join(', ')})`);
        io.print(`done: inference.encoder.dir = ${dir}`);
      } finally {
        progress.stop();
      }
    });
  models
    .command('list')
    .description('list downloaded models')
    .option('--dir <dir>', 'models root (default: $CLAWBOT_MODELS_DIR or ./models)')
    .action(async (flags: { dir?: string }) => {
      const root = modelsRoot(io, flags.dir);
      const found = await listModels(root);
      if (found.length === 0) {
        io.print(`no models under ${root} (clawbot models pull <id>)`);
        return;
      }
      for (const m of found) {
        const state = m.complete ? 'ready' : 'incomplete';
        const partial = m.partial > 0 ? `, ${m.partial} interrupted download(s): pull again to resume` : '';
        io.print(`${m.id}  ${mib(m.bytes)}  ${m.files} files  ${state}${partial}  ${m.dir}`);
      }
    });
}
