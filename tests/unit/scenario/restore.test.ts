/**
 * snapshot restore, then a member on the restored data dir (`etcd --data-dir`), through the
 * scenario runner and the in-process cluster. What real etcd 3.4.23 did in the same steps
 * (measured on loopback): the restored member keeps the snapshot's keys, revision and leases
 * (a lease's TTL starts over), loses what was written after the save, and belongs to a new
 * cluster whose ID comes from --initial-cluster and --initial-cluster-token (defaults: member
 * 8e9e05c52164694d `default` at http://localhost:2380, cluster cdf818194e3a8c32); it elects
 * itself at term 2 and the next write gets the next revision.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createNodeCluster } from '../../../src/lib/node-cluster';
import { runScenario } from '../../../src/lib/scenario/runner';
import { SERVER_VERSION as ENGINE_VERSION } from '../../../src/lib/engine/server/server';
import { SERVER_VERSION } from '../../../src/lib/playground/etcd';

/** The output of each command of a transcript, by command line. */
function outputs(transcript: string): Map<string, string[]> {
	const out = new Map<string, string[]>();
	for (const block of transcript.split(/^\$ /m).slice(1)) {
		const [cmd, ...rest] = block.split('\n');
		const list = out.get(cmd) ?? [];
		list.push(rest.join('\n'));
		out.set(cmd, list);
	}
	return out;
}

const waitLeader =
	'for i in 1 2 3 4 5 6 7 8 9 10; do playground status | grep -q Leader && break; sleep 0.5; done';

describe('etcd --data-dir on a restored snapshot (CKA, one member)', () => {
	it('brings back the backup: keys, revision, lease; the later write is gone; new cluster', async () => {
		const text = readFileSync('tests/scenarios/restore-cka.sh', 'utf8').replace(
			'playground status\n',
			`${waitLeader}\nplayground status\n`
		);
		const t = await runScenario(text, createNodeCluster, { quietMs: 20 });
		const o = outputs(t);
		const restore = o.get(
			'etcdctl snapshot restore /tmp/snap.db --data-dir /var/lib/etcd-restore'
		)![0];
		expect(restore).toContain(
			'"msg":"added member","cluster-id":"cdf818194e3a8c32","local-member-id":"0","added-peer-id":"8e9e05c52164694d","added-peer-peer-urls":["http://localhost:2380"]'
		);
		expect(o.get('ls /var/lib/etcd-restore/member/snap /var/lib/etcd-restore/member/wal')![0]).toBe(
			'/var/lib/etcd-restore/member/snap:\n0000000000000001-0000000000000001.snap\ndb\n\n' +
				'/var/lib/etcd-restore/member/wal:\n0000000000000000-0000000000000000.wal\n'
		);
		const [first, second] = o.get('etcd --data-dir /var/lib/etcd-restore')!;
		expect(first).toContain(
			'I | etcdserver: restarting member 8e9e05c52164694d in cluster cdf818194e3a8c32 at commit index 1\n'
		);
		// etcd 3.4.23's line for a one-member cluster (it then elects itself within a tick or so).
		expect(first).toContain(
			'I | etcdserver: 8e9e05c52164694d as single-node; fast-forwarding 9 ticks (election ticks 10)\n'
		);
		expect(first).toContain(
			"playground: the old cluster's members (etcd-1, etcd-2, etcd-3) were stopped; default now runs cluster cdf818194e3a8c32 from /var/lib/etcd-restore\n"
		);
		expect(first).not.toContain('[exit');
		expect(second).toMatch(
			/\netcd: default is already running \(bind: address already in use\)\n\[exit 1\]\n$/
		);
		expect(o.get('playground restart etcd-2')![0]).toMatch(
			/no member named etcd-2\n[^]*\[exit 2\]/
		);
		expect(o.get('playground status')![0]).toMatch(/^NAME +STATE +TERM.*\ndefault +Leader +2 +3 /);
		expect(o.get('etcdctl get "" --prefix --keys-only')![0]).toBe('a\n\nb\n\n');
		expect(o.get('etcdctl member list')![0]).toBe(
			'8e9e05c52164694d, started, default, http://localhost:2380, http://localhost:2379, false\n'
		);
		const lease = /lease ([0-9a-f]+) granted/.exec(o.get('etcdctl lease grant 600')![0])![1];
		expect(o.get('etcdctl lease list')![0]).toBe(`found 1 leases\n${lease}\n`);
		// A data dir's db has no hash appended (real etcdctl 3.4.23 refuses it the same way).
		expect(
			o.get(
				'etcdctl snapshot restore /var/lib/etcd-restore/member/snap/db --data-dir /var/lib/etcd-copy'
			)![0]
		).toMatch(/\nError: snapshot missing hash but --skip-hash-check=false\n\[exit 1\]\n$/);
		expect(
			o.get(
				"etcdctl snapshot restore /var/lib/etcd-restore/member/snap/db --data-dir /var/lib/etcd-copy --skip-hash-check 2>&1 | grep -c 'restored snapshot'"
			)![0]
		).toBe('1\n');
		expect(o.get('etcdctl put c 3 -w json')![0]).toBe(
			'{"header":{"cluster_id":14841639068965178418,"member_id":10276657743932975437,"revision":4,"raft_term":2}}\n'
		);
	}, 60_000);

	it('says what to do on a dir that holds no restored member', async () => {
		const t = await runScenario(
			'# cluster: 1\netcd --data-dir /var/lib/etcd-nothing\netcdctl put k v\n',
			createNodeCluster,
			{
				quietMs: 20
			}
		);
		expect(t).toContain('etcd: /var/lib/etcd-nothing holds no member data\n(here etcd starts');
		expect(t).toMatch(/\[exit 1\]\n\$ etcdctl put k v\nOK\n$/);
	});

	it('reports the version the members report', () => {
		expect(SERVER_VERSION).toBe(ENGINE_VERSION);
	});
});

describe('a three-member cluster restored member by member', () => {
	it('has no leader until a quorum of restored members runs, then serves the backup', async () => {
		const cluster =
			'--initial-cluster etcd-1=http://etcd-1:2380,etcd-2=http://etcd-2:2380,etcd-3=http://etcd-3:2380 --initial-cluster-token restored';
		const restore = (n: number) =>
			`etcdctl snapshot restore snap.db --name etcd-${n} ${cluster} --initial-advertise-peer-urls http://etcd-${n}:2380 --data-dir /var/lib/etcd-${n} 2>/dev/null`;
		const t = await runScenario(
			[
				'etcdctl put before 1',
				'etcdctl snapshot save snap.db >/dev/null 2>&1',
				'etcdctl put after 2',
				restore(1),
				restore(2),
				restore(3),
				'etcd --name etcd-1 --data-dir /var/lib/etcd-1 >/dev/null',
				'sleep 2.5',
				'playground status',
				'playground restart etcd-3',
				'etcd --name etcd-2 --data-dir /var/lib/etcd-2 >/dev/null',
				waitLeader,
				'etcdctl get "" --prefix --keys-only',
				'etcd --name etcd-3 --data-dir /var/lib/etcd-3 >/dev/null',
				'sleep 1',
				'etcdctl member list',
				'etcdctl --endpoints=etcd-3:2379 get before --consistency=s -w json | cut -c1-60',
				''
			].join('\n'),
			createNodeCluster,
			{ quietMs: 20 }
		);
		const o = outputs(t);
		const status = o.get('playground status')![0];
		expect(status).toMatch(/\netcd-1 +(Follower|PreCandidate|Candidate) /);
		expect(status).toMatch(/\netcd-2 +Down /);
		expect(status).not.toContain('Leader');
		expect(o.get('playground restart etcd-3')![0]).toContain(
			'etcd-3 has no data yet: start it with etcd --data-dir on its restored dir'
		);
		expect(o.get('etcdctl get "" --prefix --keys-only')![0]).toBe('before\n\n');
		// IDs from the peer URLs and the token, as real etcd computes them.
		const list = o.get('etcdctl member list')![0].trim().split('\n');
		expect(list).toHaveLength(3);
		for (const line of list) {
			expect(line).toMatch(
				/^[0-9a-f]+, started, etcd-\d, http:\/\/etcd-\d:2380, http:\/\/etcd-\d:2379, false$/
			);
		}
		const json = o.get(
			'etcdctl --endpoints=etcd-3:2379 get before --consistency=s -w json | cut -c1-60'
		)![0];
		expect(json).toMatch(/^\{"header":\{"cluster_id":\d+,"member_id":\d+/);
		expect(json).not.toContain('1673413939312283752');
	}, 60_000);
});
