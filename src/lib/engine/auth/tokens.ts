/**
 * etcd's "simple" auth tokens: `<16 random letters>.<raft index>`.
 *
 * How a token comes to exist, as in etcd:
 * 1. the member that receives Authenticate checks the password and draws the 16-letter prefix
 *    from its Rng (`genTokenPrefix`);
 * 2. it proposes {name, prefix} through raft, without the password;
 * 3. every member applies the entry and records `<prefix>.<entry index>` for the user, so a
 *    client may present the token to any member once that member has applied the entry.
 *
 * Tokens are member state and never part of a snapshot. A token lives for five minutes after
 * its last use; time comes from the caller (`advance(nowMs)`), never from a clock. All tokens
 * of a user die when the user is deleted or changes password, and all tokens die when auth is
 * disabled.
 */
import type { Rng } from '../util/rand';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const PREFIX_LENGTH = 16;

/** etcd's default simple-token TTL: five minutes after the last use. */
export const SIMPLE_TOKEN_TTL_MS = 5 * 60 * 1000;

/** Sixteen random letters, the part of a token chosen before the raft proposal. */
export function genTokenPrefix(rng: Rng): string {
	let s = '';
	for (let i = 0; i < PREFIX_LENGTH; i++) s += LETTERS[rng.int(LETTERS.length)];
	return s;
}

/**
 * The raft index a well-formed token names, or undefined for a malformed one. A member must
 * have applied this index before it can know the token (etcd waits for it).
 */
export function tokenIndex(token: string): number | undefined {
	const parts = token.split('.');
	if (parts.length !== 2 || !/^[0-9]+$/.test(parts[1])) return undefined;
	const index = Number(parts[1]);
	return Number.isSafeInteger(index) ? index : undefined;
}

interface TokenEntry {
	username: string;
	expiresAt: number;
}

export class SimpleTokens {
	private tokens = new Map<string, TokenEntry>();
	private active = false;
	private now = 0;

	constructor(private readonly ttlMs: number = SIMPLE_TOKEN_TTL_MS) {}

	/** The time the tokens last heard of. */
	get nowMs(): number {
		return this.now;
	}

	/** Starts keeping tokens (auth enabled); a no-op when already keeping them. */
	enable(): void {
		this.active = true;
	}

	/** Forgets every token and keeps no new ones (auth disabled). */
	disable(): void {
		this.active = false;
		this.tokens = new Map();
	}

	/** Moves time forward and drops tokens unused for longer than the TTL. */
	advance(nowMs: number): void {
		if (nowMs > this.now) this.now = nowMs;
		for (const [token, entry] of this.tokens) {
			if (this.now > entry.expiresAt) this.tokens.delete(token);
		}
	}

	/** Records `<prefix>.<index>` for `username`; returns the token. */
	assign(username: string, prefix: string, index: number): string {
		const token = `${prefix}.${index}`;
		// A token reused for a different user would let one user act as another; etcd panics.
		const existing = this.tokens.get(token);
		if (existing && existing.username !== username) {
			throw new Error(`simple token ${token} is already assigned to another user`);
		}
		if (this.active) this.tokens.set(token, { username, expiresAt: this.now + this.ttlMs });
		return token;
	}

	/** The user a live token belongs to (and its TTL restarts), or undefined. */
	use(token: string): string | undefined {
		if (tokenIndex(token) === undefined) return undefined;
		const entry = this.tokens.get(token);
		if (!entry) return undefined;
		if (this.now > entry.expiresAt) {
			this.tokens.delete(token);
			return undefined;
		}
		entry.expiresAt = this.now + this.ttlMs;
		return entry.username;
	}

	/** Drops every token of `username`. */
	invalidateUser(username: string): void {
		for (const [token, entry] of this.tokens) {
			if (entry.username === username) this.tokens.delete(token);
		}
	}

	/** How many tokens are live (for status displays and tests). */
	get size(): number {
		return this.tokens.size;
	}
}
