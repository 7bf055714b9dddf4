/** The playground's shared state, handed to components through one context key. */
import { getContext, setContext } from 'svelte';
import type { StorageUsage } from '../pwa/storage.svelte';
import type { ClusterState } from './cluster/cluster.svelte';
import type { KeyStore } from './keys/keys.svelte';
import type { TerminalTabs } from './terminal/terminals.svelte';
import type { Theme } from './theme.svelte';
import type { Timeline } from './timeline/timeline.svelte';

export interface Playground {
	cluster: ClusterState;
	terminals: TerminalTabs;
	timeline: Timeline;
	keys: KeyStore;
	theme: Theme;
}

const KEY = Symbol('playground');

export function setPlayground(p: Playground): Playground {
	return setContext(KEY, p);
}

export function getPlayground(): Playground {
	return getContext<Playground>(KEY);
}

const STORAGE = Symbol('storage-usage');

/** The browser storage the members' disks use (the layout measures it; the cluster view shows it). */
export function setStorageUsage(s: StorageUsage): StorageUsage {
	return setContext(STORAGE, s);
}

export function getStorageUsage(): StorageUsage | undefined {
	return getContext<StorageUsage | undefined>(STORAGE);
}
