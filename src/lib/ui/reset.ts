/**
 * `playground reset` on the page (and the cluster view's Reset button, which runs it): wipes
 * every member's disk, the terminal history and the lesson progress, then reloads into a fresh
 * cluster. The theme, a preference rather than data, stays.
 *
 * Every tab of the origin reloads too: they keep history in memory (and would save it again)
 * and show the old cluster. The members run in the owner tab, so a guest tab asks the owner to
 * reset and reloads when it hears that the reset is done.
 */
import type { ClusterManager } from '../browser/cluster-manager';
import { HISTORY_KEY } from '../terminal/history';
import { PROGRESS_KEY } from './lessons/progress';

const CHANNEL = 'etcd-playground/reset';
/** How long a guest waits for the owner tab to answer before wiping through its own link. */
const OWNER_ANSWER_MS = 15_000;

type Notice = { type: 'request' | 'done'; namespace: string };

export interface ResetHost {
	manager: Promise<ClusterManager>;
	storage: Pick<Storage, 'removeItem'> | null;
	reload: () => void;
}

function channel(): BroadcastChannel | null {
	return typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);
}

function forget(storage: ResetHost['storage']): void {
	for (const key of [HISTORY_KEY, PROGRESS_KEY]) {
		try {
			storage?.removeItem(key);
		} catch {
			// Storage denied: nothing was kept there either.
		}
	}
}

async function wipeAndReload(m: ClusterManager, host: ResetHost): Promise<void> {
	forget(host.storage);
	await m.wipe();
	// Again: a command another tab ran meanwhile may have saved its history.
	forget(host.storage);
	const bc = channel();
	bc?.postMessage({ type: 'done', namespace: m.namespace } satisfies Notice);
	bc?.close();
	host.reload();
}

export async function resetPlayground(host: ResetHost): Promise<void> {
	const m = await host.manager;
	const bc = m.role === 'guest' ? channel() : null;
	if (bc) {
		const answered = new Promise<boolean>((resolve) => {
			setTimeout(() => resolve(false), OWNER_ANSWER_MS);
			bc.onmessage = (e: MessageEvent<Notice>) => {
				if (e.data?.type === 'done' && e.data.namespace === m.namespace) resolve(true);
			};
		});
		bc.postMessage({ type: 'request', namespace: m.namespace } satisfies Notice);
		const done = await answered;
		bc.close();
		// listenForReset reloads this tab too; reload here in case it is not listening.
		if (done) return host.reload();
	}
	await wipeAndReload(m, host);
}

/** The page's side: the owner tab resets on a guest's request; every tab reloads after one. */
export function listenForReset(host: ResetHost): () => void {
	const bc = channel();
	if (!bc) return () => undefined;
	bc.onmessage = async (e: MessageEvent<Notice>) => {
		if (e.data?.type === 'done') return host.reload();
		if (e.data?.type !== 'request') return;
		const m = await host.manager.catch(() => null);
		if (m?.role === 'owner' && m.namespace === e.data.namespace) await wipeAndReload(m, host);
	};
	return () => bc.close();
}
