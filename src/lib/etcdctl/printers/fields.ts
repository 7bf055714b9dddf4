/** The fields printer: `"Name" : value` lines, as etcdctl's printer_fields.go prints them. */
import type { KeyValue, ResponseHeader } from '../../engine/api/types';
import { goQuoteBytes, goQuote } from '../go';
import type { Printer } from './printer';
import { GoPanic, unsupported } from './printer';

const u64 = (v: bigint) => BigInt.asUintN(64, v).toString();

function hdr(h: ResponseHeader): string {
	return (
		`"ClusterID" : ${u64(h.cluster_id)}\n"MemberID" : ${u64(h.member_id)}\n` +
		`"Revision" : ${h.revision}\n"RaftTerm" : ${h.raft_term}\n`
	);
}

function kv(pfx: string, k: KeyValue): string {
	return (
		`"${pfx}Key" : ${goQuoteBytes(k.key)}\n"${pfx}CreateRevision" : ${k.create_revision}\n` +
		`"${pfx}ModRevision" : ${k.mod_revision}\n"${pfx}Version" : ${k.version}\n` +
		`"${pfx}Value" : ${goQuoteBytes(k.value)}\n"${pfx}Lease" : ${k.lease}\n`
	);
}

export function fieldsPrinter(): Printer {
	const base = unsupported('fields', 'fields');
	const p: Partial<Printer> = {
		format: 'fields',
		del(r) {
			let t = hdr(r.header) + `"Deleted" : ${r.deleted}\n`;
			for (const k of r.prev_kvs ?? []) t += kv('Prev', k);
			return t;
		},
		get(r) {
			let t = hdr(r.header);
			for (const k of r.kvs) t += kv('', k);
			return t + `"More" : ${r.more}\n"Count" : ${r.count}\n`;
		},
		put(r) {
			return hdr(r.header) + (r.prev_kv ? kv('Prev', r.prev_kv) : '');
		},
		txn(r) {
			let t = hdr(r.header) + `"Succeeded" : ${r.succeeded}\n`;
			for (const op of r.responses) {
				if ('response_delete_range' in op) t += p.del!(op.response_delete_range);
				else if ('response_put' in op) t += p.put!(op.response_put);
				else if ('response_range' in op) t += p.get!(op.response_range);
			}
			return t;
		},
		watch(r) {
			let t = hdr(r.header);
			for (const e of r.events) {
				t += `"Type" : ${e.type}\n`;
				if (e.prev_kv) t += kv('Prev', e.prev_kv);
				t += kv('', e.kv);
			}
			return t;
		},
		grant(r) {
			return hdr(r.header) + `"ID" : ${r.ID}\n"TTL" : ${r.TTL}\n`;
		},
		revoke(_id, r) {
			return hdr(r.header);
		},
		keepAlive(r) {
			return hdr(r.header) + `"ID" : ${r.ID}\n"TTL" : ${r.TTL}\n`;
		},
		timeToLive(r) {
			let t = hdr(r.header) + `"ID" : ${r.ID}\n"TTL" : ${r.TTL}\n"GrantedTTL" : ${r.grantedTTL}\n`;
			for (const k of r.keys) t += `"Key" : ${goQuoteBytes(k)}\n`;
			return t;
		},
		leases(r) {
			return hdr(r.header) + r.leases.map((l) => `"ID" : ${l.ID}\n`).join('');
		},
		memberList(r) {
			let t = hdr(r.header);
			for (const m of r.members) {
				t += `"ID" : ${u64(m.ID)}\n"Name" : ${goQuote(m.name)}\n`;
				for (const u of m.peerURLs) t += `"PeerURL" : ${goQuote(u)}\n`;
				for (const u of m.clientURLs) t += `"ClientURL" : ${goQuote(u)}\n`;
				t += `"IsLearner" : ${m.isLearner}\n\n`;
			}
			return t;
		},
		endpointHealth(hs) {
			return hs
				.map(
					(h) =>
						`"Endpoint" : ${goQuote(h.ep)}\n"Health" : ${h.health}\n"Took" : ${h.took}\n"Error" : ${h.error}\n\n`
				)
				.join('');
		},
		endpointStatus(list) {
			return list
				.map(
					({ ep, resp }) =>
						hdr(resp.header) +
						`"Version" : ${goQuote(resp.version)}\n"DBSize" : ${resp.dbSize}\n` +
						`"Leader" : ${u64(resp.leader)}\n"IsLearner" : ${resp.isLearner}\n` +
						`"RaftIndex" : ${resp.raftIndex}\n"RaftTerm" : ${resp.raftTerm}\n` +
						`"RaftAppliedIndex" : ${resp.raftAppliedIndex}\n"Errors" : [${resp.errors.join(' ')}]\n` +
						`"Endpoint" : ${goQuote(ep)}\n\n`
				)
				.join('');
		},
		endpointHashKV(list) {
			return list
				.map(
					(h) => hdr(h.resp.header) + `"Endpoint" : ${goQuote(h.ep)}\n"Hash" : ${h.resp.hash}\n\n`
				)
				.join('');
		},
		alarm() {
			// etcd 3.4 sends no header with alarm responses; etcdctl dereferences it and dies.
			throw new GoPanic(
				'runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0xb9181e]'
			);
		},
		dbStatus(s) {
			return `"Hash" : ${s.hash}\n"Revision" : ${s.revision}\n"Keys" : ${s.totalKey}\n"Size" : ${s.totalSize}\n`;
		},
		roleAdd: (_role, r) => hdr(r.header),
		roleGet(_role, r) {
			let t = hdr(r.header);
			for (const perm of r.perm) {
				t += `"PermType" :  ${perm.permType}\n"Key" : ${goQuoteBytes(perm.key)}\n`;
				t += `"RangeEnd" : ${goQuoteBytes(perm.range_end ?? new Uint8Array())}\n`;
			}
			return t;
		},
		roleDelete: (_role, r) => hdr(r.header),
		roleList(r) {
			return hdr(r.header) + '"Roles" :' + r.names.map((n) => ' ' + goQuote(n)).join('') + '\n';
		},
		roleGrantPermission: (_role, r) => hdr(r.header),
		roleRevokePermission: (_role, _k, _e, r) => hdr(r.header),
		userAdd: (_u, r) => hdr(r.header),
		userChangePassword: (r) => hdr(r.header),
		userGrantRole: (_u, _r, r) => hdr(r.header),
		userRevokeRole: (_u, _r, r) => hdr(r.header),
		userDelete: (_u, r) => hdr(r.header)
	};
	return Object.assign(Object.create(base) as Printer, p);
}
