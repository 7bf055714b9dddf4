/** The simple printer: etcdctl's default, human-oriented output. */
import type {
	KeyValue,
	Member,
	MemberListResponse,
	Permission,
	StatusResponse
} from '../../engine/api/types';
import { goString, hex16, hexID, hexPad16, humanizeBytes } from '../go';
import { prefixEnd } from '../../engine/util/bytes';
import type { DBStatus, EpHashKV, EpStatus, Printer } from './printer';

/** `\xNN` for every byte (etcdctl's --hex). */
export function hexBytes(b: Uint8Array): string {
	let s = '';
	for (const x of b) s += '\\x' + x.toString(16).padStart(2, '0');
	return s;
}

export function printKV(isHex: boolean, valueOnly: boolean, kv: KeyValue): string {
	const k = isHex ? hexBytes(kv.key) : goString(kv.key);
	const v = isHex ? hexBytes(kv.value) : goString(kv.value);
	return (valueOnly ? '' : k + '\n') + v + '\n';
}

export function memberListRows(r: MemberListResponse | { members: Member[] }): string[][] {
	return r.members.map((m) => [
		hexID(m.ID),
		m.name.length === 0 ? 'unstarted' : 'started',
		m.name,
		m.peerURLs.join(','),
		m.clientURLs.join(','),
		m.isLearner ? 'true' : 'false'
	]);
}

export function endpointStatusRows(list: EpStatus[]): string[][] {
	return list.map(({ ep, resp }: { ep: string; resp: StatusResponse }) => [
		ep,
		hexID(resp.header.member_id),
		resp.version,
		humanizeBytes(resp.dbSize),
		String(resp.leader === resp.header.member_id),
		String(resp.isLearner),
		String(resp.raftTerm),
		String(resp.raftIndex),
		String(resp.raftAppliedIndex),
		resp.errors.join(', ')
	]);
}

export function endpointHashKVRows(list: EpHashKV[]): string[][] {
	return list.map((h) => [h.ep, String(h.resp.hash)]);
}

export function dbStatusRows(s: DBStatus): string[][] {
	return [
		[s.hash.toString(16), String(s.revision), String(s.totalKey), humanizeBytes(s.totalSize)]
	];
}

const rowsText = (rows: string[][]) => rows.map((r) => r.join(', ') + '\n').join('');

function permText(perm: Permission): string {
	const key = goString(perm.key);
	const end = perm.range_end ?? new Uint8Array();
	if (end.length === 0) return `\t${key}\n`;
	const sEnd = goString(end);
	let t = end.length === 1 && end[0] === 0 ? `\t[${key}, <open ended>` : `\t[${key}, ${sEnd})`;
	const pe = prefixEnd(perm.key);
	// clientv3.GetPrefixRangeEnd of an all-0xff key is "\x00" as well.
	if (goString(pe) === sEnd) t += ` (prefix ${key})`;
	return t + '\n';
}

export function simplePrinter(isHex: boolean, valueOnly = false): Printer {
	const p: Printer = {
		format: 'simple',
		del(r) {
			let t = `${r.deleted}\n`;
			for (const kv of r.prev_kvs ?? []) t += printKV(isHex, valueOnly, kv);
			return t;
		},
		get(r) {
			return r.kvs.map((kv) => printKV(isHex, valueOnly, kv)).join('');
		},
		put(r) {
			return 'OK\n' + (r.prev_kv ? printKV(isHex, valueOnly, r.prev_kv) : '');
		},
		txn(r) {
			let t = r.succeeded ? 'SUCCESS\n' : 'FAILURE\n';
			for (const op of r.responses) {
				t += '\n';
				if ('response_delete_range' in op) t += p.del(op.response_delete_range);
				else if ('response_put' in op) t += p.put(op.response_put);
				else if ('response_range' in op) t += p.get(op.response_range);
				else t += `unexpected response ${'response_txn'}\n`;
			}
			return t;
		},
		watch(r) {
			let t = '';
			for (const e of r.events) {
				t += e.type + '\n';
				if (e.prev_kv) t += printKV(isHex, valueOnly, e.prev_kv);
				t += printKV(isHex, valueOnly, e.kv);
			}
			return t;
		},
		grant(r) {
			return `lease ${hex16(r.ID)} granted with TTL(${r.TTL}s)\n`;
		},
		revoke(id) {
			return `lease ${hex16(id)} revoked\n`;
		},
		keepAlive(r) {
			return `lease ${hex16(r.ID)} keepalived with TTL(${r.TTL})\n`;
		},
		timeToLive(r, keys) {
			if (r.grantedTTL === 0 && r.TTL === -1) return `lease ${hex16(r.ID)} already expired\n`;
			let t = `lease ${hex16(r.ID)} granted with TTL(${r.grantedTTL}s), remaining(${r.TTL}s)`;
			if (keys) t += `, attached keys([${r.keys.map((k) => goString(k)).join(' ')}])`;
			return t + '\n';
		},
		leases(r) {
			return `found ${r.leases.length} leases\n` + r.leases.map((l) => hex16(l.ID) + '\n').join('');
		},
		memberAdd(r) {
			return `Member ${hexPad16(r.member.ID)} added to cluster ${hexPad16(r.header.cluster_id)}\n`;
		},
		memberRemove(id, r) {
			return `Member ${hexPad16(id)} removed from cluster ${hexPad16(r.header.cluster_id)}\n`;
		},
		memberUpdate(id, r) {
			return `Member ${hexPad16(id)} updated in cluster ${hexPad16(r.header.cluster_id)}\n`;
		},
		memberPromote(id, r) {
			return `Member ${hexPad16(id)} promoted in cluster ${hexPad16(r.header.cluster_id)}\n`;
		},
		memberList(r) {
			return rowsText(memberListRows(r));
		},
		endpointHealth(hs) {
			// Printed to stderr by the caller (etcdctl writes health lines to os.Stderr).
			return hs
				.map((h) =>
					h.error === ''
						? `${h.ep} is healthy: successfully committed proposal: took = ${h.took}\n`
						: `${h.ep} is unhealthy: failed to commit proposal: ${h.error}\n`
				)
				.join('');
		},
		endpointStatus(list) {
			return rowsText(endpointStatusRows(list));
		},
		endpointHashKV(list) {
			return rowsText(endpointHashKVRows(list));
		},
		moveLeader(leader, target) {
			return `Leadership transferred from ${hexID(leader)} to ${hexID(target)}\n`;
		},
		alarm(r) {
			return r.alarms
				.map((a) => `memberID:${BigInt.asUintN(64, a.memberID)} alarm:${a.alarm} \n`)
				.join('');
		},
		dbStatus(s) {
			return rowsText(dbStatusRows(s));
		},
		roleAdd(role) {
			return `Role ${role} created\n`;
		},
		roleGet(role, r) {
			let t = `Role ${role}\nKV Read:\n`;
			for (const perm of r.perm) {
				if (perm.permType === 'READ' || perm.permType === 'READWRITE') t += permText(perm);
			}
			t += 'KV Write:\n';
			for (const perm of r.perm) {
				if (perm.permType === 'WRITE' || perm.permType === 'READWRITE') t += permText(perm);
			}
			return t;
		},
		roleDelete(role) {
			return `Role ${role} deleted\n`;
		},
		roleList(r) {
			return r.names.map((n) => n + '\n').join('');
		},
		roleGrantPermission(role) {
			return `Role ${role} updated\n`;
		},
		roleRevokePermission(role, key, end) {
			if (end.length === 0) return `Permission of key ${key} is revoked from role ${role}\n`;
			if (end !== '\x00')
				return `Permission of range [${key}, ${end}) is revoked from role ${role}\n`;
			return `Permission of range [${key}, <open ended> is revoked from role ${role}\n`;
		},
		userAdd(user) {
			return `User ${user} created\n`;
		},
		userGet(user, r) {
			return `User: ${user}\nRoles:` + r.roles.map((x) => ' ' + x).join('') + '\n';
		},
		userList(r) {
			return r.names.map((n) => n + '\n').join('');
		},
		userChangePassword() {
			return 'Password updated\n';
		},
		userGrantRole(user, role) {
			return `Role ${role} is granted to user ${user}\n`;
		},
		userRevokeRole(user, role) {
			return `Role ${role} is revoked from user ${user}\n`;
		},
		userDelete(user) {
			return `User ${user} deleted\n`;
		}
	};
	return p;
}
