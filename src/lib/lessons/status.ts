import type { MemberState } from '../playground/control';

/** Reads `playground status` output back into member states (for hosts that only print it). */
export function parseStatus(text: string): MemberState[] {
	return text
		.split('\n')
		.slice(1)
		.map((l) => l.trim().split(/\s+/))
		.filter((f) => f.length >= 6 && /^\d+$/.test(f[2]))
		.map(([name, state, term, revision, commit, applied]) => ({
			name,
			state,
			term: Number(term),
			revision: Number(revision),
			commit: Number(commit),
			applied: Number(applied)
		}));
}
