import { describe, expect, it } from 'vitest';
import type { RangeResponse } from '../../../src/lib/engine/api/types';
import { SeededRng } from '../../../src/lib/engine/util/rand';
import {
	packRange,
	rangeTransferables,
	unpackRange
} from '../../../src/lib/workers/member/range-wire';

describe('range responses packed for the worker boundary', () => {
	it('unpack(pack(r)) equals r for random responses, including empty keys, values and big leases', () => {
		const seed = 1122;
		const rng = new SeededRng(seed);
		for (let round = 0; round < 50; round++) {
			const n = rng.int(40);
			const bytes = (len: number) => Uint8Array.from({ length: len }, () => rng.int(256));
			const r: RangeResponse = {
				header: { cluster_id: 7n, member_id: 9n, revision: 1000 + round, raft_term: 3 },
				kvs: Array.from({ length: n }, (_, i) => ({
					key: bytes(1 + rng.int(300)),
					value: bytes(rng.int(3) === 0 ? 0 : rng.int(2000)),
					create_revision: rng.int(1e6),
					mod_revision: 2 ** 40 + i,
					version: rng.int(100),
					lease: rng.int(2) ? 0n : 0x7fffffffffffffffn - BigInt(i)
				})),
				more: rng.int(2) === 0,
				count: n + rng.int(5)
			};
			const packed = packRange(r);
			expect(rangeTransferables(packed)).toHaveLength(3);
			expect(unpackRange(structuredClone(packed)), `seed ${seed} round ${round}`).toEqual(r);
		}
	});
});
