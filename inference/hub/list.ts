/** Lists the model folders under a models root (`<root>/<owner>/<name>` as `models pull` lays them out). */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface LocalModel {
  id: string;
  dir: string;
  bytes: number;
  files: number;
  /** Has weights and a tokenizer. */
  complete: boolean;
  /** Interrupted downloads (`.part` files) waiting to be resumed. */
  partial: number;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

async function describe(id: string, dir: string): Promise<LocalModel> {
  const files = await walk(dir);
  let bytes = 0;
  for (const f of files) bytes += (await stat(f)).size;
  const has = (rel: string): boolean => existsSync(join(dir, rel));
  return {
    id,
    dir,
    bytes,
    files: files.filter((f) => !f.endsWith('.part')).length,
    complete: (has('model.onnx') || has('onnx/model.onnx')) && (has('tokenizer.json') || has('vocab.txt')),
    partial: files.filter((f) => f.endsWith('.part')).length,
  };
}

/** Every `<owner>/<name>` (or top-level `<name>`) folder under `root` that holds model files. */
export async function listModels(root: string): Promise<LocalModel[]> {
  if (!existsSync(root)) return [];
  const models: LocalModel[] = [];
  for (const owner of await readdir(root, { withFileTypes: true })) {
    if (!owner.isDirectory()) continue;
    const ownerDir = join(root, owner.name);
    const looksLikeModel = (d: string): boolean =>
      ['model.onnx', 'onnx', 'tokenizer.json', 'vocab.txt', 'config.json'].some((f) => existsSync(join(d, f)));
    if (looksLikeModel(ownerDir)) {
      models.push(await describe(owner.name, ownerDir));
      continue;
    }
    for (const name of await readdir(ownerDir, { withFileTypes: true })) {
      const dir = join(ownerDir, name.name);
      if (name.isDirectory() && looksLikeModel(dir)) models.push(await describe(`${owner.name}/${name.name}`, dir));
    }
  }
  return models.sort((a, b) => a.id.localeCompare(b.id));
}
