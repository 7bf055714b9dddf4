/** The key browser's tree: Kubernetes' /registry keys read as folders, single folders merged. */
import { describe, expect, it } from 'vitest';
import { buildTree, type TreeNode } from '../../../src/lib/ui/keys/tree';

function show(n: TreeNode, depth = 0): string[] {
	const self = n.label
		? [`${'  '.repeat(depth)}${n.label}${n.key !== undefined ? ' *' : ''} (${n.count})`]
		: [];
	return [...self, ...n.children.flatMap((c) => show(c, n.label ? depth + 1 : depth))];
}

describe('key tree', () => {
	it('groups keys by / and merges a folder whose only child is a folder', () => {
		const tree = buildTree([
			'/registry/pods/default/web',
			'/registry/pods/default/db',
			'/registry/services/default/api',
			'foo',
			'/a/',
			'/a/b'
		]);
		expect(show(tree)).toEqual(
			[
				'/',
				'  a/ * (2)',
				'    b * (1)',
				'  registry/ (3)',
				'    pods/default/ (2)',
				'      db * (1)',
				'      web * (1)',
				'    services/default/ (1)',
				'      api * (1)',
				'foo * (1)'
			].map((l) => l.replace(/^\/$/, '/ (5)'))
		);
	});
});
