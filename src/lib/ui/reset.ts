/**
 * `playground reset` on the page (and the cluster view's Reset button, which runs it): wipes
 * every member's disk, the terminal history and the lesson progress, then reloads into a fresh
 * cluster. The theme, a preference rather than data, stays.
 */
import type { ClusterManager } from '../browser/cluster-manager';
import { HISTORY_KEY } from '../terminal/history';
import { PROGRESS_KEY } from './lessons/progress';

export async function resetPlayground(
	manager: Promise<ClusterManager>,
	storage: Pick<Storage, 'removeItem'> | null,
	reload: () => void
): Promise<void> {
	await (await manager).wipe();
	for (const key of [HISTORY_KEY, PROGRESS_KEY]) {
		try {
			storage?.removeItem(key);
		} catch {
			// Storage denied: nothing was kept there either.
		}
	}
	reload();
}
