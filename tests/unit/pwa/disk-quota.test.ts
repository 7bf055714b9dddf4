import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalCluster } from '../../../src/lib/engine/cluster/local-cluster';
import type { NodePersistence } from '../../../src/lib/engine/server/persistence';
import {
	DiskReserve,
	diskAdmits,
	isQuotaError,
	withQuotaAlarm
} from '../../../src/lib/workers/member/disk-quota';
import { b, tickUntil, withTicks } from '../server/harness';

// The browser's storage quota as the members' disk: a full disk becomes etcd's NOSPACE alarm.

afterEach(() => {
	vi.unstubAllGlobals();
	vi.restoreAllMocks();
});

describe('a full browser disk', () => {
	it('diskFull() raises NOSPACE cluster-wide: writes are refused, reads and data stay', async () => {
		let ms = 1_700_000_000_000;
		const c = await LocalCluster.create({ size: 3, seed: 3, clock: () => ms++ });
		await tickUntil(c, () => c.leader() !== null);
		const api = c.api('etcd-2')!;
		await withTicks(c, api.put({ key: b('kept'), value: b('1') }));
		c.server('etcd-2')!.diskFull();
		await tickUntil(c, () => c.names().every((n) => c.server(n)!.status().errors.length === 1));
		const alarms = await withTicks(c, c.api('etcd-1')!.alarmList());
		expect(alarms.alarms.map((a) => a.alarm)).toEqual(['NOSPACE']);
		await expect(
			withTicks(c, c.api('etcd-3')!.put({ key: b('more'), value: b('2') }))
		).rejects.toThrow('etcdserver: mvcc: database space exceeded');
		const r = await withTicks(c, api.range({ key: b('kept') }));
		expect(r.count).toBe(1);
		c.close();
	});

	it('recognises QuotaExceededError, also as the cause of a failed transaction', () => {
		const quota = new DOMException('quota', 'QuotaExceededError');
		expect(isQuotaError(quota)).toBe(true);
		expect(isQuotaError({ name: 'AbortError', error: quota })).toBe(true);
		expect(isQuotaError(new Error('other'))).toBe(false);
		expect(isQuotaError(null)).toBe(false);
	});

	it('a write IndexedDB refuses for space raises the alarm and still fails', async () => {
		const quota = new DOMException('quota', 'QuotaExceededError');
		const disk = {
			mvcc: { load: async () => ({}) as never, write: async () => Promise.reject(quota) },
			raft: {
				storage: {} as never,
				save: async () => Promise.reject(new Error('io')),
				compact: async () => undefined
			}
		} as unknown as NodePersistence;
		const onFull = vi.fn();
		const guarded = withQuotaAlarm(disk, onFull);
		await expect(guarded.mvcc.write({} as never)).rejects.toBe(quota);
		expect(onFull).toHaveBeenCalledTimes(1);
		await expect(guarded.raft.save(undefined, [], undefined)).rejects.toThrow('io');
		expect(onFull).toHaveBeenCalledTimes(1);
	});

	it('with a reserve, gives it back and writes again, so the write lands and NOSPACE is raised', async () => {
		const quota = new DOMException('quota', 'QuotaExceededError');
		let refusals = 1;
		const saved: number[] = [];
		const disk = {
			mvcc: { load: async () => ({}) as never, write: async () => undefined },
			raft: {
				storage: {} as never,
				save: async (_hs: unknown, entries: { index: number }[]) => {
					if (refusals-- > 0) throw quota;
					saved.push(...entries.map((e) => e.index));
				},
				compact: async () => undefined
			}
		} as unknown as NodePersistence;
		let held = 1;
		const reserve = {
			generation: 0,
			release: async () => {
				if (held === 0) return false;
				held--;
				return true;
			}
		} as unknown as DiskReserve;
		const onFull = vi.fn();
		const guarded = withQuotaAlarm(disk, onFull, reserve);
		await guarded.raft.save(undefined, [{ index: 7 }] as never, undefined);
		expect(saved).toEqual([7]);
		expect(onFull).toHaveBeenCalledTimes(1);
		// With the reserve spent, a refused write fails (etcd stops on a failed disk write).
		refusals = 1;
		await expect(guarded.raft.save(undefined, [{ index: 8 }] as never, undefined)).rejects.toBe(
			quota
		);
		expect(onFull).toHaveBeenCalledTimes(2);
		expect(saved).toEqual([7]);
	});

	it('gives a piece of the reserve back for writes refused together, and takes it again', async () => {
		const reserve = new DiskReserve('test/disk-quota/reserve', 2, 1024);
		await reserve.take();
		expect(reserve.spent).toBe(false);
		const since = reserve.generation;
		// The raft log and the MVCC store of one member refused at the same time: both may retry.
		const [a, b2] = await Promise.all([reserve.release(since), reserve.release(since)]);
		expect([a, b2]).toEqual([true, true]);
		expect(reserve.spent).toBe(true);
		// A write refused after that gets the next piece, then there is none left.
		expect(await reserve.release(reserve.generation)).toBe(true);
		expect(await reserve.release(reserve.generation)).toBe(false);
		await reserve.take();
		expect(reserve.spent).toBe(false);
		expect(await reserve.release(reserve.generation)).toBe(true);
		await DiskReserve.destroy('test/disk-quota/reserve');
	});

	it('admits a write only while every member’s two copies fit in the quota', async () => {
		let now = 1_000_000;
		vi.spyOn(Date, 'now').mockImplementation(() => now);
		let usage = 0;
		vi.stubGlobal('navigator', {
			storage: { estimate: async () => ({ usage, quota: 10 * 1024 * 1024 }) }
		});
		expect(await diskAdmits(1024 * 1024, 3)).toBe(true);
		// 6 MiB admitted on the cached estimate; the next 6 MiB would pass the quota.
		expect(await diskAdmits(1024 * 1024, 3)).toBe(false);
		now += 5000;
		usage = 9.5 * 1024 * 1024;
		expect(await diskAdmits(1, 3)).toBe(false);
		usage = 0;
		now += 5000;
		expect(await diskAdmits(1, 3)).toBe(true);
	});
});
