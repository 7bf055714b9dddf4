/**
 * One terminal's line discipline, as readline and bash give it: a prompt, line editing, history
 * (Up/Down, Ctrl-R), Tab completion, `> ` continuation lines, Ctrl-C, Ctrl-L, and output from
 * background jobs drawn above the line being typed. It sees the terminal only as a Screen (write
 * text, know the width) and the shell only as a ShellPort, so it runs the same in unit tests as
 * over xterm.js; the xterm adapter (src/lib/ui/terminal/XtermView.svelte) only forwards bytes.
 */
import { commonPrefix, complete, type CompletionSource } from './completion';
import type { History } from './history';
import { parseKeys, type KeyEvent } from './keys';
import { LineBuffer } from './line-buffer';
import { draw, endOf } from './render';

export interface Screen {
	write(text: string): void;
	cols(): number;
}

/** What the terminal needs of ShellSession (src/lib/shell/session.ts). */
export interface ShellPort {
	run(text: string): Promise<number>;
	interrupt(): void;
	isComplete(text: string): boolean;
	readonly cwd: string;
	readonly exited: boolean;
	takeNotices(): string[];
}

export interface TerminalOptions {
	screen: Screen;
	/** The shell, created on first use (its utilities are a lazily loaded chunk). */
	shell: () => Promise<ShellPort>;
	history: History;
	completion?: CompletionSource;
	/** The member host this terminal is on (`etcd-1`), shown in the prompt. */
	host: string;
	/** Called with every command the terminal runs (the session's scenario). */
	onCommand?: (text: string) => void;
	/** Called when a command starts and ends (busy indicator). */
	onBusy?: (busy: boolean) => void;
	/** Called with the exit status of every command onCommand announced (the transcript). */
	onExit?: (status: number) => void;
}

type Mode = 'edit' | 'search' | 'run' | 'read';

const GREEN = '\x1b[1;32m';
const BLUE = '\x1b[1;34m';
const RESET = '\x1b[0m';

export class TerminalController {
	private readonly opts: TerminalOptions;
	private readonly line = new LineBuffer();
	private mode: Mode = 'edit';
	private pending: string[] = [];
	private cursorRow = 0;
	private shellPromise: Promise<ShellPort> | null = null;
	private shell: ShellPort | null = null;
	private queue: KeyEvent[] = [];
	private pumping = false;
	private lastKeyWasTab = false;
	/** Whether the last output left the cursor at the start of a line. */
	private atLineStart = true;
	private search: { query: string; index: number; original: string; failed: boolean } | null = null;
	private reader: { prompt: string; resolve: (line: string | null) => void } | null = null;
	private idleWaiters: (() => void)[] = [];

	constructor(opts: TerminalOptions) {
		this.opts = opts;
	}

	/**
	 * Shows the first prompt. The shell (a large chunk) loads on the first key pressed, or when
	 * the page calls preload() once it is idle, so it never delays the prompt.
	 */
	start(banner = ''): void {
		if (banner) this.out(banner);
		this.redraw();
	}

	/** Starts loading the shell now. */
	preload(): void {
		void this.getShell().catch(() => undefined);
	}

	get busy(): boolean {
		return this.mode === 'run' || this.mode === 'read';
	}

	/** The prompt bash shows: `root@etcd-1:~# `, or `> ` while a command continues. */
	prompt(): string {
		if (this.mode === 'read' && this.reader) return this.reader.prompt;
		if (this.mode === 'search' && this.search) {
			const label = this.search.failed ? 'failed reverse-i-search' : 'reverse-i-search';
			return `(${label})\`${this.search.query}': `;
		}
		if (this.pending.length > 0) return '> ';
		const cwd = this.shell?.cwd ?? '/root';
		const dir = cwd === '/root' ? '~' : cwd.startsWith('/root/') ? `~${cwd.slice(5)}` : cwd;
		return `${GREEN}root@${this.opts.host}${RESET}:${BLUE}${dir}${RESET}# `;
	}

	/** The line as typed so far (for tests and the UI). */
	get text(): string {
		return this.line.text;
	}

	/** Bytes typed or pasted into the terminal. */
	input(data: string): void {
		this.preload();
		for (const ev of parseKeys(data)) {
			if (this.mode === 'run' && ev.type === 'key' && ev.name === 'ctrl-c') {
				this.interruptRun();
				continue;
			}
			this.queue.push(ev);
		}
		void this.pump();
	}

	/**
	 * Runs `text` as if typed at the prompt (the cluster view's buttons use this, so every
	 * control shows in the terminal, in history and in the scenario). Waits for the terminal to
	 * be idle; what the learner was typing is kept and redrawn afterwards.
	 */
	async execute(text: string): Promise<number> {
		if (this.mode === 'search') this.endSearch();
		while (this.mode !== 'edit' || this.pumping || this.queue.length > 0) {
			await new Promise<void>((r) => this.idleWaiters.push(r));
		}
		const draft = { text: this.line.text, cursor: this.line.cursor, pending: this.pending };
		this.pending = [];
		this.line.set(text);
		this.redraw();
		const started = await this.submit();
		const status = started ? await started.done : 0;
		if ((draft.text || draft.pending.length) && this.mode === 'edit' && !this.line.text) {
			this.pending = draft.pending;
			this.line.set(draft.text, draft.cursor);
			this.redraw();
		}
		return status;
	}

	/** Output from the shell (`\n` line ends). Drawn above the prompt if one is showing. */
	write(text: string): void {
		if (!text) return;
		const crlf = text.replace(/\r?\n/g, '\r\n');
		if (this.mode === 'edit' || this.mode === 'search') {
			this.clearDrawing();
			this.opts.screen.write(crlf.endsWith('\r\n') ? crlf : crlf + '\r\n');
			this.atLineStart = true;
			this.cursorRow = 0;
			this.redraw();
			return;
		}
		this.out(text);
	}

	/** etcdctl's interactive prompts (`Password: `) read one line through this. */
	readLine(prompt: string): Promise<string | null> {
		return new Promise((resolve) => {
			this.reader = { prompt, resolve };
			this.mode = 'read';
			this.line.set('');
			this.cursorRow = 0;
			this.redraw(false);
			void this.pump();
		});
	}

	/** Ctrl-L. */
	clearScreen(): void {
		this.opts.screen.write('\x1b[H\x1b[2J');
		this.cursorRow = 0;
		this.redraw();
	}

	/** After the terminal changed width: redraw the line where it now is. */
	resized(): void {
		if (this.mode === 'edit' || this.mode === 'search') this.redraw();
	}

	private out(text: string): void {
		if (!text) return;
		this.opts.screen.write(text.replace(/\r?\n/g, '\r\n'));
		this.atLineStart = text.endsWith('\n');
	}

	private getShell(): Promise<ShellPort> {
		this.shellPromise ??= this.opts.shell().then((s) => {
			this.shell = s;
			return s;
		});
		return this.shellPromise;
	}

	private interruptRun(): void {
		this.queue = [];
		this.out('^C');
		this.shell?.interrupt();
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.queue.length > 0 && this.mode !== 'run') {
				const ev = this.queue.shift()!;
				await this.handle(ev);
			}
		} finally {
			this.pumping = false;
		}
		if (this.mode === 'edit' && this.queue.length === 0) {
			for (const w of this.idleWaiters.splice(0)) w();
		}
	}

	private async handle(ev: KeyEvent): Promise<void> {
		const wasTab = this.lastKeyWasTab;
		this.lastKeyWasTab = ev.type === 'key' && ev.name === 'tab';
		if (this.mode === 'search') return this.handleSearch(ev);
		const l = this.line;
		if (ev.type === 'text') {
			l.insert(ev.text);
			return this.redraw();
		}
		switch (ev.name) {
			case 'enter':
				if (this.mode === 'read') return this.finishRead(this.line.text);
				await this.submit();
				return;
			case 'ctrl-c':
				if (this.mode === 'read') {
					this.finishRead(null, '^C');
					this.shell?.interrupt();
					return;
				}
				this.moveBelow();
				this.opts.screen.write('^C\r\n');
				this.pending = [];
				l.set('');
				this.opts.history.reset();
				return this.redraw();
			case 'ctrl-d':
				if (l.text === '' && this.mode === 'read') return this.finishRead(null);
				l.deleteForward();
				break;
			case 'ctrl-l':
				return this.clearScreen();
			case 'backspace':
				l.backspace();
				break;
			case 'delete':
				l.deleteForward();
				break;
			case 'left':
			case 'ctrl-b':
				l.left();
				break;
			case 'right':
			case 'ctrl-f':
				l.right();
				break;
			case 'home':
			case 'ctrl-a':
				l.home();
				break;
			case 'end':
			case 'ctrl-e':
				l.end();
				break;
			case 'word-left':
				l.wordLeft();
				break;
			case 'word-right':
				l.wordRight();
				break;
			case 'ctrl-u':
				l.killToStart();
				break;
			case 'ctrl-k':
				l.killToEnd();
				break;
			case 'ctrl-w':
				l.killWordBefore();
				break;
			case 'ctrl-y':
				l.yank();
				break;
			case 'ctrl-t':
				l.transpose();
				break;
			case 'up':
			case 'ctrl-p': {
				if (this.mode === 'read') return;
				const prev = this.opts.history.previous(l.text);
				if (prev !== null) l.set(prev);
				break;
			}
			case 'down':
			case 'ctrl-n': {
				if (this.mode === 'read') return;
				const next = this.opts.history.next();
				if (next !== null) l.set(next);
				break;
			}
			case 'ctrl-r':
				if (this.mode === 'read') return;
				this.search = {
					query: '',
					index: this.opts.history.entries.length,
					original: l.text,
					failed: false
				};
				this.mode = 'search';
				break;
			case 'tab':
				if (this.mode === 'read') return;
				return this.tab(wasTab);
			default:
				return;
		}
		this.redraw();
	}

	private handleSearch(ev: KeyEvent): Promise<void> | void {
		const s = this.search!;
		const find = (before: number) => {
			const hit = this.opts.history.search(s.query, before);
			s.failed = !hit && s.query !== '';
			if (hit) {
				s.index = hit.index;
				this.line.set(hit.line, hit.line.indexOf(s.query));
			}
		};
		if (ev.type === 'text') {
			s.query += ev.text;
			find(s.index + 1);
			return this.redraw();
		}
		switch (ev.name) {
			case 'ctrl-r':
				find(s.index);
				return this.redraw();
			case 'backspace':
				s.query = s.query.slice(0, -1);
				find(this.opts.history.entries.length);
				return this.redraw();
			case 'ctrl-c':
			case 'ctrl-g':
				this.line.set(s.original);
				this.endSearch();
				if (ev.name === 'ctrl-c') return this.handle(ev);
				return this.redraw();
			default:
				// Any other key accepts the match and acts on it (Enter runs it).
				this.endSearch();
				if (ev.name === 'escape') return this.redraw();
				return this.handle(ev);
		}
	}

	private endSearch(): void {
		this.search = null;
		this.mode = 'edit';
	}

	private async tab(again: boolean): Promise<void> {
		const source = this.opts.completion;
		if (!source) return;
		const before = this.line.text.slice(0, this.line.cursor);
		const after = this.line.text.slice(this.line.cursor);
		let c;
		try {
			c = await complete(before, source);
		} catch {
			return;
		}
		if (c.candidates.length === 0) return;
		const word = before.slice(c.start);
		if (c.candidates.length === 1) {
			const only = c.candidates[0];
			const suffix = /[/=]$/.test(only) ? '' : ' ';
			this.line.set(
				before.slice(0, c.start) + only + suffix + after,
				c.start + only.length + suffix.length
			);
			return this.redraw();
		}
		const prefix = commonPrefix(c.candidates);
		if (prefix.length > word.length) {
			this.line.set(before.slice(0, c.start) + prefix + after, c.start + prefix.length);
			return this.redraw();
		}
		if (!again) return;
		this.moveBelow();
		this.opts.screen.write('\r\n' + columns(c.candidates, this.opts.screen.cols()) + '\r\n');
		this.cursorRow = 0;
		this.redraw();
	}

	/**
	 * Enter: collects the line (prompting `> ` while the command is incomplete) or starts it.
	 * Resolves once the command has started; `done` resolves with its exit status.
	 */
	private async submit(): Promise<{ done: Promise<number> } | null> {
		this.moveBelow();
		this.opts.screen.write('\r\n');
		this.cursorRow = 0;
		this.atLineStart = true;
		const full = [...this.pending, this.line.text].join('\n');
		this.line.set('');
		let shell: ShellPort;
		try {
			shell = await this.getShell();
		} catch (e) {
			this.shellPromise = null;
			this.pending = [];
			this.out(`bash: the shell could not load: ${e instanceof Error ? e.message : String(e)}\n`);
			this.redraw();
			return { done: Promise.resolve(1) };
		}
		if (full.trim() !== '' && !shell.isComplete(full)) {
			this.pending = full.split('\n');
			this.redraw();
			return null;
		}
		this.pending = [];
		this.opts.history.add(full);
		if (full.trim() === '') {
			this.redraw();
			return { done: Promise.resolve(0) };
		}
		this.opts.onCommand?.(full);
		this.mode = 'run';
		this.opts.onBusy?.(true);
		return { done: this.run(shell, full) };
	}

	private async run(shell: ShellPort, full: string): Promise<number> {
		let status = 1;
		try {
			status = await shell.run(full);
		} catch (e) {
			this.out(`bash: ${e instanceof Error ? e.message : String(e)}\n`);
		} finally {
			this.mode = 'edit';
			this.reader = null;
			this.opts.onBusy?.(false);
		}
		this.opts.onExit?.(status);
		for (const n of shell.takeNotices()) this.out(`${n}\n`);
		if (shell.exited) {
			this.out('logout\n');
			this.shell = null;
			this.shellPromise = null;
			void this.getShell().catch(() => undefined);
		}
		this.redraw();
		void this.pump();
		return status;
	}

	private finishRead(value: string | null, echo = ''): void {
		const r = this.reader;
		this.moveBelow();
		this.opts.screen.write(echo + '\r\n');
		this.cursorRow = 0;
		this.atLineStart = true;
		this.reader = null;
		this.line.set('');
		this.mode = 'run';
		r?.resolve(value);
	}

	/** Moves the cursor to the end of what is drawn (before writing below it). */
	private moveBelow(): void {
		const end = endOf(this.prompt(), this.line.text, this.opts.screen.cols());
		if (end.row > this.cursorRow) this.opts.screen.write(`\x1b[${end.row - this.cursorRow}B`);
		this.opts.screen.write('\r' + (end.col > 0 ? `\x1b[${end.col}C` : ''));
		this.cursorRow = end.row;
	}

	/** Erases the prompt and line (to print job output in their place). */
	private clearDrawing(): void {
		if (this.cursorRow > 0) this.opts.screen.write(`\x1b[${this.cursorRow}A`);
		this.opts.screen.write('\r\x1b[J');
		this.cursorRow = 0;
	}

	private redraw(newlineFirst = true): void {
		if (this.mode === 'run') return;
		if (newlineFirst && !this.atLineStart) {
			this.opts.screen.write('\r\n');
			this.atLineStart = true;
			this.cursorRow = 0;
		}
		const d = draw(
			this.prompt(),
			this.line.text,
			this.line.cursor,
			this.opts.screen.cols(),
			this.cursorRow
		);
		this.opts.screen.write(d.output);
		this.cursorRow = d.cursorRow;
	}
}

/** Candidates in columns, as bash lists them on a second Tab. */
export function columns(items: readonly string[], cols: number): string {
	const width = Math.max(...items.map((i) => i.length)) + 2;
	const per = Math.max(1, Math.floor(cols / width));
	const rows = Math.ceil(items.length / per);
	const lines: string[] = [];
	for (let r = 0; r < rows; r++) {
		let line = '';
		for (let c = 0; c < per; c++) {
			const item = items[c * rows + r];
			if (item !== undefined) line += item.padEnd(width);
		}
		lines.push(line.trimEnd());
	}
	return lines.join('\r\n');
}
