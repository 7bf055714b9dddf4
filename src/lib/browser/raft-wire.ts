/**
 * Raft messages between member workers as one flat buffer instead of object graphs. A
 * BroadcastChannel clones what it is given field by field (and the receiver rebuilds it);
 * under `etcdctl check perf` every write crosses it as an entry in a MsgApp to each follower,
 * and that cloning was a large part of the leader's time. A buffer is copied in one piece.
 *
 * Only plain raft messages are packed (no snapshot, no field this file does not know); every
 * other message (snapshots, member RPCs) travels as the object it is.
 */
import type { PeerMessage } from '../engine/server/server';
import type { Message, MessageType } from '../engine/raft';
import { entrySize, readEntry, writeEntry } from './entry-bytes';

const TYPES: MessageType[] = [
	'MsgHup',
	'MsgBeat',
	'MsgUnreachable',
	'MsgSnapStatus',
	'MsgCheckQuorum',
	'MsgProp',
	'MsgApp',
	'MsgAppResp',
	'MsgVote',
	'MsgVoteResp',
	'MsgPreVote',
	'MsgPreVoteResp',
	'MsgSnap',
	'MsgHeartbeat',
	'MsgHeartbeatResp',
	'MsgTransferLeader',
	'MsgTimeoutNow',
	'MsgReadIndex',
	'MsgReadIndexResp'
];
const TYPE_CODE = new Map(TYPES.map((t, i) => [t, i]));

const MESSAGE_KEYS = new Set([
	'type',
	'from',
	'to',
	'term',
	'logTerm',
	'index',
	'entries',
	'commit',
	'reject',
	'rejectHint',
	'context'
]);
const ENTRY_KEYS = new Set(['term', 'index', 'type', 'data']);

const U64 = 2n ** 64n;

/** Type code, four ids, five numbers, flags. */
const HEAD_BYTES = 1 + 4 * 8 + 5 * 8 + 1;

function isId(x: unknown): x is bigint {
	return typeof x === 'bigint' && x >= 0n && x < U64;
}

function isLength(n: number): boolean {
	return n <= 0xffffffff;
}

/** The bytes `p` packs into, or -1 when it is not a message this file packs. */
function packedSize(p: PeerMessage): number {
	if (p.kind !== 'raft') return -1;
	const m = p.msg;
	if (!isId(p.from) || !isId(p.to) || !isId(m.from) || !isId(m.to)) return -1;
	if (!TYPE_CODE.has(m.type) || !Array.isArray(m.entries)) return -1;
	for (const k in m) {
		if (!MESSAGE_KEYS.has(k) && (m as unknown as Record<string, unknown>)[k] !== undefined)
			return -1;
	}
	if (typeof m.reject !== 'boolean') return -1;
	for (const v of [m.term, m.logTerm, m.index, m.commit, m.rejectHint])
		if (typeof v !== 'number') return -1;
	let n = HEAD_BYTES;
	if (m.context !== undefined) {
		if (!(m.context instanceof Uint8Array) || !isLength(m.context.length)) return -1;
		n += 4 + m.context.length;
	}
	n += 4;
	for (const e of m.entries) {
		for (const k in e)
			if (!ENTRY_KEYS.has(k) && (e as unknown as Record<string, unknown>)[k] !== undefined)
				return -1;
		if (typeof e.term !== 'number' || typeof e.index !== 'number') return -1;
		if (!(e.data instanceof Uint8Array) || !isLength(e.data.length)) return -1;
		if (e.type !== 'Normal' && e.type !== 'ConfChange') return -1;
		n += entrySize(e);
	}
	return n;
}

function writeMessage(view: DataView, bytes: Uint8Array, pos: number, p: PeerMessage): number {
	const m = (p as Extract<PeerMessage, { kind: 'raft' }>).msg;
	view.setUint8(pos, TYPE_CODE.get(m.type)!);
	view.setBigUint64(pos + 1, p.from, true);
	view.setBigUint64(pos + 9, p.to, true);
	view.setBigUint64(pos + 17, m.from, true);
	view.setBigUint64(pos + 25, m.to, true);
	view.setFloat64(pos + 33, m.term, true);
	view.setFloat64(pos + 41, m.logTerm, true);
	view.setFloat64(pos + 49, m.index, true);
	view.setFloat64(pos + 57, m.commit, true);
	view.setFloat64(pos + 65, m.rejectHint, true);
	view.setUint8(pos + 73, (m.reject ? 1 : 0) | (m.context !== undefined ? 2 : 0));
	pos += HEAD_BYTES;
	if (m.context !== undefined) {
		view.setUint32(pos, m.context.length, true);
		bytes.set(m.context, pos + 4);
		pos += 4 + m.context.length;
	}
	view.setUint32(pos, m.entries.length, true);
	pos += 4;
	for (const e of m.entries) pos = writeEntry(view, bytes, pos, e);
	return pos;
}

/** What crosses the channel: packed runs of raft messages, and messages as objects. */
export type WireItem = PeerMessage | Uint8Array;

/**
 * `messages` for the channel, in their order: each run of packable raft messages becomes one
 * buffer; the rest stay objects.
 */
export function packMessages(messages: PeerMessage[]): WireItem[] {
	const out: WireItem[] = [];
	let i = 0;
	while (i < messages.length) {
		const sizes: number[] = [];
		let total = 0;
		let j = i;
		for (; j < messages.length; j++) {
			const n = packedSize(messages[j]);
			if (n < 0) break;
			sizes.push(n);
			total += n;
		}
		if (j === i) {
			out.push(messages[i++]);
			continue;
		}
		const bytes = new Uint8Array(4 + total);
		const view = new DataView(bytes.buffer);
		view.setUint32(0, j - i, true);
		let pos = 4;
		for (let k = i; k < j; k++) pos = writeMessage(view, bytes, pos, messages[k]);
		out.push(bytes);
		i = j;
	}
	return out;
}

/** The messages of what packMessages made, in order. Throws on a damaged buffer. */
export function unpackMessages(items: WireItem[]): PeerMessage[] {
	const out: PeerMessage[] = [];
	for (const item of items) {
		if (item instanceof Uint8Array) unpackRun(item, out);
		else out.push(item);
	}
	return out;
}

function unpackRun(bytes: Uint8Array, out: PeerMessage[]): void {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const need = (pos: number, n: number) => {
		if (pos + n > bytes.length) throw new Error('raft wire: message cut short');
	};
	need(0, 4);
	const count = view.getUint32(0, true);
	let pos = 4;
	for (let c = 0; c < count; c++) {
		need(pos, HEAD_BYTES);
		const type = TYPES[view.getUint8(pos)];
		if (!type) throw new Error('raft wire: unknown message type');
		const flags = view.getUint8(pos + 73);
		const msg: Message = {
			type,
			from: view.getBigUint64(pos + 17, true),
			to: view.getBigUint64(pos + 25, true),
			term: view.getFloat64(pos + 33, true),
			logTerm: view.getFloat64(pos + 41, true),
			index: view.getFloat64(pos + 49, true),
			entries: [],
			commit: view.getFloat64(pos + 57, true),
			reject: (flags & 1) !== 0,
			rejectHint: view.getFloat64(pos + 65, true)
		};
		const from = view.getBigUint64(pos + 1, true);
		const to = view.getBigUint64(pos + 9, true);
		pos += HEAD_BYTES;
		if (flags & 2) {
			need(pos, 4);
			const n = view.getUint32(pos, true);
			need(pos + 4, n);
			msg.context = bytes.slice(pos + 4, pos + 4 + n);
			pos += 4 + n;
		}
		need(pos, 4);
		const entries = view.getUint32(pos, true);
		pos += 4;
		for (let k = 0; k < entries; k++) {
			const e = readEntry(view, bytes, pos);
			msg.entries.push(e);
			pos += entrySize(e);
		}
		out.push({ kind: 'raft', from, to, msg });
	}
	if (pos !== bytes.length) throw new Error('raft wire: trailing bytes');
}
