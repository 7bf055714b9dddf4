/**
 * Sharing on the page: making a link of the session's scenario, exporting and importing it as a
 * file, and replaying a scenario someone sent (from a link or a file) into a fresh cluster in
 * its own namespace, leaving the learner's cluster alone. The scenario and every message are
 * plain text; components show them with text interpolation only.
 */
import { loadEtcdctl } from '../terminal/terminals.svelte';

// The link codec and the scenario checks load on first use: most visits never share.
const linkCodec = () => import('../../share/link');

export type Incoming =
	| { state: 'none' }
	| { state: 'invalid'; message: string }
	| { state: 'ready'; scenario: string; source: 'link' | 'file' }
	| { state: 'running'; scenario: string; progress: string }
	| { state: 'done'; scenario: string; transcript: string }
	| { state: 'failed'; scenario: string; message: string };

/** Largest scenario file accepted for import, as for links. */
const MAX_IMPORT_BYTES = 64 * 1024;

export function download(name: string, text: string): void {
	const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
	const a = document.createElement('a');
	a.href = url;
	a.download = name;
	a.click();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function stamp(): string {
	return new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
}

export class ShareState {
	incoming = $state.raw<Incoming>({ state: 'none' });
	/** The last link made with Share. */
	link = $state('');
	linkError = $state('');

	/** Reads a share fragment (location.hash); anything that is not one is left alone. */
	async openFragment(hash: string): Promise<void> {
		if (!/^#?v\d/.test(hash)) return;
		const { decodeScenarioLink, ShareLinkError } = await linkCodec();
		try {
			const scenario = await decodeScenarioLink(hash);
			this.incoming = { state: 'ready', scenario, source: 'link' };
		} catch (e) {
			this.incoming = {
				state: 'invalid',
				message: e instanceof ShareLinkError ? e.message : 'This link cannot be read.'
			};
		}
	}

	async makeLink(scenario: string, base: string): Promise<string> {
		this.linkError = '';
		try {
			const { encodeScenarioLink } = await linkCodec();
			this.link = `${base}#${await encodeScenarioLink(scenario)}`;
		} catch (e) {
			this.link = '';
			this.linkError = e instanceof Error ? e.message : String(e);
		}
		return this.link;
	}

	exportScenario(scenario: string): void {
		download(`etcd-scenario-${stamp()}.sh`, scenario);
	}

	async importFile(file: File): Promise<void> {
		if (file.size > MAX_IMPORT_BYTES) {
			this.incoming = {
				state: 'invalid',
				message: `This file is larger than ${MAX_IMPORT_BYTES / 1024} KiB, the most a scenario may be. Nothing was run.`
			};
			return;
		}
		let text: string;
		try {
			text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
		} catch {
			this.incoming = {
				state: 'invalid',
				message: 'This file is not a text scenario. Nothing was run.'
			};
			return;
		}
		const { validateScenarioText } = await import('../../share/validate');
		const problem = validateScenarioText(text);
		this.incoming = problem
			? { state: 'invalid', message: problem + ' Nothing was run.' }
			: { state: 'ready', scenario: text, source: 'file' };
	}

	/** Replays the incoming scenario into a fresh namespace; the transcript replaces the preview. */
	async replay(): Promise<void> {
		const current = this.incoming;
		if (current.state !== 'ready' && current.state !== 'done' && current.state !== 'failed') return;
		const scenario = current.scenario;
		this.incoming = { state: 'running', scenario, progress: 'Starting a fresh cluster…' };
		try {
			const [{ runScenario }, { workerClusterHost }] = await Promise.all([
				import('../../scenario/runner'),
				import('../../browser/scenario-host')
			]);
			const namespace = `replay-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
			const transcript = await runScenario(scenario, workerClusterHost(namespace), {
				loadEtcdctl,
				commandTimeoutMs: 30_000
			});
			this.incoming = { state: 'done', scenario, transcript };
		} catch (e) {
			this.incoming = {
				state: 'failed',
				scenario,
				message: e instanceof Error ? e.message : String(e)
			};
		}
	}

	downloadTranscript(): void {
		const c = this.incoming;
		if (c.state === 'done') download(`etcd-transcript-${stamp()}.txt`, c.transcript);
	}

	dismiss(): void {
		this.incoming = { state: 'none' };
	}
}
