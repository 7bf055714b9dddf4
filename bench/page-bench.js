// Installed into the playground page by bench/run.ts (as text, so nothing is transpiled).
// Drives the cluster through window.etcdPlayground: the typed client the terminal's etcdctl
// uses, and the cluster manager.
(() => {
	const pg = () => window.etcdPlayground;
	const te = new TextEncoder();
	const enc = (s) => te.encode(s);
	const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
	const connect = (endpoints = ['127.0.0.1:2379'], timeoutMs = 30000) =>
		pg().clients.connect({ endpoints, dialTimeoutMs: 5000, commandTimeoutMs: timeoutMs });

	function stats(lat, totalMs) {
		const s = lat.slice().sort((a, b) => a - b);
		const n = s.length;
		const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, n);
		const variance = s.reduce((a, b) => a + (b - mean) * (b - mean), 0) / Math.max(1, n);
		const q = (p) => (n ? s[Math.min(n - 1, Math.floor(p * n))] : 0);
		return {
			count: n,
			totalMs,
			rps: totalMs > 0 ? (n * 1000) / totalMs : 0,
			slowestMs: n ? s[n - 1] : 0,
			stddevMs: Math.sqrt(variance),
			meanMs: mean,
			p50Ms: q(0.5),
			p99Ms: q(0.99)
		};
	}

	/**
	 * etcdctl check perf, as its source does it: `clients` clients take puts of a 256-byte key
	 * under /etcdctl-check-perf/ (a random varint then zeros) and a 1024-byte zero value from a
	 * queue of capacity `clients`, which a rate limiter (burst 1) fills at `rate`/s for
	 * `durationMs`; the queue is drained after the deadline; then the prefix is deleted.
	 */
	async function checkPerf(clients, rate, durationMs) {
		const prefix = '/etcdctl-check-perf/';
		const c0 = await connect();
		const pre = await c0.range({
			key: enc(prefix),
			range_end: enc('/etcdctl-check-perf0'),
			limit: 1
		});
		if (pre.kvs.length) throw new Error('prefix has keys');
		const cs = await Promise.all(Array.from({ length: clients }, () => connect()));
		const value = new Uint8Array(1024);
		const pfx = enc(prefix);
		const newKey = () => {
			const k = new Uint8Array(pfx.length + 256);
			k.set(pfx);
			// binary.PutVarint of a random int63: 9 random-ish bytes, the rest zeros.
			let x = Math.floor(Math.random() * 2 ** 52) * 2;
			for (let i = 0; i < 8; i++) {
				k[pfx.length + i] = (x % 128) | 0x80;
				x = Math.floor(x / 128);
			}
			k[pfx.length + 8] = x & 0x7f;
			return k;
		};
		const queue = [];
		let closed = false;
		let waiters = [];
		let spaceWaiters = [];
		const wake = (list) => {
			const l = list.splice(0);
			for (const w of l) w();
		};
		// One key wakes one idle client (waking all 500 for each key cost the page more than
		// the puts' own client calls).
		const wakeOne = (list) => list.shift()?.();
		const take = async () => {
			for (;;) {
				if (queue.length) {
					const k = queue.shift();
					wake(spaceWaiters);
					return k;
				}
				if (closed) return null;
				await new Promise((r) => waiters.push(r));
			}
		};
		const lat = [];
		const errors = {};
		const t0 = performance.now();
		const end = t0 + durationMs;
		const workers = cs.map(async (c) => {
			for (;;) {
				const key = await take();
				if (!key) return;
				const st = performance.now();
				try {
					await c.put({ key, value });
					lat.push(performance.now() - st);
				} catch (e) {
					const m = String(e && e.message);
					errors[m] = (errors[m] || 0) + 1;
				}
			}
		});
		const interval = 1000 / rate;
		let next = t0;
		while (performance.now() < end) {
			if (queue.length >= clients) {
				await new Promise((r) => spaceWaiters.push(r));
				// Burst 1: tokens do not pile up while the queue was full (allow one timer tick).
				next = Math.max(next, performance.now() - 4);
				continue;
			}
			const now = performance.now();
			if (next > now) {
				await sleep(Math.max(0, next - now));
				continue;
			}
			queue.push(newKey());
			next += interval;
			wakeOne(waiters);
		}
		closed = true;
		wake(waiters);
		await Promise.all(workers);
		const totalMs = performance.now() - t0;
		await c0.deleteRange({ key: enc(prefix), range_end: enc('/etcdctl-check-perf0') });
		for (const c of cs) c.close?.();
		return { ...stats(lat, totalMs), errors };
	}

	async function getLatency(n, serializable) {
		const c = await connect();
		await c.put({ key: enc('/bench/get'), value: enc('v') });
		for (let i = 0; i < 20; i++) await c.range({ key: enc('/bench/get'), serializable });
		const lat = [];
		for (let i = 0; i < n; i++) {
			const st = performance.now();
			await c.range({ key: enc('/bench/get'), serializable });
			lat.push(performance.now() - st);
		}
		return stats(lat, 0);
	}

	const rkey = (i) => `/bench/range/${String(i).padStart(6, '0')}`;

	/** Writes keys [from, to) under /bench/range/ with 100-byte values, 128 puts a txn. */
	async function loadKeys(from, to) {
		const c = await connect(undefined, 60000);
		const value = new Uint8Array(100).fill(120);
		const batches = [];
		for (let i = from; i < to; i += 128) batches.push(i);
		let next = 0;
		await Promise.all(
			Array.from({ length: 8 }, async () => {
				while (next < batches.length) {
					const b = batches[next++];
					const success = [];
					for (let i = b; i < Math.min(to, b + 128); i++)
						success.push({ request_put: { key: enc(rkey(i)), value } });
					await c.txn({ compare: [], success, failure: [] });
				}
			})
		);
	}

	async function range(n, keysOnly, serializable = false) {
		const c = await connect(undefined, 60000);
		const st = performance.now();
		const r = await c.range({
			key: enc(rkey(0)),
			range_end: enc(rkey(n)),
			keys_only: keysOnly,
			serializable
		});
		const ms = performance.now() - st;
		if (r.kvs.length !== n) throw new Error(`range returned ${r.kvs.length} kvs, expected ${n}`);
		return ms;
	}

	/** Writes `n` events under /bench/watch/ (100 puts a txn), then times a watch replaying them. */
	async function watchPrepare(n, tag) {
		const c = await connect(undefined, 60000);
		const value = new Uint8Array(100).fill(119);
		const first = (await c.range({ key: enc('/bench/none') })).header.revision + 1;
		for (let b = 0; b < n; b += 100) {
			const success = [];
			for (let i = b; i < Math.min(n, b + 100); i++)
				success.push({ request_put: { key: enc(`/bench/watch/${tag}/${i}`), value } });
			await c.txn({ compare: [], success, failure: [] });
		}
		return first;
	}

	async function watch(n, tag, startRevision) {
		const c = await connect(undefined, 60000);
		const st = performance.now();
		let seen = 0;
		let handle;
		const ms = await new Promise((resolve, reject) => {
			const t = setTimeout(() => reject(new Error(`watch saw ${seen} events`)), 60000);
			handle = c.watch(
				{
					key: enc(`/bench/watch/${tag}/`),
					range_end: enc(`/bench/watch/${tag}0`),
					start_revision: startRevision
				},
				(resp) => {
					seen += resp.events.length;
					if (seen >= n) {
						clearTimeout(t);
						resolve(performance.now() - st);
					}
				}
			);
		});
		await handle.cancel();
		return ms;
	}

	/** Kills `name` (a crash), restarts it, and times until it serves a linearizable read. */
	async function restart(name) {
		const m = pg().manager;
		await m.kill(name);
		await sleep(300);
		const st = performance.now();
		await m.restart(name);
		const spawned = performance.now() - st;
		for (;;) {
			try {
				const c = await connect([`${name}:2379`], 2000);
				await c.range({ key: enc('/bench/get') });
				break;
			} catch {
				await sleep(5);
			}
		}
		return { ms: performance.now() - st, spawnedMs: spawned };
	}

	async function status() {
		return pg().manager.status();
	}

	window.__bench = { checkPerf, getLatency, loadKeys, range, watchPrepare, watch, restart, status };
})();
