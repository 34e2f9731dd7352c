/** A terminal progress bar for training (cli-progress), shown only when stdout is a TTY; drawn on stderr. */

import cliProgress from 'cli-progress';

import type { JobProgress } from '../fasttext/train-classifier.js';

export interface TrainingBar {
  readonly onProgress: ((p: JobProgress) => void) | undefined;
  stop(): void;
}

/** A bar per training phase, or a no-op when `enabled` is false. */
export function createTrainingBar(enabled: boolean): TrainingBar {
  if (!enabled) return { onProgress: undefined, stop: () => undefined };
  let bar: cliProgress.SingleBar | undefined;
  let phase: string | undefined;
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
  };
  return {
    onProgress: (p) => {
      if (p.phase !== phase) {
        stop();
        phase = p.phase;
        bar = new cliProgress.SingleBar(
          {
            format: `training ${p.phase === 'final-model' ? 'model' : 'calibration model'} [{bar}] {percentage}% | epoch {epoch}/{epochs} | loss {loss} | eta {eta}s`,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.total, 0, { epoch: 1, epochs: p.epochs, loss: '-' });
      }
      bar?.update(p.done, { epoch: p.epoch + 1, epochs: p.epochs, loss: p.loss.toFixed(3) });
    },
    stop,
  };
}
