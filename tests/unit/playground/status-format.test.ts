import { describe, expect, it } from 'vitest';
import { parseStatus } from '../../../src/lib/lessons/status';
import { formatStatus, type MemberState } from '../../../src/lib/playground/control';

describe('playground status', () => {
	const states: MemberState[] = [
		{ name: 'etcd-1', state: 'Leader', term: 3, revision: 9, commit: 12, applied: 12 },
		{
			name: 'etcd-2',
			state: 'Down',
			term: 0,
			revision: 0,
			commit: 0,
			applied: 0,
			failure: 'QuotaExceededError: The quota has been exceeded.'
		}
	];

	it('says why a member that stopped itself is down, under the table', () => {
		expect(formatStatus(states)).toBe(
			'NAME    STATE   TERM  REVISION  COMMIT  APPLIED\n' +
				'etcd-1  Leader  3     9         12      12\n' +
				'etcd-2  Down    0     0         0       0\n' +
				'etcd-2 stopped itself: QuotaExceededError: The quota has been exceeded.\n'
		);
	});

	it('the reason line is not read back as a member', () => {
		expect(parseStatus(formatStatus(states)).map((m) => m.name)).toEqual(['etcd-1', 'etcd-2']);
	});
});
