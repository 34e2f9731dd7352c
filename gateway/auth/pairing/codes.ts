/**
 * Pairing codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), read back case-insensitively
 * and with any spaces or dashes the person typed (`abcd-efgh`).
 */
import { randomInt } from 'node:crypto';

/** Digits and capitals without 0, 1, I, L and O: 31 characters, about 39.6 bits per code. */
export const PAIRING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** Characters in a pairing code. */
export const PAIRING_CODE_LENGTH = 8;

const CODE_PATTERN = new RegExp(`^[${PAIRING_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`);

/** A uniformly random code (crypto `randomInt`, no modulo bias). */
export function generatePairingCode(random: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i += 1) code += PAIRING_ALPHABET[random(PAIRING_ALPHABET.length)];
  return code;
}

/** The canonical form of a typed code (upper case, spaces and dashes removed), or `undefined` when it cannot be one. */
export function normalisePairingCode(input: string): string | undefined {
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  return CODE_PATTERN.test(code) ? code : undefined;
}
