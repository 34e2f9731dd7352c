/** Model downloads from a Hugging Face compatible hub (resume, sha256) and the `clawbot models` commands. */
export { registerModelsCommand } from './cli.js';
export type { ModelsCliIo } from './cli.js';
export { downloadFile, hashFile } from './download.js';
export type { DownloadProgress, DownloadRequest, DownloadResult, FetchFn } from './download.js';
export { listModels } from './list.js';
export type { LocalModel } from './list.js';
export { DEFAULT_ENDPOINT, resolveUrl, sha256FromEtag } from './paths.js';
export { ENCODER_FILES, MODEL_FILES, pullModel } from './pull.js';
export type { PullModelOptions, PullResult, PulledFile } from './pull.js';
