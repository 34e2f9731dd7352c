/** Feature hashing for the fastText-style featurizer (FNV-1a, core/math/hash). */
import { fnv1a, fnv1aUpdate } from '../../core/math/hash.js';

/** Hash of `text` into one of `buckets` buckets, namespaced by a feature-kind tag. */
export function bucketOf(tag: string, text: string, buckets: number): number {
  return fnv1aUpdate(fnv1a(tag), text) % buckets;
}
