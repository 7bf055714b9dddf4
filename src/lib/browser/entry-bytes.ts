/**
 * One raft entry as bytes, the layout shared by the IndexedDB log rows (idb-raft-storage) and
 * the members' packed messages (raft-wire): little-endian index f64 | term f64 | type u8
 * (0 Normal, 1 ConfChange) | data length u32, then the data bytes.
 */
import type { Entry } from '../engine/raft';

export const ENTRY_HEAD = 8 + 8 + 1 + 4;

/** Bytes `e` takes. */
export function entrySize(e: Entry): number {
	return ENTRY_HEAD + e.data.length;
}

/** Writes `e` at `pos`; returns the position after it. */
export function writeEntry(view: DataView, bytes: Uint8Array, pos: number, e: Entry): number {
	view.setFloat64(pos, e.index, true);
	view.setFloat64(pos + 8, e.term, true);
	view.setUint8(pos + 16, e.type === 'ConfChange' ? 1 : 0);
	view.setUint32(pos + 17, e.data.length, true);
	bytes.set(e.data, pos + ENTRY_HEAD);
	return pos + ENTRY_HEAD + e.data.length;
}

/**
 * Reads the entry at `pos` (it ends at pos + entrySize). Its data is a copy: a log keeps
 * entries, and a view would keep the whole buffer they came in alive.
 */
export function readEntry(view: DataView, bytes: Uint8Array, pos: number): Entry {
	if (pos + ENTRY_HEAD > bytes.length) throw new Error('raft entry cut short');
	const n = view.getUint32(pos + 17, true);
	if (pos + ENTRY_HEAD + n > bytes.length) throw new Error('raft entry cut short');
	const code = view.getUint8(pos + 16);
	if (code > 1) throw new Error('unknown raft entry type');
	return {
		index: view.getFloat64(pos, true),
		term: view.getFloat64(pos + 8, true),
		type: code === 1 ? 'ConfChange' : 'Normal',
		data: bytes.slice(pos + ENTRY_HEAD, pos + ENTRY_HEAD + n)
	};
}
