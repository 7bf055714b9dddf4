/** Keys as a tree by `/`: /registry/pods/default/nginx reads as folders and a leaf. */
export interface TreeNode {
	/** The segment this node adds (`pods/`), or the whole key for keys without `/`. */
	label: string;
	/** The full key, when a key ends here. */
	key?: string;
	children: TreeNode[];
	/** How many keys live under this node (itself included). */
	count: number;
}

export function buildTree(keys: readonly string[]): TreeNode {
	const root: TreeNode = { label: '', children: [], count: 0 };
	// Children by label: thousands of keys in one folder made a linear search per key quadratic.
	const byLabel = new Map<TreeNode, Map<string, TreeNode>>();
	for (const key of [...keys].sort()) {
		// Split after each `/`, so `/registry/pods/a` -> `/`, `registry/`, `pods/`, `a`.
		const parts = key.match(/[^/]*\/|[^/]+$/g) ?? [key];
		let node = root;
		node.count++;
		for (let i = 0; i < parts.length; i++) {
			const last = i === parts.length - 1;
			// A node can be both a key and a folder (`/a/` as a key, and `/a/b`).
			let labels = byLabel.get(node);
			if (!labels) byLabel.set(node, (labels = new Map()));
			let child = labels.get(parts[i]);
			if (!child) {
				child = { label: parts[i], children: [], count: 0 };
				node.children.push(child);
				labels.set(parts[i], child);
			}
			child.count++;
			if (last) child.key = key;
			node = child;
		}
	}
	return collapse(root);
}

/** A folder with a single folder inside reads better as one (`/registry/` rather than `/` > `registry/`). */
function collapse(node: TreeNode): TreeNode {
	node.children = node.children.map(collapse);
	if (node.label && node.key === undefined && node.children.length === 1) {
		const only = node.children[0];
		if (only.key === undefined) {
			return { ...only, label: node.label + only.label };
		}
	}
	return node;
}
