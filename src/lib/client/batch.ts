/**
 * Coalesced calls to a member worker over a MessagePort of their own. Under check perf the
 * page issues hundreds of puts a turn, and a comlink round trip each (its UUID, request map,
 * message event and structured clone per call) kept the page's main thread about as busy as
 * the leader. Here the calls to one member issued in the same turn of the event loop travel as
 * one message, and the worker answers them as they settle, again one message per turn; each
 * caller still gets its own result or error (etcd errors keep their class and gRPC code, as
 * through comlink), and a result's transferables (a range's packed buffers) are transferred.
 *
 * Wire: page → worker `[id, method, args][]`; worker → page `[id, 1, value] | [id, 0, error]`.
 */
import { errorFromWire, errorToWire, type ErrorWire } from '../browser/comlink-errors';

export type BatchCall = [id: number, method: string, args: unknown[]];
export type BatchReply =
	[id: number, ok: 1, value: unknown] | [id: number, ok: 0, error: ErrorWire];

/**
 * Runs `fn` in a later task (a message to itself): after every continuation the current turn
 * set off, so calls issued from different promise chains in that turn coalesce. A timer could
 * be clamped to 4 ms when set from a nested timer (the member's ticker).
 */
export function taskScheduler(): (fn: () => void) => void {
	const ch = new MessageChannel();
	const fns: (() => void)[] = [];
	ch.port1.onmessage = () => fns.shift()?.();
	// Node (tests): an idle port must not keep the process alive.
	(ch.port1 as unknown as { unref?: () => void }).unref?.();
	return (fn) => {
		fns.push(fn);
		ch.port2.postMessage(null);
	};
}

/** The page's end: `call` queues, and one message per turn carries the queue to the worker. */
export class BatchClient {
	private readonly port: MessagePort;
	private readonly later = taskScheduler();
	private queue: BatchCall[] = [];
	private readonly pending = new Map<
		number,
		{ resolve: (v: unknown) => void; reject: (e: unknown) => void }
	>();
	private nextId = 1;

	constructor(port: MessagePort) {
		this.port = port;
		port.onmessage = (e: MessageEvent<BatchReply[]>) => this.receive(e.data);
	}

	call(method: string, args: unknown[]): Promise<unknown> {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			this.queue.push([id, method, args]);
			if (this.queue.length === 1) this.later(this.flush);
		});
	}

	private readonly flush = () => {
		const calls = this.queue;
		this.queue = [];
		this.port.postMessage(calls);
	};

	private receive(replies: BatchReply[]): void {
		for (const r of replies) {
			const p = this.pending.get(r[0]);
			if (!p) continue;
			this.pending.delete(r[0]);
			if (r[1] === 1) p.resolve(r[2]);
			else p.reject(errorFromWire(r[2]));
		}
	}

	/** The worker is gone: calls in flight never settle (as through comlink); the client's deadline ends them. */
	close(): void {
		this.port.onmessage = null;
		this.port.close();
	}
}

export type BatchHandler = (...args: unknown[]) => unknown;

/**
 * The worker's end: runs each call with its handler and answers the calls that settled in a
 * turn in one message. `transferOf` names what of a method's result to transfer.
 */
export function serveBatch(
	port: MessagePort,
	handlers: Record<string, BatchHandler>,
	transferOf?: (method: string, value: unknown) => Transferable[]
): void {
	const later = taskScheduler();
	let replies: BatchReply[] = [];
	let transfer: Transferable[] = [];
	const flush = () => {
		const r = replies;
		const t = transfer;
		replies = [];
		transfer = [];
		port.postMessage(r, t);
	};
	const reply = (r: BatchReply, t?: Transferable[]) => {
		replies.push(r);
		if (t?.length) transfer.push(...t);
		if (replies.length === 1) later(flush);
	};
	port.onmessage = (e: MessageEvent<BatchCall[]>) => {
		for (const [id, method, args] of e.data) {
			const h = handlers[method];
			let p: unknown;
			try {
				if (!h) throw new Error(`unknown batched call ${method}`);
				p = h(...args);
			} catch (err) {
				reply([id, 0, errorToWire(err)]);
				continue;
			}
			Promise.resolve(p).then(
				(v) => reply([id, 1, v], transferOf?.(method, v)),
				(err: unknown) => reply([id, 0, errorToWire(err)])
			);
		}
	};
}
