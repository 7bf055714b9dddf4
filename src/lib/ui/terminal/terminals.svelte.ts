/**
 * The page's terminals: tabs (optionally split side by side), each a shell on one member's host.
 * A tab owns its line discipline (src/lib/terminal) and its shell; the xterm view attaches to it
 * when shown, so output that arrives before (or while hidden) is kept. Every command any
 * terminal runs, typed or sent by the cluster view, is appended to the session's scenario.
 */
import type { ShellSession } from '../../shell/session';
import type { CompletionSource, SpecNode } from '../../terminal/completion';
import { TerminalController, type Screen, type ShellPort } from '../../terminal/controller';
import { History, storageHistory } from '../../terminal/history';
import type { ClusterState } from '../cluster/cluster.svelte';
import type { Timeline } from '../timeline/timeline.svelte';

/** Commands the shell offers (just-bash's utilities and the playground's own), for Tab. */
const SHELL_COMMANDS = [
	'alias',
	'awk',
	'base64',
	'basename',
	'cat',
	'cd',
	'clear',
	'cut',
	'date',
	'diff',
	'dirname',
	'echo',
	'env',
	'etcd',
	'etcdctl',
	'exit',
	'export',
	'false',
	'fg',
	'find',
	'grep',
	'head',
	'history',
	'jobs',
	'jq',
	'kill',
	'kubectl',
	'ls',
	'mkdir',
	'playground',
	'printf',
	'pwd',
	'rm',
	'sed',
	'seq',
	'sleep',
	'sort',
	'source',
	'sudo',
	'tail',
	'tee',
	'touch',
	'tr',
	'true',
	'uniq',
	'unset',
	'wait',
	'wc',
	'xargs'
];

// etcdctl's spec table and entry point, when their modules exist (another engineer's work in
// progress): import.meta.glob yields nothing for a missing file instead of failing the build.
const specModules = import.meta.glob<{
	ROOT: SpecNode;
	GLOBAL_FLAGS: SpecNode['flags'];
}>('../../etcdctl/spec.ts');
const etcdctlModules = import.meta.glob<{ runEtcdctl: unknown }>('../../etcdctl/index.ts');

export function loadEtcdctl(): Promise<never> {
	const load = Object.values(etcdctlModules)[0];
	return (load ? load().then((m) => m.runEtcdctl) : Promise.resolve(null)) as Promise<never>;
}

function loadSpec() {
	const load = Object.values(specModules)[0];
	return load
		? load().then((m) => ({ root: m.ROOT, global: m.GLOBAL_FLAGS }))
		: Promise.resolve(null);
}

function prefixEnd(prefix: Uint8Array): Uint8Array {
	const end = prefix.slice();
	for (let i = end.length - 1; i >= 0; i--) {
		if (end[i] < 0xff) {
			end[i]++;
			return end.slice(0, i + 1);
		}
	}
	return new Uint8Array([0]);
}

export interface ScenarioLine {
	terminal: string;
	text: string;
	/** What the shell printed while it ran (and background output until the next command). */
	output: string;
	/** Its exit status; null while it runs. */
	status: number | null;
}

/** Colours and cursor moves out of terminal output, for the text transcript. */
function plain(text: string): string {
	// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
	return text.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r/g, '');
}

export class TerminalTab {
	readonly id: number;
	readonly host: string;
	busy = $state(false);
	readonly controller: TerminalController;
	/** The tab's shell once started (lessons check its files and variables). */
	session: ShellSession | null = null;
	private view: { write(s: string): void; cols: number } | null = null;
	private backlog: string[] = [];
	/** The scenario line the shell's output belongs to (the last command run here). */
	last: ScenarioLine | null = null;

	constructor(id: number, host: string, tabs: TerminalTabs) {
		this.id = id;
		this.host = host;
		const screen: Screen = {
			write: (s) => (this.view ? this.view.write(s) : void this.backlog.push(s)),
			cols: () => this.view?.cols ?? 80
		};
		const cluster = tabs.cluster;
		const clients = cluster.clientsOn(host);
		const completion: CompletionSource = {
			commands: () => SHELL_COMMANDS,
			etcdctl: loadSpec,
			members: () => cluster.members.map((m) => m.name),
			keys: async (prefix) => {
				const c = await clients.connect({
					endpoints: ['127.0.0.1:2379'],
					dialTimeoutMs: 1000,
					commandTimeoutMs: 1000
				});
				try {
					const key = new TextEncoder().encode(prefix);
					const r = await c.range({
						key: prefix ? key : new Uint8Array([0]),
						range_end: prefix ? prefixEnd(key) : new Uint8Array([0]),
						keys_only: true,
						limit: 500
					});
					return r.kvs.map((kv) => new TextDecoder().decode(kv.key));
				} finally {
					c.close();
				}
			}
		};
		this.controller = new TerminalController({
			screen,
			host,
			history: new History(
				typeof localStorage === 'undefined' ? null : storageHistory(localStorage)
			),
			completion,
			onCommand: (text) => (this.last = tabs.recordCommand(this, text)),
			onBusy: (b) => (this.busy = b),
			onExit: (status) => {
				if (this.last) this.last.status = status;
			},
			shell: async (): Promise<ShellPort> => {
				const [
					{ ShellSession },
					{ runPlayground, withReset },
					{ withTlsFiles },
					{ etcdctlFs },
					{ resetPlayground }
				] = await Promise.all([
					import('../../shell/session'),
					import('../../playground/control'),
					import('../../presets/tls'),
					import('../../shell/vfs'),
					import('../reset')
				]);
				// A preset's files (kubeadm's certificates) are in every terminal from the start.
				const files = await cluster.ready.then((m) => m.files).catch(() => ({}));
				const session = await ShellSession.create({
					write: (text) => {
						if (this.last) this.last.output += text;
						this.controller.write(text);
					},
					clients: withTlsFiles(clients, (path) => {
						const bytes = etcdctlFs(session.fs, session.cwd).readFile(path);
						return bytes === null ? null : new TextDecoder().decode(bytes);
					}),
					control: async (args, out, io) =>
						runPlayground(
							withReset(await cluster.ready, () => resetPlayground(tabs.resetHost())),
							args,
							out,
							{ ...io, readLine: (prompt) => this.controller.readLine(prompt) }
						),
					loadEtcdctl,
					readLine: (prompt) => this.controller.readLine(prompt),
					interactive: true,
					env: { HOSTNAME: host, ETCDCTL_API: '3' },
					files
				});
				this.session = session;
				return session;
			}
		});
	}

	get title(): string {
		return `root@${this.host}`;
	}

	/** The xterm view shows this tab: flush what was written meanwhile. */
	attach(view: { write(s: string): void; cols: number }): void {
		this.view = view;
		for (const s of this.backlog.splice(0)) view.write(s);
	}

	detach(): void {
		this.view = null;
	}
}

export class TerminalTabs {
	tabs = $state<TerminalTab[]>([]);
	activeId = $state(0);
	split = $state(false);
	/** Every command run, in order, with the terminal it ran in. */
	scenario = $state.raw<ScenarioLine[]>([]);
	readonly cluster: ClusterState;
	private readonly timeline: Timeline;
	private nextId = 1;

	constructor(cluster: ClusterState, timeline: Timeline) {
		this.cluster = cluster;
		this.timeline = timeline;
	}

	get active(): TerminalTab | undefined {
		return this.tabs.find((t) => t.id === this.activeId) ?? this.tabs[0];
	}

	/** The tabs on screen: the active one, and with split the next one too. */
	get visible(): TerminalTab[] {
		const active = this.active;
		if (!active) return [];
		if (!this.split || this.tabs.length < 2) return [active];
		const i = this.tabs.indexOf(active);
		const other = this.tabs[i + 1] ?? this.tabs[i - 1];
		return i + 1 < this.tabs.length ? [active, other] : [other, active];
	}

	open(host: string): TerminalTab {
		const tab = new TerminalTab(this.nextId++, host, this);
		this.tabs.push(tab);
		this.activeId = tab.id;
		tab.controller.start(
			`\x1b[90mLinux ${host} (etcd v3.5, in your browser). Try: etcdctl put foo bar; ` +
				`playground help\x1b[0m\n`
		);
		// The shell's utilities load once the page has settled (or on the first key).
		setTimeout(() => tab.controller.preload(), 1500);
		return tab;
	}

	close(tab: TerminalTab): void {
		if (this.tabs.length <= 1) return;
		const i = this.tabs.indexOf(tab);
		this.tabs.splice(i, 1);
		if (this.activeId === tab.id) this.activeId = (this.tabs[i] ?? this.tabs[i - 1]).id;
	}

	/** What `playground reset` wipes and reloads (src/lib/ui/reset.ts). */
	resetHost() {
		return {
			manager: this.cluster.ready,
			storage: typeof localStorage === 'undefined' ? null : localStorage,
			reload: () => location.reload()
		};
	}

	/** Runs a command in the active terminal, as if typed there (cluster view buttons). */
	run(text: string): Promise<number> {
		const tab = this.active ?? this.open('etcd-1');
		return tab.controller.execute(text);
	}

	recordCommand(tab: TerminalTab, text: string): ScenarioLine {
		const line: ScenarioLine = { terminal: tab.title, text, output: '', status: null };
		this.scenario = [...this.scenario, line];
		this.timeline.add('command', text.split('\n')[0], { member: tab.host });
		return line;
	}

	/** The session as a scenario file (the format of tests/conformance/*.sh). */
	scenarioText(): string {
		const size = this.cluster.members.length || 3;
		let last = '';
		const lines = [`# cluster: ${size}`];
		for (const l of this.scenario) {
			if (l.terminal !== last && this.tabs.length > 1) lines.push(`# ${l.terminal}`);
			last = l.terminal;
			lines.push(l.text);
		}
		return lines.join('\n') + '\n';
	}

	/**
	 * The session as a transcript (the format of src/lib/scenario/transcript.ts): each command
	 * after `$ `, what it printed, and `[exit N]` when its status was not 0.
	 */
	transcriptText(): string {
		let last = '';
		let out = '';
		for (const l of this.scenario) {
			if (l.terminal !== last && this.tabs.length > 1) out += `# ${l.terminal}\n`;
			last = l.terminal;
			const [first, ...rest] = l.text.split('\n');
			out += `$ ${first}\n` + rest.map((r) => r + '\n').join('');
			const text = plain(l.output);
			out += text === '' || text.endsWith('\n') ? text : text + '\n';
			if (l.status !== null && l.status !== 0) out += `[exit ${l.status}]\n`;
		}
		return out;
	}
}
