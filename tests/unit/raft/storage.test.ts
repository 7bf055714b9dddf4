import { describe, expect, it } from 'vitest';
import { MemoryStorage, type Entry } from '../../../src/lib/engine/raft';
import { IdbRaftStorage } from '../../../src/lib/browser/idb-raft-storage';
import { ent, storageSuite, type StorageUnderTest } from './storage-suite';

function memory(m = new MemoryStorage()): StorageUnderTest {
	return {
		s: m,
		append: async (e) => m.append(e),
		setHardState: async (hs) => m.setHardState(hs),
		applySnapshot: async (snap) => m.applySnapshot(snap),
		createSnapshot: async (i, cs, d) => m.createSnapshot(i, cs, d),
		compact: async (i) => m.compact(i),
		// MemoryStorage is its own durable state: a restart sees the same state.
		reopen: async () => memory(MemoryStorage.fromState(m.state()))
	};
}

let dbSeq = 0;

function idb(s: IdbRaftStorage, name: string): StorageUnderTest {
	return {
		s,
		append: (e) => s.append(e),
		setHardState: (hs) => s.setHardState(hs),
		applySnapshot: (snap) => s.applySnapshot(snap),
		createSnapshot: (i, cs, d) => s.createSnapshot(i, cs, d),
		compact: (i) => s.compact(i),
		reopen: async () => {
			s.close();
			return idb(await IdbRaftStorage.open(name), name);
		}
	};
}

storageSuite('memory', async () => memory());
storageSuite('IndexedDB', async () => {
	const name = `raft-test-${++dbSeq}`;
	return idb(await IdbRaftStorage.open(name), name);
});

describe('IndexedDB storage atomicity', () => {
	it('saves a whole Ready or nothing when the write fails midway', async () => {
		const name = `raft-atomic-${++dbSeq}`;
		const s = await IdbRaftStorage.open(name);
		await s.save({ term: 1, vote: 1n, commit: 2 }, [
			ent(1, 1, 'a'),
			ent(2, 1, 'b'),
			ent(3, 1, 'c')
		]);
		// A Ready that rewrites the tail and the hard state, with an entry that cannot be stored
		// (a function is not structured-cloneable): the put fails after earlier requests ran.
		const poison = { ...ent(4, 2, 'z'), data: (() => 0) as unknown as Uint8Array } as Entry;
		await expect(
			s.save({ term: 2, vote: 2n, commit: 2 }, [ent(3, 2, 'x'), poison])
		).rejects.toThrow();
		// The mirror is untouched, and so is the database.
		expect(s.lastIndex()).toBe(3);
		expect(s.term(3)).toBe(1);
		s.close();
		const r = await IdbRaftStorage.open(name);
		expect(r.initialState().hardState).toEqual({ term: 1, vote: 1n, commit: 2 });
		expect(r.lastIndex()).toBe(3);
		expect(r.term(3)).toBe(1);
		r.close();
	});

	it('keeps acknowledged writes when the worker dies before a later save resolves', async () => {
		const name = `raft-kill-${++dbSeq}`;
		const s = await IdbRaftStorage.open(name);
		await s.save({ term: 1, vote: 1n, commit: 1 }, [ent(1, 1, 'a')]);
		// Start a save and "terminate" before awaiting it: a new connection opened afterwards sees
		// either all of it or none of it, and always the acknowledged part.
		const inFlight = s.save({ term: 1, vote: 1n, commit: 2 }, [ent(2, 1, 'b'), ent(3, 1, 'c')]);
		const r = await IdbRaftStorage.open(name);
		const last = r.lastIndex();
		expect([1, 3]).toContain(last);
		expect(r.term(1)).toBe(1);
		expect(r.initialState().hardState.commit).toBe(last === 3 ? 2 : 1);
		await inFlight;
		s.close();
		r.close();
	});
});
