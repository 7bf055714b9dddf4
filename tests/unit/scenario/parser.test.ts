import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/lib/scenario/parser';
import { ShellSession } from '../../../src/lib/shell/session';

describe('parseScenario', () => {
	it('reads the cluster size, skips comments and blank lines', () => {
		const s = parseScenario(
			'# a comment\n# cluster: 5\n\netcdctl put a 1\n  # indented comment\necho hi\n'
		);
		expect(s.clusterSize).toBe(5);
		expect(s.steps.map((x) => x.text)).toEqual(['etcdctl put a 1', 'echo hi']);
	});

	it('defaults to 3 members', () => {
		expect(parseScenario('echo').clusterSize).toBe(3);
	});

	it('takes heredoc bodies and the terminator into the step', () => {
		const s = parseScenario(
			'etcdctl txn <<EOF\nvalue("a") = "1"\n\nput a 2\nEOF\necho after\ncat <<-END\n\tx\n\tEND\n'
		);
		expect(s.steps[0].echo).toEqual([
			'etcdctl txn <<EOF',
			'value("a") = "1"',
			'',
			'put a 2',
			'EOF'
		]);
		expect(s.steps[0].text).toBe('etcdctl txn <<EOF\nvalue("a") = "1"\n\nput a 2\nEOF');
		expect(s.steps[1].text).toBe('echo after');
		expect(s.steps[2].echo).toEqual(['cat <<-END', '\tx', '\tEND']);
	});

	it('marks trailing & as background, not && or >&', () => {
		const s = parseScenario('etcdctl watch foo &\ntrue &&\necho x 2>&1\necho "a" & \n');
		expect(s.steps.map((x) => x.background)).toEqual([true, false, false, true]);
	});

	it('joins \\ continuations', () => {
		const s = parseScenario(
			'etcdctl --endpoints=https://127.0.0.1:2379 \\\n  get / --prefix --keys-only\necho next'
		);
		expect(s.steps[0].echo).toEqual([
			'etcdctl --endpoints=https://127.0.0.1:2379 \\',
			'  get / --prefix --keys-only'
		]);
		expect(s.steps).toHaveLength(2);
	});

	it('joins loops and open quotes with the shell parser', async () => {
		const sh = await ShellSession.create({ write: () => {} });
		const src = "for t in a b; do\n  echo $t\ndone\necho '\nmulti'\necho end";
		const s = parseScenario(src, (t) => sh.isComplete(t));
		expect(s.steps.map((x) => x.echo.length)).toEqual([3, 2, 1]);
	});

	it('ends a step at the end of the file even when incomplete', () => {
		const s = parseScenario('echo "open\nstill', () => false);
		expect(s.steps).toEqual([
			{ echo: ['echo "open', 'still'], text: 'echo "open\nstill', background: false }
		]);
	});
});
