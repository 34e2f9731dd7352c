/** The pairing store port: one JSON document, read freely, changed only through an atomic update. */
import { BotError } from '../../../core/errors.js';
import { emptyPairingState, pairingStateSchema, type PairingState } from './state.js';

/** A change to the state: a pure function that returns the next state and a result, or throws to change nothing. */
export type PairingChange<T> = (state: PairingState) => { state: PairingState; result: T };

/** Where pairing requests and paired clients live; the gateway and `clawbot pairing` must use the same one. */
export interface PairingStore {
  readonly kind: 'file' | 'redis';
  /** Where the state is (a file path or a Redis key), for messages. */
  readonly location: string;
  read(): Promise<PairingState>;
  /** Applies `change` atomically with respect to every other process using the same store. */
  update<T>(change: PairingChange<T>): Promise<T>;
  close(): Promise<void>;
}

/** Parses a stored document; an absent one is the empty state. Throws `internal` when it is not a pairing state. */
export function decodePairingState(text: string | null | undefined, location: string): PairingState {
  if (text === null || text === undefined || text === '') return emptyPairingState();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BotError('internal', `the pairing store at ${location} is not valid JSON; fix or remove it`, {
      cause: error,
    });
  }
  const parsed = pairingStateSchema.safeParse(value);
  if (!parsed.success) {
    throw new BotError('internal', `the pairing store at ${location} does not hold a pairing state; fix or remove it`);
  }
  return parsed.data;
}
