/**
 * A ClusterHost (src/lib/scenario/host.ts) over the page's Web Worker cluster, so the scenario
 * runner can replay a share link in the browser: each replay gets its own namespace (its own
 * workers, channels and IndexedDB databases), and closing it wipes them.
 */
import { runPlayground, withReset } from '../playground/control';
import type { ClusterHostFactory } from '../scenario/host';
import { ClusterManager } from './cluster-manager';
import { ownerLockName } from './tab-protocol';
import { hasWebLocks } from './web-locks';

export function workerClusterHost(namespace: string): ClusterHostFactory {
	return async (opts) => {
		const open = () => ClusterManager.open({ namespace, size: opts.size, preset: opts.preset });
		let m = await open();
		// `playground reset`: wipe this replay's cluster and open it fresh in the same namespace.
		const reset = async () => {
			await m.wipe();
			m.close();
			// The lock is let go a moment after close; wait for it so the new cluster owns itself.
			if (hasWebLocks()) await navigator.locks.request(ownerLockName(namespace), () => undefined);
			m = await open();
			await m.waitForLeader(15_000);
		};
		return {
			clients: { connect: (o) => m.clients.connect(o) },
			files: m.files,
			members: () => m.names(),
			control: (args, out, io) => runPlayground(withReset(m, reset), args, out, io),
			waitForLeader: async (timeoutMs) => {
				await m.waitForLeader(timeoutMs);
			},
			close: async () => {
				await m.wipe();
				m.close();
			}
		};
	};
}
