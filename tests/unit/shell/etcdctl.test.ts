/**
 * How the shell hands etcdctl its arguments, environment, stdin, files and terminal. etcdctl
 * itself is replaced by a small recording double here: these tests are about the plumbing.
 */
import { describe, expect, it } from 'vitest';
import type { ClientFactory } from '../../../src/lib/client/types';
import type { EtcdctlIO } from '../../../src/lib/shell/etcdctl-io';
import { eventually, shell, sleep } from './helpers';

const clients: ClientFactory = {
	connect: () => Promise.reject(new Error('not used by the double'))
};

/** `etcdctl <verb> ...` as the double understands it. */
async function fakeEtcdctl(io: EtcdctlIO): Promise<number> {
	const [verb, ...rest] = io.args;
	switch (verb) {
		case 'args':
			io.stdout(JSON.stringify(rest) + '\n');
			return 0;
		case 'env':
			io.stdout(`${rest.map((k) => `${k}=${io.env[k] ?? '<unset>'}`).join(' ')}\n`);
			return 0;
		case 'stdin': {
			const bytes = await io.stdin();
			io.stdout(`[${bytes === null ? null : new TextDecoder().decode(bytes)}]\n`);
			return 0;
		}
		case 'bytes': {
			const bytes = (await io.stdin()) ?? new Uint8Array();
			io.stdout(`${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ')}\n`);
			return 0;
		}
		case 'save':
			io.fs.writeFile(rest[0], new TextEncoder().encode('snapshot-bytes'));
			io.stdout(`Snapshot saved at ${rest[0]}\n`);
			return 0;
		case 'read':
			io.stdout(
				`${io.fs.exists(rest[0])} ${new TextDecoder().decode(io.fs.readFile(rest[0]) ?? new Uint8Array())}\n`
			);
			return 0;
		case 'exec': {
			// like `etcdctl watch k -- cmd...`: runs cmd with a variable of its own
			const code = await io.exec!(rest, { ...io.env, ETCD_WATCH_KEY: 'k' });
			io.stdout(`exec returned ${code}\n`);
			return 0;
		}
		case 'fail':
			io.stderr('Error: boom\n');
			return 1;
		case 'tty':
			io.stdout(`terminal=${io.stdoutIsTerminal === true}\n`);
			return 0;
		case 'watch': {
			// prints one event at a time until stopped, like `etcdctl watch`
			for (let i = 1; !io.signal.aborted; i++) {
				io.stdout(`PUT\nk${i}\n`);
				await new Promise<void>((resolve) => {
					const t = setTimeout(resolve, 20);
					io.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
				});
			}
			return 130;
		}
		default:
			io.stderr(`Error: unknown command "${verb}" for "etcdctl"\n`);
			return 1;
	}
}

async function etcdShell() {
	const sh = await shell({ clients, etcdctl: fakeEtcdctl });
	return sh;
}

describe('etcdctl in the shell', () => {
	it('gets its words after expansion, quoting respected', async () => {
		const sh = await etcdShell();
		await sh.run('K=/registry/pods');
		expect((await sh.run(`etcdctl args get "$K/a b" --prefix '$K'`)).out).toBe(
			'["get","/registry/pods/a b","--prefix","$K"]\n'
		);
	});

	it('sees exported variables and prefix assignments, not plain shell variables', async () => {
		const sh = await etcdShell();
		await sh.run('export ETCDCTL_API=3; ETCDCTL_CACERT=/plain');
		expect((await sh.run('etcdctl env ETCDCTL_API ETCDCTL_CACERT')).out).toBe(
			'ETCDCTL_API=3 ETCDCTL_CACERT=<unset>\n'
		);
		expect((await sh.run('ETCDCTL_CACERT=/x etcdctl env ETCDCTL_CACERT')).out).toBe(
			'ETCDCTL_CACERT=/x\n'
		);
		expect((await sh.run('sudo ETCDCTL_API=2 etcdctl env ETCDCTL_API')).out).toBe(
			'ETCDCTL_API=2\n'
		);
	});

	it('reads stdin from pipes and heredocs, and none from the terminal', async () => {
		const sh = await etcdShell();
		expect((await sh.run('echo value | etcdctl stdin')).out).toBe('[value\n]\n');
		expect((await sh.run('etcdctl stdin <<EOF\nput a 1\nEOF')).out).toBe('[put a 1\n]\n');
		expect((await sh.run('etcdctl stdin')).out).toBe('[null]\n');
	});

	it('reads stdin as the bytes a pipe or file carries, UTF-8 or not', async () => {
		const sh = await etcdShell();
		expect((await sh.run("printf '\\xff\\x00b\\n' | etcdctl bytes")).out).toBe('ff 00 62 0a\n');
		expect((await sh.run("printf '\\377\\376' | etcdctl bytes")).out).toBe('ff fe\n');
		expect((await sh.run("printf 'é✓' | etcdctl bytes")).out).toBe('c3 a9 e2 9c 93\n');
		await sh.run("printf '\\x80\\x01' > /tmp/bin");
		expect((await sh.run('etcdctl bytes < /tmp/bin')).out).toBe('80 01\n');
		expect((await sh.run('cat /tmp/bin | sudo etcdctl bytes')).out).toBe('80 01\n');
	});

	it('tells etcdctl whether its stdout is the terminal (check perf draws its bar there)', async () => {
		const sh = await etcdShell();
		expect((await sh.run('etcdctl tty')).out).toBe('terminal=true\n');
		expect((await sh.run('etcdctl tty | cat')).out).toBe('terminal=false\n');
		expect((await sh.run('echo "$(etcdctl tty)"')).out).toBe('terminal=false\n');
		await sh.run('etcdctl tty > /tmp/t');
		expect((await sh.run('cat /tmp/t')).out).toBe('terminal=false\n');
		const scenario = await shell({ clients, etcdctl: fakeEtcdctl, terminalInput: false });
		expect((await scenario.run('etcdctl tty')).out).toBe('terminal=false\n');
	});

	it('reads an empty stdin instead of the terminal when there is none (scenarios)', async () => {
		const sh = await shell({ clients, etcdctl: fakeEtcdctl, terminalInput: false });
		expect((await sh.run('etcdctl stdin')).out).toBe('[]\n');
	});

	it('shares the virtual file system with the shell', async () => {
		const sh = await etcdShell();
		expect((await sh.run('etcdctl save /tmp/backup.db')).out).toBe(
			'Snapshot saved at /tmp/backup.db\n'
		);
		expect((await sh.run('cat /tmp/backup.db; echo; ls /tmp')).out).toBe(
			'snapshot-bytes\nbackup.db\n'
		);
		await sh.run('mkdir -p /etc/kubernetes/pki/etcd && echo CA > /etc/kubernetes/pki/etcd/ca.crt');
		await sh.run('cd /etc/kubernetes && ln -s pki/etcd/ca.crt link.crt');
		expect((await sh.run('etcdctl read pki/etcd/ca.crt')).out).toBe('true CA\n\n');
		expect((await sh.run('etcdctl read link.crt')).out).toBe('true CA\n\n');
		expect((await sh.run('etcdctl read /nope')).out).toBe('false \n');
	});

	it('runs commands for etcdctl with its variables exported, printing where it prints', async () => {
		const sh = await etcdShell();
		expect((await sh.run('etcdctl exec printenv ETCD_WATCH_KEY')).out).toBe('k\nexec returned 0\n');
		expect((await sh.run('etcdctl exec sh -c "exit 3" | cat')).out).toBe('exec returned 3\n');
		expect((await sh.run('etcdctl exec echo piped | wc -l')).out).toBe('2\n');
	});

	it('works in pipes, $(...) and redirections like any command', async () => {
		const sh = await etcdShell();
		expect((await sh.run('etcdctl args a b | wc -l')).out).toBe('1\n');
		expect((await sh.run('X=$(etcdctl args x); echo "got $X"')).out).toBe('got ["x"]\n');
		expect((await sh.run('etcdctl fail 2>/dev/null; echo $?')).out).toBe('1\n');
		expect(await sh.run('etcdctl fail')).toEqual({ out: 'Error: boom\n', code: 1 });
		await sh.run('etcdctl args to-file > /tmp/out');
		expect((await sh.run('cat /tmp/out')).out).toBe('["to-file"]\n');
	});

	it('has its output captured by $(...) in the words of another etcdctl', async () => {
		const sh = await etcdShell();
		const cases: [string, string][] = [
			['etcdctl args put k "$(etcdctl args inner)"', '["put","k","[\\"inner\\"]"]\n'],
			[
				'etcdctl args "$(etcdctl args a | cat)" "$(echo x; etcdctl args b)"',
				'["[\\"a\\"]","x\\n[\\"b\\"]"]\n'
			],
			['etcdctl args put k "$(etcdctl args inner)" 2>/dev/null', '["put","k","[\\"inner\\"]"]\n'],
			['sudo etcdctl args "$(sudo etcdctl args s)"', '["[\\"s\\"]"]\n'],
			['f() { etcdctl args fn; }; etcdctl args "$(f)"', '["[\\"fn\\"]"]\n'],
			['for w in $(etcdctl args l); do etcdctl args "$w"; done', '["[\\"l\\"]"]\n'],
			['etcdctl args $(for i in 1 2; do etcdctl args $i; done)', '["[\\"1\\"]","[\\"2\\"]"]\n'],
			['etcdctl stdin <<EOF\nv=$(etcdctl args h)\nEOF', '[v=["h"]\n]\n']
		];
		for (const [line, out] of cases) expect((await sh.run(line)).out, line).toBe(out);
		// stderr of the inner command still shows, before the outer command's output
		expect((await sh.run('etcdctl args "$(etcdctl fail)"')).out).toBe('Error: boom\n[""]\n');
	});

	it('prints a lone watch live, before it ends', async () => {
		const sh = await etcdShell();
		const ctl = new AbortController();
		const running = sh.session.run('etcdctl watch foo', { signal: ctl.signal });
		await eventually(() => /^PUT\nk1\nPUT\nk2\n/.test(sh.peek()));
		ctl.abort();
		expect(await running).toBe(130);
	});

	it('prints live wherever its stdout is the terminal: lists, sudo, errors from $(...)', async () => {
		const sh = await etcdShell();
		for (const line of ['etcdctl watch foo; echo after', 'sudo -E etcdctl watch foo']) {
			const ctl = new AbortController();
			const running = sh.session.run(line, { signal: ctl.signal });
			await eventually(() => /^PUT\nk1\n/.test(sh.peek()));
			ctl.abort();
			await running;
			sh.pending();
		}
		expect((await sh.run('X=$(etcdctl fail); echo "[$X]"')).out).toBe('Error: boom\n[]\n');
		expect((await sh.run('sudo env | grep -c PLAYGROUND')).out).toBe('0\n');
	});

	it('streams a background watch as it prints, and stops it with the job', async () => {
		const sh = await etcdShell();
		await sh.run('etcdctl watch / --prefix &');
		await eventually(() => /^PUT\nk1\n/.test(sh.jobs.join('')));
		await sh.session.stopJobs();
		expect(sh.session.runningJobs()).toHaveLength(0);
	});

	it('streams a piped watch through line filters as it prints', async () => {
		const sh = await etcdShell();
		const lines = [
			'etcdctl watch / --prefix | grep k',
			'etcdctl watch / --prefix | grep --line-buffered -v PUT | sed -u "s/^/got /"',
			'etcdctl watch / | while read -r l; do echo "read [$l]"; done',
			'etcdctl watch / | awk \'{print "a:" $1}\' | cut -c1-4 | tr a-z A-Z | cat -',
			'P=k; etcdctl watch / | grep "$P"'
		];
		const want = [
			/^k1\nk2\n/,
			/^got k1\ngot k2\n/,
			/^read \[PUT\]\nread \[k1\]\n/,
			/^A:PU\nA:K1\n/,
			/^k1\n/
		];
		for (const [i, line] of lines.entries()) {
			const ctl = new AbortController();
			const running = sh.session.run(line, { signal: ctl.signal });
			await eventually(() => want[i].test(sh.peek()));
			ctl.abort();
			expect(await running, line).toBe(130);
			sh.pending();
		}
	});

	it('ends a watch when head has its lines, wherever the head is', async () => {
		const sh = await etcdShell();
		expect(await sh.run('etcdctl watch k | head -n 3')).toEqual({ out: 'PUT\nk1\nPUT\n', code: 0 });
		expect(await sh.run('etcdctl watch k | grep -v PUT | head -2')).toEqual({
			out: 'k1\nk2\n',
			code: 0
		});
		expect((await sh.run('etcdctl watch k | head -n 4 | wc -l')).out).toBe('4\n');
		expect((await sh.run('X=$(etcdctl watch k | head -n 1); echo "[$X]"')).out).toBe('[PUT]\n');
		expect(await sh.run('etcdctl watch k | head -n 0')).toEqual({ out: '', code: 0 });
		expect((await sh.run('etcdctl watch k | head --lines=1 | sed s/P/p/')).out).toBe('pUT\n');
		// sudo (a no-op here) and its VAR=value words, as the guides write them
		expect(await sh.run('sudo -E ETCDCTL_API=3 etcdctl watch k | grep -v P | head -n 1')).toEqual({
			out: 'k1\n',
			code: 0
		});
	});

	it('streams a background watch pipeline, and what the filters run prints goes through them', async () => {
		const sh = await etcdShell();
		await sh.run('etcdctl watch / --prefix | grep k &');
		await eventually(() => /^k1\nk2\n/.test(sh.jobs.join('')));
		await sh.session.stopJobs();
		expect(await sh.session.jobs()[0].done).toBe(130);
		sh.pending();
		// etcdctl inside the loop prints into the pipe's output (and its redirections hold)
		const line =
			'etcdctl watch / | while read -r l; do etcdctl args "$l" >/dev/null; etcdctl args "x$l"; done | head -n 2';
		expect(await sh.run(line)).toEqual({ out: '["xPUT"]\n["xk1"]\n', code: 0 });
	});

	it('leaves pipes into whole-input commands as just-bash runs them', async () => {
		// sort, wc, grep -c... need all of the input: they print when the watch is stopped.
		const sh = await etcdShell();
		const ctl = new AbortController();
		const running = sh.session.run('etcdctl watch / | sort', { signal: ctl.signal });
		await sleep(60);
		expect(sh.peek()).toBe('');
		ctl.abort();
		expect(await running).toBe(130);
		expect((await sh.run('etcdctl args a b | grep -c a')).out).toBe('1\n');
	});

	it('says so when etcdctl or the cluster is missing', async () => {
		expect(await (await shell({ clients })).run('etcdctl get foo')).toEqual({
			out: 'etcdctl: not available in this terminal\n',
			code: 1
		});
		const sh = await shell({ etcdctl: fakeEtcdctl });
		expect(await sh.run('etcdctl get foo')).toEqual({
			out: 'etcdctl: no cluster is attached to this terminal\n',
			code: 1
		});
	});
});

describe('playground', () => {
	it('forwards its arguments to the host and prints what it says', async () => {
		const calls: string[][] = [];
		const sh = await shell({
			control: async (args, out) => {
				calls.push(args);
				out(`did ${args.join(' ')}\n`);
				return args[0] === 'kill' ? 0 : 2;
			}
		});
		expect(await sh.run('playground kill etcd-2')).toEqual({ out: 'did kill etcd-2\n', code: 0 });
		expect((await sh.run('playground partition etcd-1 etcd-2 / etcd-3')).code).toBe(2);
		expect(calls).toEqual([
			['kill', 'etcd-2'],
			['partition', 'etcd-1', 'etcd-2', '/', 'etcd-3']
		]);
	});
});
