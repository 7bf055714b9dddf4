import { describe, expect, it, vi } from 'vitest';
import { b, newStore, put, s } from './helpers';
import { WatchableStore, type WatchStreamResponse } from '$lib/engine/mvcc/watch';

function setup() {
	const { store, lessor } = newStore();
	const hub = new WatchableStore(store);
	const got: WatchStreamResponse[] = [];
	const stream = hub.newStream((r) => got.push(r));
	/** Events as "TYPE key=value@mod" strings per response. */
	const events = () =>
		got
			.filter((r) => r.events.length > 0)
			.map((r) =>
				r.events.map((e) => `${e.type} ${s(e.kv.key)}=${s(e.kv.value)}@${e.kv.mod_revision}`)
			);
	return { store, lessor, hub, stream, got, events };
}

describe('watch', () => {
	it('created response first, then live events, one response per revision', () => {
		const { store, stream, got, events } = setup();
		const id = stream.watch({ key: b('a') });
		expect(id).toBe(0);
		expect(got[0]).toMatchObject({ watch_id: 0, created: true, canceled: false, revision: 1 });
		put(store, 'a', '1');
		put(store, 'b', '1');
		store.deleteRange({ key: b('a') });
		expect(events()).toEqual([['PUT a=1@2'], ['DELETE a=@4']]);
		expect(got[1].revision).toBe(2);
		expect(got[2].revision).toBe(4);
	});

	it('range and prefix watchers; txn events grouped in one response in sub-revision order', () => {
		const { store, stream, events } = setup();
		stream.watch({ key: b('a'), range_end: b('c') });
		store.txn({
			compare: [],
			success: [
				{ request_put: { key: b('b'), value: b('1') } },
				{ request_put: { key: b('a'), value: b('2') } },
				{ request_put: { key: b('c'), value: b('3') } }
			],
			failure: []
		});
		expect(events()).toEqual([['PUT b=1@2', 'PUT a=2@2']]);
	});

	it('from-key watcher (range_end \\0) sees every key at or after key', () => {
		const { store, stream, events } = setup();
		stream.watch({ key: b('m'), range_end: new Uint8Array([0]) });
		put(store, 'a', '1');
		put(store, 'm', '1');
		put(store, 'zz', '1');
		expect(events()).toEqual([['PUT m=1@3'], ['PUT zz=1@4']]);
	});

	it('a past start revision replays history, then continues live without loss or duplicates', () => {
		const { store, stream, got, events } = setup();
		put(store, 'a', '1'); // 2
		put(store, 'a', '2'); // 3
		put(store, 'b', '1'); // 4
		stream.watch({ key: b('a'), start_revision: 3 });
		expect(got[0].created).toBe(true);
		put(store, 'a', '3'); // 5
		expect(events()).toEqual([['PUT a=2@3'], ['PUT a=3@5']]);
		// The catch-up response carries the current revision as its header revision.
		expect(got[1].revision).toBe(4);
	});

	it('catch-up packs up to 1000 revisions per response', () => {
		const { store, stream, got } = setup();
		for (let i = 0; i < 1500; i++) put(store, 'k', String(i));
		stream.watch({ key: b('k'), start_revision: 1 });
		const sizes = got.filter((r) => r.events.length > 0).map((r) => r.events.length);
		expect(sizes).toEqual([1000, 500]);
	});

	it('start revision 0 means current + 1; a future start revision waits for it', () => {
		const { store, stream, events } = setup();
		put(store, 'a', '1'); // 2
		stream.watch({ key: b('a'), start_revision: 4 });
		put(store, 'a', '2'); // 3
		put(store, 'a', '3'); // 4
		expect(events()).toEqual([['PUT a=3@4']]);
	});

	it('live prev_kv comes from the write itself, not a history lookup per event', () => {
		// Deleting check perf's tens of thousands of keys under the key browser's prev_kv watch
		// looked each key up again inside the one apply (2.4 s on the leader: an election).
		const { store, stream, got } = setup();
		for (let i = 0; i < 50; i++) put(store, `k${i}`, `v${i}`);
		put(store, 'k1', 'w1');
		stream.watch({ key: b('k'), range_end: b('l'), prev_kv: true });
		stream.watch({ key: b('k2'), prev_kv: true });
		const lookups = vi.spyOn(store, 'get');
		store.deleteRange({ key: b('k'), range_end: b('l') });
		put(store, 'k3', 'again');
		store.txn({
			compare: [],
			success: [
				{ request_put: { key: b('k3'), value: b('x') } },
				{ request_put: { key: b('k4'), value: b('y') } }
			],
			failure: []
		});
		expect(lookups).not.toHaveBeenCalled();
		const [ranged, one] = [0, 1].map((id) =>
			got
				.filter((r) => r.watch_id === id)
				.flatMap((r) => r.events)
				.map((e) => `${e.type} ${s(e.kv.key)} prev=${e.prev_kv ? s(e.prev_kv.value) : '-'}`)
		);
		expect(ranged).toHaveLength(53);
		expect(ranged.slice(0, 3)).toEqual([
			'DELETE k0 prev=v0',
			'DELETE k1 prev=w1',
			'DELETE k10 prev=v10'
		]);
		expect(ranged.slice(50)).toEqual(['PUT k3 prev=-', 'PUT k3 prev=again', 'PUT k4 prev=-']);
		expect(one).toEqual(['DELETE k2 prev=v2']);
	});

	it('prev_kv is the value at mod_revision - 1; none for a create', () => {
		const { store, stream, got } = setup();
		stream.watch({ key: b('a'), prev_kv: true });
		put(store, 'a', '1');
		put(store, 'a', '2');
		store.deleteRange({ key: b('a') });
		const evs = got.flatMap((r) => r.events);
		expect(evs[0].prev_kv).toBeUndefined();
		expect(s(evs[1].prev_kv!.value)).toBe('1');
		expect(s(evs[2].prev_kv!.value)).toBe('2');
		expect(evs[2].type).toBe('DELETE');
	});

	it('filters drop events; a response whose events are all filtered is not sent', () => {
		const { store, stream, got } = setup();
		stream.watch({ key: b('a'), filters: ['NOPUT'] });
		put(store, 'a', '1');
		store.deleteRange({ key: b('a') });
		expect(got.filter((r) => r.events.length > 0).map((r) => r.events[0].type)).toEqual(['DELETE']);
	});

	it('cancel sends a canceled response and stops events', () => {
		const { store, hub, stream, got } = setup();
		const id = stream.watch({ key: b('a') });
		expect(stream.cancel(id)).toBe(true);
		expect(got[1]).toMatchObject({ watch_id: id, canceled: true, compact_revision: 0 });
		put(store, 'a', '1');
		expect(got).toHaveLength(2);
		expect(hub.watcherCount).toBe(0);
		expect(stream.cancel(id)).toBe(false);
	});

	it('a compacted start revision cancels with compact_revision', () => {
		const { store, stream, got } = setup();
		put(store, 'a', '1');
		put(store, 'a', '2');
		put(store, 'a', '3');
		store.compact(3);
		const id = stream.watch({ key: b('a'), start_revision: 2 });
		expect(got[0]).toMatchObject({ watch_id: id, created: true });
		expect(got[1]).toMatchObject({ watch_id: id, canceled: true, compact_revision: 3, events: [] });
		expect(stream.ids).toEqual([]);
		// At the compact revision itself the watch works.
		stream.watch({ key: b('a'), start_revision: 3 });
		expect(got[3].events.map((e) => s(e.kv.value))).toEqual(['2', '3']);
	});

	it('watch IDs: chosen in order, client IDs honoured, duplicates and empty ranges refused', () => {
		const { stream, got } = setup();
		expect(stream.watch({ key: b('a') })).toBe(0);
		expect(stream.watch({ key: b('a'), watch_id: 5 })).toBe(5);
		expect(stream.watch({ key: b('a') })).toBe(1);
		expect(stream.watch({ key: b('a'), watch_id: 5 })).toBe(-1);
		expect(got[3]).toMatchObject({
			watch_id: -1,
			created: true,
			canceled: true,
			cancel_reason: 'mvcc: duplicate watch ID provided on the WatchStream'
		});
		expect(stream.watch({ key: b('b'), range_end: b('a') })).toBe(-1);
		expect(got[4].cancel_reason).toBe('mvcc: watcher range is empty');
		expect(stream.watch({ key: b('b'), start_revision: -1 })).toBe(-1);
		expect(got[5].cancel_reason).toBe('etcdserver: mvcc: required revision has been compacted');
	});

	it('progress: per watcher, per stream (watch ID -1) and on the progress_notify tick', () => {
		const { store, stream, got } = setup();
		const id = stream.watch({ key: b('a'), progress_notify: true });
		stream.watch({ key: b('b') });
		put(store, 'x', '1');
		stream.progress(id);
		expect(got.at(-1)).toMatchObject({ watch_id: id, revision: 2, events: [] });
		stream.requestProgress();
		expect(got.at(-1)).toMatchObject({ watch_id: -1, revision: 2 });
		const n = got.length;
		stream.progressTick();
		expect(got.length).toBe(n + 1);
		put(store, 'a', '1');
		stream.progressTick(); // a had events since the last tick: no notification
		expect(got.length).toBe(n + 2);
		stream.progressTick();
		expect(got.length).toBe(n + 3);
	});

	it('lease revoke deletes attached keys in one revision and watchers see one response', () => {
		const { store, lessor, stream, events } = setup();
		lessor.grant(1n, 10);
		put(store, 'b', '1', 1n);
		put(store, 'a', '1', 1n);
		stream.watch({ key: b('a'), range_end: b('z') });
		lessor.revoke(1n);
		expect(events()).toEqual([['DELETE a=@4', 'DELETE b=@4']]);
	});
});

describe('watch across a snapshot restore', () => {
	it('watchers catch up from the new history; a compacted one is canceled', () => {
		const { store, stream, got, events } = setup();
		put(store, 'a', '1'); // 2
		stream.watch({ key: b('a') });
		const id2 = stream.watch({ key: b('z') });
		const source = newStore().store;
		put(source, 'a', '1'); // 2
		put(source, 'a', '2'); // 3
		put(source, 'z', '1'); // 4
		put(source, 'a', '3'); // 5
		store.restore(source.snapshot());
		expect(events()).toEqual([['PUT a=2@3', 'PUT a=3@5'], ['PUT z=1@4']]);
		put(store, 'a', '4');
		expect(events().at(-1)).toEqual(['PUT a=4@6']);
		// A snapshot compacted past what a watcher waits for cancels it.
		const later = newStore().store;
		for (let i = 0; i < 8; i++) put(later, 'z', String(i));
		later.compact(9);
		store.restore(later.snapshot());
		expect(got.filter((r) => r.canceled).map((r) => [r.watch_id, r.compact_revision])).toEqual([
			[0, 9],
			[id2, 9]
		]);
		expect(stream.ids).toEqual([]);
	});
});
