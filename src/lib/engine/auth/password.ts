/**
 * Password hashing for auth users.
 *
 * etcd hashes a new password with bcrypt on the member that receives the request, before the
 * request goes through raft, so every member applies and stores the same hash; the apply step
 * never hashes. This module keeps that split: `hashPassword` runs at proposal time with the
 * member's injected Rng for the salt, and the store only ever sees the finished hash.
 *
 * The algorithm is PBKDF2-HMAC-SHA256 rather than bcrypt: the engine may depend only on
 * @noble/hashes, which has no bcrypt, and the hash never leaves the playground (etcd's stored
 * bcrypt bytes are not visible through any API), so only the split matters, not the format.
 * The iteration count is modest so that `user add` in a browser tab stays quick.
 *
 * Stored form: `pbkdf2-sha256$<iterations>$<salt base64>$<key base64>`.
 */
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Rng } from '../util/rand';
import { fromBase64, toBase64 } from '../util/base64';
import { utf8 } from '../util/bytes';

const SCHEME = 'pbkdf2-sha256';
export const DEFAULT_ITERATIONS = 10_000;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** Hashes `password` with a fresh salt drawn from `rng`; the result is what the store keeps. */
export function hashPassword(
	password: string,
	rng: Rng,
	iterations: number = DEFAULT_ITERATIONS
): string {
	const salt = new Uint8Array(SALT_BYTES);
	for (let i = 0; i < salt.length; i++) salt[i] = rng.int(256);
	const key = pbkdf2(sha256, utf8(password), salt, { c: iterations, dkLen: KEY_BYTES });
	return `${SCHEME}$${iterations}$${toBase64(salt)}$${toBase64(key)}`;
}

/**
 * Whether `password` matches `hash` (made by `hashPassword`). An empty or malformed hash never
 * matches, as bcrypt refuses a user stored without a password.
 */
export function checkPassword(hash: string, password: string): boolean {
	const parts = hash.split('$');
	if (parts.length !== 4 || parts[0] !== SCHEME) return false;
	const iterations = Number(parts[1]);
	const salt = fromBase64(parts[2]);
	const want = fromBase64(parts[3]);
	if (!Number.isSafeInteger(iterations) || iterations < 1 || !salt || !want) return false;
	const got = pbkdf2(sha256, utf8(password), salt, { c: iterations, dkLen: want.length });
	// Compare every byte so the time taken does not tell how much of the key matched.
	let diff = got.length ^ want.length;
	for (let i = 0; i < want.length; i++) diff |= got[i] ^ want[i];
	return diff === 0;
}
