/**
 * The owner tab sends raft message traces to guest tabs only while there is one: under check
 * perf they are hundreds of batches a second, cloned into a BroadcastChannel for nobody.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TabHost } from '$lib/browser/tab-link';
import { tabChannelName, type TabMessage } from '$lib/browser/tab-protocol';
import type { TracedMessage } from '$lib/workers/member/protocol';

const NS = 'tab-link-test';
const open: { close(): void }[] = [];
afterEach(() => {
	for (const c of open.splice(0)) c.close();
});

/** Another tab's end of the channel: what it hears, and a way to speak. */
function otherTab() {
	const ch = new BroadcastChannel(tabChannelName(NS));
	open.push(ch);
	const heard: TabMessage[] = [];
	ch.onmessage = (ev: MessageEvent<TabMessage>) => heard.push(ev.data);
	return { heard, say: (m: TabMessage) => ch.postMessage(m) };
}

const settle = () => new Promise((r) => setTimeout(r, 30));
const traces = (heard: TabMessage[]) => heard.filter((m) => m.t === 'trace').length;

describe('TabHost traces', () => {
	it('posts traces only while a guest has made itself known', async () => {
		const host = new TabHost(NS, {
			member: () => null,
			manager: async () => null,
			state: () => ({ config: null, running: [] })
		});
		open.push(host);
		const tab = otherTab();
		const batch = [] as TracedMessage[];
		host.postTrace('etcd-1', batch);
		await settle();
		expect(traces(tab.heard)).toBe(0);

		tab.say({ t: 'hello', from: 'g1' });
		await settle();
		host.postTrace('etcd-1', batch);
		await settle();
		expect(traces(tab.heard)).toBe(1);

		tab.say({ t: 'bye', from: 'g1' });
		await settle();
		host.postTrace('etcd-1', batch);
		await settle();
		expect(traces(tab.heard)).toBe(1);

		// A guest that missed the hello (it came before this owner took over) shows by its calls.
		tab.say({ t: 'call', id: 1, from: 'g2', target: 'manager', method: 'info', args: [] });
		await settle();
		host.postTrace('etcd-1', batch);
		await settle();
		expect(traces(tab.heard)).toBe(2);
	});
});
