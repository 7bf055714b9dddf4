import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../src/lib/scenario/runner';
import { kvDouble, testHostFactory, type TestHost } from './test-host';

async function run(text: string, quietMs = 60) {
	const hosts: TestHost[] = [];
	const transcript = await runScenario(text, testHostFactory(hosts), {
		quietMs,
		etcdctl: kvDouble()
	});
	return { transcript, host: hosts[0] };
}

describe('runScenario', () => {
	it('prints each command, its output and non-zero exits', async () => {
		const { transcript, host } = await run('# cluster: 5\nX=hello\necho $X\nls /nope\nfalse\n');
		expect(transcript).toBe(
			'$ X=hello\n$ echo $X\nhello\n$ ls /nope\nls: /nope: No such file or directory\n[exit 2]\n$ false\n[exit 1]\n'
		);
		expect(host.size).toBe(5);
		expect(host.closed).toBe(true);
	});

	it('echoes heredocs and multi-line commands as typed, and feeds heredocs as stdin', async () => {
		const { transcript } = await run(
			'cat <<EOF\none\n\ntwo\nEOF\nfor i in 1 2; do\n  echo $i\ndone\n'
		);
		expect(transcript).toBe(
			'$ cat <<EOF\none\n\ntwo\nEOF\none\n\ntwo\n$ for i in 1 2; do\n  echo $i\ndone\n1\n2\n'
		);
	});

	it('adds a newline to output that lacks one', async () => {
		const { transcript } = await run('printf abc\necho next\n');
		expect(transcript).toBe('$ printf abc\nabc\n$ echo next\nnext\n');
	});

	it('forwards playground commands to the host', async () => {
		const { transcript, host } = await run('playground kill etcd-2\nplayground bogus\n');
		expect(transcript).toBe(
			'$ playground kill etcd-2\nkilled etcd-2\n$ playground bogus\nplayground: unknown command "bogus"\n[exit 2]\n'
		);
		expect(host.calls).toEqual([['kill', 'etcd-2'], ['bogus']]);
	});

	it('shows background output after the command that caused it, foreground first', async () => {
		const { transcript } = await run(
			'etcdctl watch foo &\netcdctl put foo bar\netcdctl put other x\netcdctl put foo baz\n'
		);
		expect(transcript).toBe(
			'$ etcdctl watch foo &\n' +
				'$ etcdctl put foo bar\nOK\nPUT\nfoo\nbar\n' +
				'$ etcdctl put other x\nOK\n' +
				'$ etcdctl put foo baz\nOK\nPUT\nfoo\nbaz\n'
		);
	});

	it('gives late background output to the command running when it printed', async () => {
		const { transcript } = await run(
			'(sleep 0.5; echo late) &\necho quick\nsleep 1\necho last\n',
			30
		);
		expect(transcript).toBe(
			'$ (sleep 0.5; echo late) &\n$ echo quick\nquick\n$ sleep 1\nlate\n$ echo last\nlast\n'
		);
	});

	it('stops background jobs at the end and keeps what they printed', async () => {
		const { transcript } = await run('(echo started; sleep 100) &\n');
		expect(transcript).toBe('$ (echo started; sleep 100) &\nstarted\n');
	});

	it('interrupts a foreground command that never ends', async () => {
		const hosts: TestHost[] = [];
		const transcript = await runScenario('etcdctl watch foo\necho next\n', testHostFactory(hosts), {
			quietMs: 20,
			commandTimeoutMs: 100,
			etcdctl: kvDouble()
		});
		expect(transcript).toBe('$ etcdctl watch foo\n[exit 130]\n$ echo next\nnext\n');
	});

	it('closes the host when the run fails', async () => {
		const hosts: TestHost[] = [];
		const factory = testHostFactory(hosts);
		const failing = async (o: { size: number }) => {
			const h = await factory(o);
			h.waitForLeader = () => Promise.reject(new Error('no leader'));
			return h;
		};
		await expect(runScenario('echo', failing)).rejects.toThrow('no leader');
		expect(hosts[0].closed).toBe(true);
	});
});
