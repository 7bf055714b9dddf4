/**
 * The table printer (olekukonko/tablewriter as etcdctl configures it: upper-case centred
 * header, right-aligned cells). Only member list, endpoint health/status/hashkv and snapshot
 * status have tables; everything else is `table not supported as output format`.
 */
import type { Printer } from './printer';
import { unsupported } from './printer';
import { dbStatusRows, endpointHashKVRows, endpointStatusRows, memberListRows } from './simple';

const width = (s: string) => [...s].length;

function title(h: string): string {
	const t = h.replace(/_/g, ' ').replace(/\./g, ' ').trim();
	return (t.length === 0 && h.length > 0 ? ' ' : t).toUpperCase();
}

export function renderTable(header: string[], rows: string[][]): string {
	const hdr = header.map(title);
	const w = hdr.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))));
	const line = '+' + w.map((x) => '-'.repeat(x + 2)).join('+') + '+\n';
	const center = (s: string, n: number) => {
		const gap = n - width(s);
		const left = Math.floor(gap / 2);
		return ' '.repeat(left) + s + ' '.repeat(gap - left);
	};
	let out = line;
	out += '|' + hdr.map((h, i) => ` ${center(h, w[i])} `).join('|') + '|\n';
	out += line;
	for (const r of rows) {
		out += '|' + r.map((c, i) => ` ${' '.repeat(w[i] - width(c))}${c} `).join('|') + '|\n';
	}
	out += line;
	return out;
}

export function tablePrinter(): Printer {
	const p = unsupported('table', 'table');
	return Object.assign(Object.create(p) as Printer, {
		format: 'table' as const,
		memberList: (r: Parameters<Printer['memberList']>[0]) =>
			renderTable(
				['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'],
				memberListRows(r)
			),
		endpointHealth: (hs: Parameters<Printer['endpointHealth']>[0]) =>
			renderTable(
				['endpoint', 'health', 'took', 'error'],
				hs.map((h) => [h.ep, String(h.health), h.took, h.error])
			),
		endpointStatus: (s: Parameters<Printer['endpointStatus']>[0]) =>
			renderTable(
				[
					'endpoint',
					'ID',
					'version',
					'db size',
					'is leader',
					'is learner',
					'raft term',
					'raft index',
					'raft applied index',
					'errors'
				],
				endpointStatusRows(s)
			),
		endpointHashKV: (h: Parameters<Printer['endpointHashKV']>[0]) =>
			renderTable(['endpoint', 'hash'], endpointHashKVRows(h)),
		dbStatus: (s: Parameters<Printer['dbStatus']>[0]) =>
			renderTable(['hash', 'revision', 'total keys', 'total size'], dbStatusRows(s))
	});
}
