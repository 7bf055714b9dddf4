/**
 * Which member an etcdctl endpoint reaches. Like a real host running etcd-1, 127.0.0.1 and
 * localhost reach etcd-1; etcd-N and 127.0.0.(10+N) reach member N (the addresses real etcd
 * uses in our conformance recordings), and any member's name reaches it. Only the client port
 * 2379 answers.
 */
export function memberForEndpoint(endpoint: string, localMember = 'etcd-1'): string | null {
	const m = /^(?:(?:https?|unixs?):\/\/)?([^/:]+|\[[^\]]+\])(?::(\d+))?\/?$/.exec(endpoint.trim());
	if (!m) return null;
	const host = m[1];
	const port = m[2] ?? '2379';
	if (port !== '2379') return null;
	if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]') return localMember;
	const named = /^etcd-(\d+)$/.exec(host);
	if (named) return `etcd-${named[1]}`;
	const ip = /^127\.0\.0\.(\d+)$/.exec(host);
	if (ip && Number(ip[1]) > 10) return `etcd-${Number(ip[1]) - 10}`;
	// Any other member's name works as its host name too (`default` after a restore with
	// etcdctl's defaults); the caller checks that a member has that name.
	if (/^[a-z][a-z0-9-]*$/i.test(host)) return host;
	return null;
}
