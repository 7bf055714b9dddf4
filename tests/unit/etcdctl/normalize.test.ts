// The conformance normaliser hides only what two real etcd runs also differ in.
import { describe, expect, it } from 'vitest';
import { normalize } from '../../conformance/normalize';

describe('conformance normaliser', () => {
	it("sorts a lease's attached keys (etcd ranges over a Go map to list them)", () => {
		const one =
			'lease 1 granted with TTL(600s), remaining(599s), attached keys([lk2 lk1])\n' +
			'{"id":1,"ttl":599,"granted-ttl":600,"keys":["bGsy","bGsx"]}';
		const two =
			'lease 1 granted with TTL(600s), remaining(598s), attached keys([lk1 lk2])\n' +
			'{"id":1,"ttl":598,"granted-ttl":600,"keys":["bGsx","bGsy"]}';
		expect(normalize(one)).toBe(normalize(two));
		expect(normalize(one)).toContain('attached keys([lk1 lk2])');
	});

	it('still tells different key sets apart', () => {
		const a = 'lease 1 granted with TTL(600s), remaining(599s), attached keys([lk1 lk2])';
		const b = 'lease 1 granted with TTL(600s), remaining(599s), attached keys([lk1 lk3])';
		expect(normalize(a)).not.toBe(normalize(b));
	});
});
