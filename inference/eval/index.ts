/** `clawbot eval` / `clawbot train`: evaluation contract, reports and commands. */
export { registerEvalCommand, registerTrainCommand } from './cli.js';
export type { EvalCliIo, TrainCommandDeps } from './cli.js';
export { examplesFromBot, readBotExamplesMinimal } from './bot-examples.js';
export { parseJsonl, readJsonl } from './jsonl.js';
export { eceOf, reliabilityBins, scoreAt, thresholdSweep } from './metrics.js';
export type { EvalResult, ReliabilityBin, ScoredExample } from './metrics.js';
export { formatHtmlReport, formatTextReport, reliabilitySvg } from './report.js';
export { runEval, runEvalDetailed } from './run-eval.js';
export type { EvalDetails, RunEvalDeps, RunEvalOptions } from './run-eval.js';
