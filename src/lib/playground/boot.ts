/**
 * The cluster's first start as other page work can wait for it: the service worker's precache
 * (every file of the build, several MB) is downloaded only once the members are up, so it does
 * not compete with their start for the network, the CPU and IndexedDB's disk.
 */
let started: () => void = () => undefined;

/** Resolves once the cluster has started (a leader, or a failure), or after `maxMs`. */
export function clusterStarted(maxMs: number): Promise<void> {
	return Promise.race([startedOnce, new Promise<void>((r) => setTimeout(r, maxMs))]);
}

const startedOnce = new Promise<void>((r) => (started = r));

/** Called by the page when its cluster is ready or failed to start. */
export function markClusterStarted(): void {
	started();
}
