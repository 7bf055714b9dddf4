/**
 * The service worker's life as the page sees it: registered once on the client; a new build
 * waits (registerType 'prompt') until the learner chooses to reload into it, so a running
 * cluster is never restarted under them.
 */
export class AppUpdate {
	/** A new version is installed and waiting. */
	needRefresh = $state(false);
	/** Everything is precached: the playground now opens with no network. */
	offlineReady = $state(false);
	private updateSW: ((reload?: boolean) => Promise<void>) | null = null;

	async register(): Promise<void> {
		if (!('serviceWorker' in navigator)) return;
		const { registerSW } = await import('virtual:pwa-register');
		this.updateSW = registerSW({
			immediate: true,
			onNeedRefresh: () => (this.needRefresh = true),
			onOfflineReady: () => {
				// A passing note, not something to dismiss.
				this.offlineReady = true;
				setTimeout(() => (this.offlineReady = false), 5000);
			}
		});
	}

	/** Activates the waiting version and reloads the page into it. */
	async apply(): Promise<void> {
		this.needRefresh = false;
		await this.updateSW?.(true);
	}

	dismiss(): void {
		this.needRefresh = false;
		this.offlineReady = false;
	}
}
