/**
 * The terminal's line discipline driven as a learner types, read back from a small VT screen:
 * the prompt, editing keys, history (and its persistence), Ctrl-R, continuation lines, Ctrl-C,
 * Ctrl-L, job output above the prompt, wrapping, and commands run by the cluster view's buttons.
 */
import { describe, expect, it } from 'vitest';
import { TerminalController, type ShellPort } from '../../../src/lib/terminal/controller';
import { History, storageHistory } from '../../../src/lib/terminal/history';
import { TestScreen } from './screen';

const tick = () => new Promise((r) => setTimeout(r, 0));

class FakeShell implements ShellPort {
	cwd = '/root';
	exited = false;
	ran: string[] = [];
	interrupted = 0;
	private release: (() => void) | null = null;
	constructor(private readonly term: () => TerminalController) {}
	isComplete(text: string): boolean {
		return !text.endsWith('\\');
	}
	async run(text: string): Promise<number> {
		this.ran.push(text);
		if (text.startsWith('echo ')) this.term().write(text.slice(5) + '\n');
		if (text === 'watch') {
			await new Promise<void>((r) => (this.release = r));
			return 130;
		}
		if (text === 'ask') {
			const answer = await this.term().readLine('Password: ');
			this.term().write(`got ${answer}\n`);
		}
		return 0;
	}
	interrupt(): void {
		this.interrupted++;
		this.release?.();
	}
	takeNotices(): string[] {
		return [];
	}
}

function memoryStorage() {
	const data = new Map<string, string>();
	return {
		getItem: (k: string) => data.get(k) ?? null,
		setItem: (k: string, v: string) => void data.set(k, v)
	};
}

function setup(width = 80, storage = memoryStorage()) {
	const screen = new TestScreen(width);
	const commands: string[] = [];
	const ref: { term?: TerminalController } = {};
	const shell = new FakeShell(() => ref.term!);
	const term = new TerminalController({
		screen,
		shell: async () => shell,
		history: new History(storageHistory(storage)),
		host: 'etcd-2',
		onCommand: (t) => commands.push(t)
	});
	ref.term = term;
	term.start();
	return { screen, shell, term, commands, storage };
}

async function type(term: TerminalController, data: string) {
	term.input(data);
	for (let i = 0; i < 5; i++) await tick();
}

describe('terminal line discipline', () => {
	it('shows the host prompt and runs a typed line', async () => {
		const { screen, shell, term, commands } = setup();
		expect(screen.text()).toEqual(['root@etcd-2:~#']);
		await type(term, 'echo hello\r');
		expect(shell.ran).toEqual(['echo hello']);
		expect(commands).toEqual(['echo hello']);
		expect(screen.text()).toEqual(['root@etcd-2:~# echo hello', 'hello', 'root@etcd-2:~#']);
	});

	it('edits with arrows, Home/End and Ctrl-A/E/U/K/W/Y', async () => {
		const { screen, term } = setup();
		await type(term, 'etcdctl put foo bar');
		await type(term, '\x1b[D\x1b[D\x1b[D\x0b'); // left x3, Ctrl-K
		expect(term.text).toBe('etcdctl put foo ');
		await type(term, '\x01X\x05Y'); // Ctrl-A, X, Ctrl-E, Y
		expect(term.text).toBe('Xetcdctl put foo Y');
		await type(term, '\x1b[H\x1b[3~\x1b[F\x7f'); // Home, Delete, End, Backspace
		expect(term.text).toBe('etcdctl put foo ');
		await type(term, '\x17'); // Ctrl-W
		expect(term.text).toBe('etcdctl put ');
		await type(term, '\x15'); // Ctrl-U
		expect(term.text).toBe('');
		await type(term, '\x19'); // Ctrl-Y
		expect(term.text).toBe('etcdctl put ');
		expect(screen.text()).toEqual(['root@etcd-2:~# etcdctl put']);
		expect(screen.col).toBe('root@etcd-2:~# etcdctl put '.length);
	});

	it('walks history with Up/Down and keeps it across reloads', async () => {
		const { term, storage } = setup();
		await type(term, 'echo one\r');
		await type(term, 'echo two\r');
		await type(term, 'draft');
		await type(term, '\x1b[A');
		expect(term.text).toBe('echo two');
		await type(term, '\x1b[A\x1b[A');
		expect(term.text).toBe('echo one');
		await type(term, '\x1b[B\x1b[B');
		expect(term.text).toBe('draft');
		const again = setup(80, storage);
		await type(again.term, '\x1b[A');
		expect(again.term.text).toBe('echo two');
	});

	it('finds older lines with Ctrl-R', async () => {
		const { screen, term, shell } = setup();
		await type(term, 'echo put a\r');
		await type(term, 'echo get a\r');
		await type(term, 'echo put b\r');
		await type(term, '\x12put');
		expect(term.text).toBe('echo put b');
		expect(screen.text().at(-1)).toBe("(reverse-i-search)`put': echo put b");
		await type(term, '\x12');
		expect(term.text).toBe('echo put a');
		await type(term, '\r');
		expect(shell.ran.at(-1)).toBe('echo put a');
	});

	it('prompts > for a continued line and runs the whole command', async () => {
		const { screen, term, shell } = setup();
		await type(term, 'echo a \\\r');
		expect(screen.text().at(-1)).toBe('>');
		await type(term, 'b\r');
		expect(shell.ran).toEqual(['echo a \\\nb']);
	});

	it('Ctrl-C abandons the line, or stops the running command', async () => {
		const { screen, term, shell } = setup();
		await type(term, 'half typed\x03');
		expect(screen.text()).toEqual(['root@etcd-2:~# half typed^C', 'root@etcd-2:~#']);
		await type(term, 'watch\r');
		expect(term.busy).toBe(true);
		await type(term, '\x03');
		expect(shell.interrupted).toBe(1);
		expect(term.busy).toBe(false);
		expect(screen.text().slice(-3)).toEqual(['root@etcd-2:~# watch', '^C', 'root@etcd-2:~#']);
	});

	it('Ctrl-L clears the screen and keeps the line', async () => {
		const { screen, term } = setup();
		await type(term, 'echo x\r');
		await type(term, 'etcdctl\x0c');
		expect(screen.text()).toEqual(['root@etcd-2:~# etcdctl']);
	});

	it('draws background output above the line being typed', async () => {
		const { screen, term } = setup();
		await type(term, 'etcdctl get');
		term.write('PUT\nfoo\nbar\n');
		expect(screen.text()).toEqual(['PUT', 'foo', 'bar', 'root@etcd-2:~# etcdctl get']);
		expect(term.text).toBe('etcdctl get');
	});

	it('wraps long lines and moves the cursor across rows', async () => {
		const { screen, term } = setup(20);
		await type(term, 'abcdefghijklmnop');
		expect(screen.text()).toEqual(['root@etcd-2:~# abcde', 'fghijklmnop']);
		await type(term, '\x01');
		expect([screen.row, screen.col]).toEqual([0, 15]);
		await type(term, 'Z');
		expect(screen.text()).toEqual(['root@etcd-2:~# Zabcd', 'efghijklmnop']);
		expect([screen.row, screen.col]).toEqual([0, 16]);
	});

	it('reads a line for a running command (etcdctl prompts)', async () => {
		const { screen, term } = setup();
		await type(term, 'ask\r');
		await type(term, 'secret\r');
		expect(screen.text().slice(-3)).toEqual(['Password: secret', 'got secret', 'root@etcd-2:~#']);
	});

	it('runs commands from the cluster view as if typed, keeping the draft', async () => {
		const { screen, term, shell, commands } = setup();
		await type(term, 'etcdctl get fo');
		const status = await term.execute('echo playground kill etcd-1');
		expect(status).toBe(0);
		expect(shell.ran).toEqual(['echo playground kill etcd-1']);
		expect(commands).toEqual(['echo playground kill etcd-1']);
		expect(term.text).toBe('etcdctl get fo');
		expect(screen.text()).toEqual([
			'root@etcd-2:~# echo playground kill etcd-1',
			'playground kill etcd-1',
			'root@etcd-2:~# etcdctl get fo'
		]);
	});

	it('treats pasted line breaks as Enter', async () => {
		const { term, shell } = setup();
		await type(term, '\x1b[200~echo 1\necho 2\n\x1b[201~');
		expect(shell.ran).toEqual(['echo 1', 'echo 2']);
	});
});
