/**
 * Normalises a conformance transcript so that the playground's and real etcd's can be diffed.
 * It masks only what two real clusters also differ in:
 * - lease IDs (and the IDs etcd gives members added at run time, which include the time);
 *   known member IDs (etcd-1..3) and the cluster ID are kept, they are computed exactly;
 * - raft terms and indexes; sizes; hashes; timings (took, ts, remaining TTL, log timestamps);
 * - version strings;
 * - the place of run-time-added members in member lists (etcd sorts members by ID, and those
 *   IDs include the time), the raft term inside binary `-w protobuf` output;
 * - the order of concurrently produced lines (endpoint health), and grpc's transient balancer
 *   detail and client id in its retry warnings, Go goroutine dumps after a panic.
 */

/** Member and cluster IDs that are deterministic (ETCD-REFERENCE "Identity"). */
const KNOWN_IDS = new Set(
	['ac50589ee05989df', '9f62c65b34c1424b', '8b6469a22517ddab'].flatMap((h) => [
		h,
		BigInt('0x' + h).toString()
	])
);
['1673413939312283752', '17041994085800619155'].forEach((d) => {
	KNOWN_IDS.add(d);
	KNOWN_IDS.add(BigInt(d).toString(16));
});

function maskIds(text: string): string {
	const labels = new Map<string, string>();
	const label = (value: bigint) => {
		const k = value.toString();
		if (!labels.has(k)) labels.set(k, `<id-${labels.size + 1}>`);
		return labels.get(k)!;
	};
	// 15-16 hex digits (lease IDs as %016x or %x, member IDs as %x), standing alone.
	text = text.replace(/(?<![0-9a-zA-Z])[0-9a-f]{15,16}(?![0-9a-zA-Z])/g, (h) => {
		if (!/[a-f]/.test(h) && h.length < 16) return h;
		if (KNOWN_IDS.has(h)) return h;
		return label(BigInt('0x' + h));
	});
	// Large decimals (>= 10^15): lease IDs and member IDs in json/fields output.
	text = text.replace(/(?<![0-9.a-zA-Z-])\d{15,20}(?![0-9.])/g, (d) => {
		if (KNOWN_IDS.has(d)) return d;
		return label(BigInt(d));
	});
	return text;
}

function normTables(text: string): string {
	const lines = text.split('\n');
	const out: string[] = [];
	let header: string[] | null = null;
	let rows: string[][] = [];
	let raw: string[] = [];
	const flush = () => {
		if (!header) return;
		const keep = !header.some((h) => /^(RAFT TERM|DB SIZE|HASH|TOOK|TOTAL SIZE|HEALTH)$/.test(h));
		if (keep) {
			out.push(...raw);
			header = null;
			rows = [];
			raw = [];
			return;
		}
		const mask = header.map((h) =>
			/^(RAFT TERM|RAFT INDEX|RAFT APPLIED INDEX|DB SIZE|HASH|TOOK|TOTAL SIZE|VERSION)$/.test(h)
		);
		if (header.includes('HEALTH')) rows.sort((a, b) => a.join('|').localeCompare(b.join('|')));
		out.push('| ' + header.join(' | ') + ' |');
		for (const r of rows)
			out.push('| ' + r.map((c, i) => (mask[i] ? '<*>' : c)).join(' | ') + ' |');
		header = null;
		rows = [];
		raw = [];
	};
	for (const l of lines) {
		if (/^\+[-+]+\+$/.test(l)) {
			raw.push(l);
			continue;
		}
		const m = /^\|(.*)\|$/.exec(l);
		if (m) {
			raw.push(l);
			const cells = m[1].split('|').map((c) => c.trim());
			if (!header) header = cells;
			else rows.push(cells);
			continue;
		}
		flush();
		out.push(l);
	}
	flush();
	return out.join('\n');
}

function sortHealthLines(text: string): string {
	const lines = text.split('\n');
	for (let i = 0; i < lines.length;) {
		if (!/ is (un)?healthy: /.test(lines[i])) {
			i++;
			continue;
		}
		let j = i;
		while (j < lines.length && / is (un)?healthy: /.test(lines[j])) j++;
		const run = lines.slice(i, j).sort();
		lines.splice(i, j - i, ...run);
		i = j;
	}
	return lines.join('\n');
}

function collapsePanics(text: string): string {
	return text.replace(
		/^goroutine \d+ \[running\]:\n(?:(?!\$ |\[exit )[^\n]*\n)*/gm,
		'goroutine <trace>\n'
	);
}

/** Sorts each run of consecutive lines that `isRow` accepts. */
function sortRuns(lines: string[], isRow: (l: string) => boolean): void {
	for (let i = 0; i < lines.length;) {
		if (!isRow(lines[i])) {
			i++;
			continue;
		}
		let j = i;
		while (j < lines.length && isRow(lines[j])) j++;
		const run = lines.slice(i, j).sort();
		lines.splice(i, j - i, ...run);
		i = j;
	}
}

/**
 * Member lists are sorted by member ID; a member added at run time gets an ID made from its
 * URLs and the time, so its place among the others differs between two real runs. Every
 * format's member list is put in a fixed order here (simple rows, table rows, JSON arrays,
 * fields blocks, and ETCD_INITIAL_CLUSTER).
 */
function sortMemberLists(text: string): string {
	const lines = text.split('\n');
	sortRuns(lines, (l) => /^[^,\s]+, (started|unstarted), /.test(l));
	sortRuns(lines, (l) => /^\| [^|]+ \| +(started|unstarted) \|/.test(l));
	// fields output: one block per member, from "ID" to the blank line after "IsLearner"
	for (let i = 0; i < lines.length; i++) {
		if (!/^"ID" : /.test(lines[i]) || !/^"Name" : /.test(lines[i + 1] ?? '')) continue;
		const blocks: string[][] = [];
		let j = i;
		while (/^"ID" : /.test(lines[j] ?? '') && /^"Name" : /.test(lines[j + 1] ?? '')) {
			let k = j;
			while (k < lines.length && lines[k] !== '') k++;
			blocks.push(lines.slice(j, k + 1));
			j = k + 1;
		}
		const sorted = blocks.map((b) => b.join('\n')).sort();
		lines.splice(i, j - i, ...sorted.join('\n').split('\n'));
		i = j - 1;
	}
	let t = lines.join('\n');
	t = t.replace(/"members":\[((?:\{[^{}]*\},?)+)\]/g, (_m, body: string) => {
		const items = body.split(/(?<=\}),(?=\{)/).sort();
		return `"members":[${items.join(',')}]`;
	});
	t = t.replace(/^ETCD_INITIAL_CLUSTER="([^"]*)"$/gm, (_m, list: string) => {
		return `ETCD_INITIAL_CLUSTER="${list.split(',').sort().join(',')}"`;
	});
	return t;
}

/** Binary protobuf output carries the raft term as a varint: mask the whole body. */
function maskProtobuf(text: string): string {
	const lines = text.split('\n');
	for (let i = 0; i < lines.length; i++) {
		if (!/^\$ .*(-w|--write-out)[ =]protobuf\b/.test(lines[i])) continue;
		let j = i + 1;
		while (j < lines.length && !lines[j].startsWith('$ ') && !/^\[exit \d+\]$/.test(lines[j])) j++;
		const body = lines.slice(i + 1, j);
		if (body.some((l) => l.startsWith('Error: '))) continue;
		lines.splice(i + 1, j - i - 1, '<protobuf>');
	}
	return lines.join('\n');
}

export function normalize(text: string): string {
	let t = text;
	t = collapsePanics(t);
	// grpc retry warnings: time, client id, and the balancer's transient state.
	t = t.replace(/"ts":"[^"]*"/g, '"ts":"<ts>"').replace(/"ts":[0-9.e+]+/g, '"ts":<ts>');
	t = t.replace(/endpoint:\/\/client-[0-9a-f-]+\//g, 'endpoint://client-<uuid>/');
	t = t.replace(
		/desc = latest balancer error: (?:[^"\\]|\\.)*"/g,
		'desc = latest balancer error: <transient>"'
	);
	// capnslog timestamps
	t = t.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} ([A-Z]) \|/gm, '<time> $1 |');
	// versions
	t = t
		.replace(/\b3\.[45]\.\d+\b/g, '<version>')
		.replace(/(API VERSION:\n\t)3\.[45]\b/g, '$1<api>');
	t = t.replace(/^API version: 3\.[45]$/gm, 'API version: <api>');
	// timings
	t = t.replace(/took = [0-9.]+(ns|µs|ms|s|m)\b/g, 'took = <took>');
	t = t.replace(/"took":"[^"]*"/g, '"took":"<took>"').replace(/"took":[0-9.e-]+/g, '"took":<took>');
	t = t.replace(/^"Took" : .*$/gm, '"Took" : <took>');
	t = t.replace(/remaining\(-?\d+s\)/g, 'remaining(<ttl>s)');
	t = t.replace(/"ttl":-?\d+/g, '"ttl":<ttl>');
	t = t.replace(/^"TTL" : -?\d+\n(?="GrantedTTL")/gm, '"TTL" : <ttl>\n');
	// raft terms and indexes
	t = t.replace(/"(raft_term|raftTerm|raftIndex|raftAppliedIndex)":\d+/g, '"$1":<raft>');
	t = t.replace(/^"(RaftTerm|RaftIndex|RaftAppliedIndex)" : \d+$/gm, '"$1" : <raft>');
	// sizes
	t = t.replace(/"(dbSize|dbSizeInUse|totalSize)":\d+/g, '"$1":<size>');
	t = t.replace(/^"(DBSize|Size)" : \d+$/gm, '"$1" : <size>');
	t = t.replace(/\b\d+(\.\d)? (B|kB|MB|GB)\b/g, '<size>');
	// hashes
	t = t.replace(/"hash":\d+/g, '"hash":<hash>').replace(/^"Hash" : \d+$/gm, '"Hash" : <hash>');
	// endpoint status rows: endpoint, ID, version, size, leader, learner, term, index, applied, errors
	t = t.replace(
		/^([^,\n]+, [0-9a-f]{16}, [^,]+, [^,]+, (?:true|false), (?:true|false)), \d+, \d+, \d+, /gm,
		'$1, <raft>, <raft>, <raft>, '
	);
	// hashkv rows and snapshot status rows
	t = t.replace(/^([^,\n ]+:\d+), \d+$/gm, '$1, <hash>');
	t = t.replace(/^[0-9a-f]{1,8}, (\d+), (\d+), /gm, '<hash>, $1, $2, ');
	t = normTables(t);
	t = sortHealthLines(t);
	t = maskIds(t);
	// etcdctl pads run-time member IDs to 16 columns (%16x); one with a leading zero nibble
	// is printed one space wider, in two real runs as here.
	t = t.replace(/ {2,}(<id-\d+>)/g, ' $1');
	t = sortMemberLists(t);
	t = sortLeaseKeys(t);
	t = maskProtobuf(t);
	return t;
}

/**
 * etcd lists a lease's attached keys by ranging over a Go map (lease.Keys), so their order
 * differs between two real runs: sort them in the simple and JSON forms.
 */
function sortLeaseKeys(text: string): string {
	return text
		.replace(/attached keys\(\[([^\]\n]*)\]\)/g, (_m, list: string) => {
			return `attached keys([${list.split(' ').sort().join(' ')}])`;
		})
		.replace(/"keys":\[("[^\]\n]*")\]/g, (_m, list: string) => {
			return `"keys":[${list.split(',').sort().join(',')}]`;
		});
}
