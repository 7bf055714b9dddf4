/**
 * Share links: a scenario (src/lib/scenario/parser.ts) carried in a URL fragment, so opening the
 * link replays what someone did. The fragment never reaches a server.
 *
 *   #v1.<n>.<crc>.<payload>
 *
 *   v1        format version; a page refuses versions it does not know
 *   n         length of <payload> in characters, so a link cut short is told from a damaged one
 *   crc       CRC-32C of the scenario's UTF-8 bytes, 8 hex digits
 *   payload   the UTF-8 bytes compressed with deflate-raw (CompressionStream), base64url, no padding
 *
 * Limits: a fragment of at most MAX_FRAGMENT_CHARS characters and a scenario of at most
 * MAX_SCENARIO_BYTES bytes once decompressed (decompression stops there, so a small link cannot
 * expand into a huge one). Every failure is a ShareLinkError whose message is written for the
 * learner and never quotes the link's content, so a hostile link cannot inject anything through
 * an error message; the scenario text itself is returned as plain text for the page to show as
 * text.
 */
import { crc32c } from '../engine/mvcc/crc32c';
import { validateScenarioText } from './validate';

export const SHARE_FORMAT_VERSION = 1;
/** Longest fragment accepted (and produced): about 8 KB of typical scenario text compresses well below. */
export const MAX_FRAGMENT_CHARS = 16_000;
/** Largest scenario accepted once decompressed: 64 KiB. */
export const MAX_SCENARIO_BYTES = 64 * 1024;

export type ShareLinkProblem =
	'not-a-link' | 'version' | 'truncated' | 'damaged' | 'too-large' | 'invalid-scenario';

export class ShareLinkError extends Error {
	readonly problem: ShareLinkProblem;
	constructor(problem: ShareLinkProblem, message: string) {
		super(message);
		this.name = 'ShareLinkError';
		this.problem = problem;
	}
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64URL_LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < B64URL.length; i++) B64URL_LOOKUP[B64URL.charCodeAt(i)] = i;

export function toBase64Url(bytes: Uint8Array): string {
	let out = '';
	for (let i = 0; i < bytes.length; i += 3) {
		const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
		const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
		for (let c = 0; c < chars; c++) out += B64URL[(n >> (18 - 6 * c)) & 63];
	}
	return out;
}

/** Decodes unpadded base64url; null when a character is outside the alphabet or the length is impossible. */
export function fromBase64Url(text: string): Uint8Array | null {
	if (text.length % 4 === 1) return null;
	const out = new Uint8Array(Math.floor((text.length * 6) / 8));
	let acc = 0;
	let bits = 0;
	let o = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		const v = c < 128 ? B64URL_LOOKUP[c] : -1;
		if (v < 0) return null;
		acc = ((acc << 6) | v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (acc >> bits) & 0xff;
		}
	}
	return out;
}

async function pipeThrough(
	bytes: Uint8Array,
	stream: CompressionStream | DecompressionStream,
	limit: number
): Promise<{ bytes: Uint8Array; overLimit: boolean }> {
	const writer = stream.writable.getWriter();
	// Errors surface on the reading side; the writer's promises must not go unhandled.
	writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => undefined);
	writer.close().catch(() => undefined);
	const reader = stream.readable.getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		total += value.length;
		if (total > limit) {
			await reader.cancel().catch(() => undefined);
			return { bytes: new Uint8Array(), overLimit: true };
		}
		chunks.push(value);
	}
	const out = new Uint8Array(total);
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.length;
	}
	return { bytes: out, overLimit: false };
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** The fragment (without `#`) that carries `scenario`; throws ShareLinkError when it is too large to share. */
export async function encodeScenarioLink(scenario: string): Promise<string> {
	const problem = validateScenarioText(scenario);
	if (problem) throw new ShareLinkError('invalid-scenario', problem);
	const raw = new TextEncoder().encode(scenario);
	if (raw.length > MAX_SCENARIO_BYTES) throw tooLarge();
	const { bytes } = await pipeThrough(raw, new CompressionStream('deflate-raw'), Infinity);
	const payload = toBase64Url(bytes);
	const fragment = `v${SHARE_FORMAT_VERSION}.${payload.length}.${hex8(crc32c(raw))}.${payload}`;
	if (fragment.length > MAX_FRAGMENT_CHARS) throw tooLarge();
	return fragment;
}

function tooLarge(): ShareLinkError {
	return new ShareLinkError(
		'too-large',
		`This scenario is too large to share as a link: links hold at most ${MAX_FRAGMENT_CHARS.toLocaleString('en-US')} characters ` +
			`and ${MAX_SCENARIO_BYTES / 1024} KiB of commands. Export it as a file instead.`
	);
}

const NOT_A_LINK = new ShareLinkError(
	'not-a-link',
	'This link does not hold a playground scenario. Nothing was run.'
);

function truncated(have: number, want: number): ShareLinkError {
	return new ShareLinkError(
		'truncated',
		`This link is cut short (${have} of ${want} characters arrived). Copy the whole link and open it again. Nothing was run.`
	);
}

const DAMAGED = new ShareLinkError(
	'damaged',
	'This link is damaged: its scenario cannot be read back. Ask for the link again. Nothing was run.'
);

/**
 * The scenario a fragment carries (with or without the leading `#`). Throws ShareLinkError with a
 * message for the learner when the link is not one, was cut short, was altered, is from another
 * format version, exceeds the limits or carries something that is not a scenario.
 */
export async function decodeScenarioLink(fragment: string): Promise<string> {
	const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
	if (text.length > MAX_FRAGMENT_CHARS) throw tooLarge();
	const version = /^v(\d{1,6})(?:\.|$)/.exec(text);
	if (!version) throw NOT_A_LINK;
	if (Number(version[1]) !== SHARE_FORMAT_VERSION) {
		throw new ShareLinkError(
			'version',
			`This link was made by a different version of the playground (format v${Number(version[1])}); ` +
				`this page opens format v${SHARE_FORMAT_VERSION} links. Nothing was run.`
		);
	}
	const rest = text.slice(version[0].length);
	const header = /^(\d{1,7})\.([0-9a-f]{8})\./.exec(rest);
	if (!header) {
		// `v1.123.ab` and shorter: the header itself was cut.
		if (/^\d{0,7}(\.[0-9a-f]{0,8})?$/.test(rest)) throw truncated(text.length, text.length + 1);
		throw NOT_A_LINK;
	}
	const want = Number(header[1]);
	const payload = rest.slice(header[0].length);
	if (want + header[0].length + version[0].length > MAX_FRAGMENT_CHARS) throw tooLarge();
	if (payload.length < want) throw truncated(payload.length, want);
	if (payload.length > want) throw DAMAGED;
	const compressed = fromBase64Url(payload);
	if (!compressed) throw DAMAGED;
	let raw: Uint8Array;
	try {
		const out = await pipeThrough(
			compressed,
			new DecompressionStream('deflate-raw'),
			MAX_SCENARIO_BYTES
		);
		if (out.overLimit) throw tooLarge();
		raw = out.bytes;
	} catch (e) {
		if (e instanceof ShareLinkError) throw e;
		throw DAMAGED;
	}
	if (hex8(crc32c(raw)) !== header[2]) throw DAMAGED;
	let scenario: string;
	try {
		scenario = new TextDecoder('utf-8', { fatal: true }).decode(raw);
	} catch {
		throw DAMAGED;
	}
	const problem = validateScenarioText(scenario);
	if (problem) throw new ShareLinkError('invalid-scenario', problem + ' Nothing was run.');
	return scenario;
}
