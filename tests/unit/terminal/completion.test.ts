/**
 * Tab completion from a small etcdctl spec (the same shape as src/lib/etcdctl/spec.ts), a key
 * list and member names, and the keys parser the terminal reads input with.
 */
import { describe, expect, it } from 'vitest';
import {
	complete,
	type CompletionSource,
	type SpecNode
} from '../../../src/lib/terminal/completion';
import { parseKeys } from '../../../src/lib/terminal/keys';

const root: SpecNode = {
	name: 'etcdctl',
	flags: [],
	children: [
		{
			name: 'get',
			flags: [
				{ name: 'prefix', type: 'bool' },
				{ name: 'rev', type: 'int64' }
			]
		},
		{ name: 'put', flags: [{ name: 'lease', type: 'string' }] },
		{
			name: 'member',
			flags: [],
			children: [
				{ name: 'list', flags: [] },
				{ name: 'add', flags: [] }
			]
		}
	]
};

const keys = [
	'/registry/pods/default/a',
	'/registry/pods/default/b',
	'/registry/services/x',
	'foo'
];

const source: CompletionSource = {
	commands: () => ['echo', 'etcdctl', 'export', 'playground'],
	etcdctl: async () => ({
		root,
		global: [
			{ name: 'endpoints', type: 'stringSlice' },
			{ name: 'write-out', short: 'w', type: 'string' }
		]
	}),
	keys: async (prefix) => keys.filter((k) => k.startsWith(prefix)),
	members: () => ['etcd-1', 'etcd-2', 'etcd-3']
};

const candidates = async (text: string) => (await complete(text, source)).candidates;

describe('tab completion', () => {
	it('completes command names', async () => {
		expect(await candidates('e')).toEqual(['echo', 'etcdctl', 'export']);
		expect(await candidates('sudo etc')).toEqual(['etcdctl']);
		expect(await candidates('echo a | et')).toEqual(['etcdctl']);
	});

	it('completes etcdctl subcommands and flags from the spec', async () => {
		expect(await candidates('etcdctl m')).toEqual(['member']);
		expect(await candidates('etcdctl member ')).toEqual(['add', 'list']);
		expect(await candidates('etcdctl get foo --p')).toEqual(['--prefix']);
		expect(await candidates('etcdctl --endpoints=etcd-1:2379 get --')).toEqual([
			'--endpoints',
			'--prefix',
			'--rev',
			'--write-out'
		]);
		expect(await candidates('etcdctl get foo -w ')).toContain('json');
		const eq = await complete('etcdctl get a --write-out=j', source);
		expect(eq.candidates).toEqual(['json']);
		expect(eq.start).toBe('etcdctl get a --write-out='.length);
	});

	it('completes keys one / segment at a time', async () => {
		expect(await candidates('etcdctl get /registry/')).toEqual([
			'/registry/pods/',
			'/registry/services/'
		]);
		expect(await candidates('etcdctl get /registry/pods/default/')).toEqual([
			'/registry/pods/default/a',
			'/registry/pods/default/b'
		]);
		expect(await candidates('etcdctl --endpoints=x:2379 put f')).toEqual(['foo']);
		expect(await candidates('etcdctl get foo f')).toEqual([]);
	});

	it('completes playground commands and member names', async () => {
		expect(await candidates('playground k')).toEqual(['kill']);
		expect(await candidates('playground kill etcd-')).toEqual(['etcd-1', 'etcd-2', 'etcd-3']);
	});
});

describe('keys', () => {
	it('reads arrows, control keys and bracketed paste', () => {
		expect(parseKeys('a\x1b[Db\x01\r')).toEqual([
			{ type: 'text', text: 'a' },
			{ type: 'key', name: 'left' },
			{ type: 'text', text: 'b' },
			{ type: 'key', name: 'ctrl-a' },
			{ type: 'key', name: 'enter' }
		]);
		expect(parseKeys('\x1b[200~x\ny\x1b[201~')).toEqual([
			{ type: 'text', text: 'x' },
			{ type: 'key', name: 'enter' },
			{ type: 'text', text: 'y' }
		]);
		expect(parseKeys('\x1bOH\x1b[4~\x1b[1;5C\x7f\t')).toEqual([
			{ type: 'key', name: 'home' },
			{ type: 'key', name: 'end' },
			{ type: 'key', name: 'word-right' },
			{ type: 'key', name: 'backspace' },
			{ type: 'key', name: 'tab' }
		]);
	});
});
