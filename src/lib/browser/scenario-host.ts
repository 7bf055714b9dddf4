/**
 * A ClusterHost (src/lib/scenario/host.ts) over the page's Web Worker cluster, so the scenario
 * runner can replay a share link in the browser: each replay gets its own namespace (its own
 * workers, channels and IndexedDB databases), and closing it wipes them.
 */
import { runPlayground } from '../playground/control';
import type { ClusterHostFactory } from '../scenario/host';
import { ClusterManager } from './cluster-manager';

export function workerClusterHost(namespace: string): ClusterHostFactory {
	return async (opts) => {
		const m = await ClusterManager.open({ namespace, size: opts.size, preset: opts.preset });
		return {
			clients: m.clients,
			files: m.files,
			members: () => m.names(),
			control: (args, out, io) => runPlayground(m, args, out, io),
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
