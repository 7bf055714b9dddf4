import { describe, expect, it } from 'vitest';
import { eventually, shell, sleep } from './helpers';

describe('state carried from line to line', () => {
	it('keeps variables, exports, cwd, functions and shell options', async () => {
		const sh = await shell();
		await sh.run('export ETCDCTL_API=3; X=2; f() { echo "fn $1"; }; mkdir -p /w; cd /w');
		expect((await sh.run('echo $ETCDCTL_API $X; f a; pwd')).out).toBe('3 2\nfn a\n/w\n');
		expect((await sh.run('printenv ETCDCTL_API')).out).toBe('3\n');
		await sh.run('set -o pipefail');
		expect((await sh.run('false | true')).code).toBe(1);
		await sh.run('cd -');
		expect((await sh.run('pwd')).out).toBe('/root\n');
	});

	it('lists only exported variables in env and printenv', async () => {
		const sh = await shell();
		await sh.run('export ETCDCTL_API=3; PLAIN=1');
		expect((await sh.run('env | grep -E "^(ETCDCTL_API|PLAIN)="')).out).toBe('ETCDCTL_API=3\n');
		expect(await sh.run('printenv PLAIN')).toEqual({ out: '', code: 1 });
		expect(await sh.run('printenv ETCDCTL_API HOME')).toEqual({ out: '3\n/root\n', code: 0 });
		expect((await sh.run('env FOO=bar printenv FOO')).out).toBe('bar\n');
		expect((await sh.run('env -i A=1 env | grep -v ^PWD=')).out).toBe('A=1\n');
		expect((await sh.run('env -u ETCDCTL_API printenv ETCDCTL_API')).code).toBe(1);
	});

	it('keeps $? of the previous line', async () => {
		const sh = await shell();
		await sh.run('ls /nope 2>/dev/null');
		expect((await sh.run('echo $?')).out).toBe('2\n');
	});

	it("has kubeadm's etcd PKI paths the guides point etcdctl at", async () => {
		const sh = await shell();
		expect(
			(
				await sh.run(
					'ls /etc/kubernetes/pki/etcd | wc -l; cat /etc/kubernetes/pki/etcd/ca.crt | head -1'
				)
			).out
		).toMatch(/^8\n# Stands in for kubeadm's etcd certificate authority/);
	});

	it('keeps files between lines and starts in /root', async () => {
		const sh = await shell();
		await sh.run('echo hello > greeting.txt');
		expect((await sh.run('cat /root/greeting.txt; ls')).out).toBe('hello\ngreeting.txt\n');
	});
});

describe('the bash the seed guides use', () => {
	it('runs pipes into awk, sed, grep, head, wc', async () => {
		const sh = await shell();
		await sh.run(`printf 'h1 h2 h3 h4 h5\\nv1 v2 v3 v4 42\\n' > /tmp/t`);
		expect((await sh.run(`cat /tmp/t | awk 'NR==2 {print $5}'`)).out).toBe('42\n');
		expect(
			(
				await sh.run(
					`printf '/registry/namespaces/a\\n/registry/namespaces/b\\n' | sed 's|/registry/namespaces/||'`
				)
			).out
		).toBe('a\nb\n');
		expect((await sh.run('seq 1 100 | head -n 3 | wc -l')).out).toBe('3\n');
		expect((await sh.run('seq 1 100 | grep "^9" | tail -1')).out).toBe('99\n');
	});

	it('runs jq with @base64d and string interpolation, and $((...))', async () => {
		const sh = await shell();
		await sh.run(`J='{"kvs":[{"key":"L2Zvbw==","mod_revision":7,"version":2}]}'`);
		const r = await sh.run(
			`echo "$J" | jq -r '.kvs[] | "\\(.key | @base64d) | Rev:\\(.mod_revision) | Ver:\\(.version)"'`
		);
		expect(r.out).toBe('/foo | Rev:7 | Ver:2\n');
		await sh.run(`CURRENT_REV=$(echo "$J" | jq -r '.kvs[0].mod_revision')`);
		expect((await sh.run('OLD_REV=$((CURRENT_REV - 100)); echo $OLD_REV')).out).toBe('-93\n');
	});

	it('runs multi-line for loops with $(...) and heredocs', async () => {
		const sh = await shell();
		const loop =
			'for type in pods secrets; do\n  count=$(echo $type | wc -c)\n  echo "$type: $count"\ndone';
		expect(sh.session.isComplete(loop.split('\n').slice(0, 2).join('\n'))).toBe(false);
		expect(sh.session.isComplete(loop)).toBe(true);
		expect((await sh.run(loop)).out).toBe('pods: 5\nsecrets: 8\n');
		expect((await sh.run('cat <<EOF\n  indented $HOME\nEOF')).out).toBe('  indented /root\n');
		expect((await sh.run("cat <<'EOF'\n$HOME\nEOF")).out).toBe('$HOME\n');
	});

	it('joins backslash continuations', async () => {
		const sh = await shell();
		expect(sh.session.isComplete('echo a \\')).toBe(false);
		expect((await sh.run('echo a \\\n  b')).out).toBe('a b\n');
	});

	it('knows when a command needs more lines', async () => {
		const sh = await shell();
		for (const open of [
			'echo "abc',
			'cat <<EOF\nx',
			'if true; then',
			'echo a |',
			'true &&',
			'{ echo'
		]) {
			expect(sh.session.isComplete(open), open).toBe(false);
		}
		for (const whole of ['echo ok', 'cat <<EOF\nx\nEOF', 'echo "a|"', 'echo a # |', '']) {
			expect(sh.session.isComplete(whole), whole).toBe(true);
		}
	});

	it('keeps no history when not interactive, as bash', async () => {
		const sh = await shell();
		await sh.run('echo one');
		expect(await sh.run('history')).toEqual({ out: '', code: 0 });
	});

	it('numbers history as bash does', async () => {
		const sh = await shell({ interactive: true });
		await sh.run('echo one');
		await sh.run('echo two');
		expect((await sh.run('history')).out).toBe(
			'    1  echo one\n    2  echo two\n    3  history\n'
		);
		expect((await sh.run('history 1')).out).toBe('    4  history 1\n');
	});
});

describe('stdout and stderr in the order they were written', () => {
	const err = 'ls: /nope: No such file or directory\n';

	it('interleaves within a line, loops included', async () => {
		const sh = await shell();
		expect((await sh.run('echo a; ls /nope; echo b')).out).toBe(`a\n${err}b\n`);
		expect((await sh.run('for i in 1 2; do echo $i; ls /nope; done')).out).toBe(
			`1\n${err}2\n${err}`
		);
		expect((await sh.run('if ls /nope; then echo yes; else echo no; fi')).out).toBe(`${err}no\n`);
	});

	it('keeps pipes, substitutions and redirections as bash routes them', async () => {
		const sh = await shell();
		expect((await sh.run('ls /nope | wc -l')).out).toBe(`${err}0\n`);
		expect((await sh.run('ls /nope 2>&1 | wc -l')).out).toBe('1\n');
		expect((await sh.run('ls /nope 2>/dev/null | wc -l')).out).toBe('0\n');
		expect((await sh.run('X=$(ls /nope); echo "[$X]"')).out).toBe(`${err}[]\n`);
		expect((await sh.run('{ echo a; ls /nope; } > /tmp/f; cat /tmp/f')).out).toBe(`${err}a\n`);
		expect((await sh.run('ls /nope 2>/tmp/e; cat /tmp/e')).out).toBe(err);
		expect((await sh.run('ls /nope; echo $?')).out).toBe(`${err}2\n`);
	});
});

describe('output as each command ends', () => {
	const err = 'ls: /nope: No such file or directory\n';

	it('shows a loop progressively and keeps what it printed after Ctrl-C', async () => {
		const sh = await shell();
		const ctl = new AbortController();
		const run = sh.session.run('for i in 1 2 3 4 5 6 7 8 9; do echo $i; sleep 0.1; done', {
			signal: ctl.signal
		});
		await eventually(() => sh.peek().startsWith('1\n'));
		ctl.abort();
		expect(await run).toBe(130);
		expect(sh.pending()).not.toMatch(/9/);
	});

	it('leaves the output of nested commands to their caller', async () => {
		const sh = await shell();
		expect((await sh.run('sudo echo hi | wc -l')).out).toBe('1\n');
		expect((await sh.run("sh -c 'echo a; ls /nope' | wc -l")).out).toBe(`${err}1\n`);
		expect((await sh.run('X=$(sudo echo inner); echo "[$X]"')).out).toBe('[inner]\n');
		expect((await sh.run("env A=1 sh -c 'echo $A' > /tmp/a; cat /tmp/a")).out).toBe('1\n');
	});

	it('respects the redirections of compounds, functions and |&', async () => {
		const sh = await shell();
		expect((await sh.run('{ ls /nope; echo in; } 2>/dev/null')).out).toBe('in\n');
		expect((await sh.run('for i in 1; do ls /nope; done > /tmp/o 2>&1; cat /tmp/o')).out).toBe(err);
		await sh.run('f() { ls /nope; echo f; }');
		expect((await sh.run('f 2>/dev/null')).out).toBe('f\n');
		expect((await sh.run('ls /nope |& wc -l')).out).toBe('1\n');
		expect((await sh.run('set -o noclobber; echo still')).out).toBe('still\n');
	});

	it('shows what is written to /dev/pts/0, even after rm -rf /dev', async () => {
		const sh = await shell();
		expect((await sh.run('echo direct > /dev/pts/0 | wc -l')).out).toBe('direct\n0\n');
		await sh.run('rm -rf /dev');
		expect((await sh.run('echo still here')).out).toBe('still here\n');
	});
});

describe('background jobs', () => {
	it('runs `&` concurrently and prints its output when it comes', async () => {
		const sh = await shell();
		expect(await sh.run('sleep 0.3 && echo late &')).toEqual({ out: '', code: 0 });
		expect((await sh.run('echo now')).out).toBe('now\n');
		expect(sh.session.runningJobs()).toHaveLength(1);
		await sh.session.jobs()[0].done;
		expect(sh.pending()).toBe('late\n');
		expect(sh.jobs).toEqual(['late\n']);
	});

	it('runs a job in a copy of the shell: its changes stay there', async () => {
		const sh = await shell();
		await sh.run('X=1');
		await sh.run('X=2 && echo "job sees $X" &');
		await sh.session.jobs()[0].done;
		expect(sh.pending()).toBe('job sees 2\n');
		expect((await sh.run('echo $X')).out).toBe('1\n');
	});

	it('splits `a & b` into a job and a foreground command', async () => {
		const sh = await shell();
		const r = await sh.run('sleep 0.1 & echo fg');
		expect(r.out).toBe('fg\n');
		expect(sh.session.runningJobs()).toHaveLength(1);
		await sh.session.stopJobs();
	});

	it('stops jobs through their signal', async () => {
		const sh = await shell();
		await sh.run('sleep 100 &');
		const t = Date.now();
		await sh.session.stopJobs();
		expect(Date.now() - t).toBeLessThan(1000);
		expect(sh.session.runningJobs()).toHaveLength(0);
	});

	it('prints job numbers like interactive bash when asked to', async () => {
		const sh = await shell({ interactive: true });
		expect((await sh.run('sleep 0.01 &')).out).toBe('[1] 4243\n');
		await sh.session.jobs()[0].done;
		await sleep(0);
		expect(sh.session.takeNotices()).toEqual(['[1]+  Done                    sleep 0.01']);
	});
});

describe('job control', () => {
	it('lists jobs, sets $!, and stops them with kill %N or kill PID', async () => {
		const sh = await shell();
		await sh.run('sleep 100 &');
		expect((await sh.run('echo $!')).out).toBe('4243\n');
		await sh.run('sleep 200 &');
		expect((await sh.run('jobs')).out).toBe(
			'[1]-  Running                 sleep 100 &\n[2]+  Running                 sleep 200 &\n'
		);
		expect((await sh.run('jobs -p')).out).toBe('4243\n4244\n');
		expect(await sh.run('kill %1')).toEqual({ out: '', code: 0 });
		expect((await sh.run('jobs')).out).toBe('[2]+  Running                 sleep 200 &\n');
		expect(await sh.run('kill 4244')).toEqual({ out: '', code: 0 });
		expect(sh.session.runningJobs()).toHaveLength(0);
		expect(await sh.run('kill %1')).toEqual({ out: 'bash: kill: %1: no such job\n', code: 1 });
		expect(await sh.run('kill 99')).toEqual({
			out: 'bash: kill: (99) - No such process\n',
			code: 1
		});
		expect((await sh.run('kill')).code).toBe(2);
	});

	it('waits for jobs, with their status', async () => {
		const sh = await shell();
		await sh.run('(sleep 0.05; exit 3) &');
		expect(await sh.run('wait %1')).toEqual({ out: '', code: 3 });
		await sh.run('sleep 0.05 && echo waited &');
		expect(await sh.run('wait')).toEqual({ out: 'waited\n', code: 0 });
	});

	it('brings a job to the foreground with fg, where Ctrl-C stops it', async () => {
		const sh = await shell();
		await sh.run('sleep 100 &');
		const ctl = new AbortController();
		setTimeout(() => ctl.abort(), 30);
		expect(await sh.run('fg', ctl.signal)).toEqual({ out: 'sleep 100\n', code: 130 });
		expect(sh.session.runningJobs()).toHaveLength(0);
		expect((await sh.run('fg')).code).toBe(1);
	});
});

describe('interrupting', () => {
	it('aborts a foreground sleep on the signal (Ctrl-C) with 130', async () => {
		const sh = await shell();
		const ctl = new AbortController();
		setTimeout(() => ctl.abort(), 30);
		const t = Date.now();
		const r = await sh.run('sleep 100', ctl.signal);
		expect(r.code).toBe(130);
		expect(Date.now() - t).toBeLessThan(1000);
		expect((await sh.run('echo after')).out).toBe('after\n');
	});
});

describe('tools that are not here', () => {
	it('explains kubectl instead of "command not found"', async () => {
		const sh = await shell();
		const r = await sh.run('kubectl get pods -A');
		expect(r.code).toBe(127);
		expect(r.out).toMatch(/^kubectl: there is no Kubernetes in this playground/);
		expect(
			(await sh.run('echo "Pods: $(kubectl get pods -A --no-headers 2>/dev/null | wc -l)"')).out
		).toBe('Pods: 0\n');
		expect((await sh.run('systemctl status etcd')).out).toMatch(/playground status/);
		expect(await sh.run('sudo apt-get install etcd-client -y')).toEqual({
			out: 'apt-get: etcdctl is already installed in this terminal.\n',
			code: 0
		});
		expect((await sh.run('etcd --name x')).out).toMatch(
			/^etcd: no cluster is attached to this terminal/
		);
	});

	it('runs what `kubectl exec ... --` and `podman exec ... bash -c` aim at the etcd container', async () => {
		const sh = await shell();
		await sh.run('export V=42');
		expect(
			(await sh.run('kubectl exec -it etcd-0 -n kube-system -- sh -c "echo in \\$V"')).out
		).toBe('in 42\n');
		expect(
			(
				await sh.run(
					"podman exec -it playground-control-plane bash -c '\n  export W=1\n  echo w=$W\n'"
				)
			).out
		).toBe('w=1\n');
		expect((await sh.run('kubectl exec -it etcd-0 -- echo direct')).out).toBe('direct\n');
		const enter = await sh.run('podman exec -it playground-control-plane bash');
		expect(enter.code).toBe(0);
		expect(enter.out).toMatch(/already in the etcd container/);
	});

	it('treats sudo as a no-op that keeps VAR=value and stdin', async () => {
		const sh = await shell();
		expect((await sh.run('sudo ETCDCTL_API=3 sh -c "echo \\$ETCDCTL_API"')).out).toBe('3\n');
		expect((await sh.run('echo piped | sudo -E cat')).out).toBe('piped\n');
		expect((await sh.run('sudo')).code).toBe(1);
	});
});
