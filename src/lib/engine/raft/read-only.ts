/**
 * ReadIndex bookkeeping on the leader (etcd's ReadOnlySafe). A read request records the commit
 * index at arrival, then the leader broadcasts a heartbeat carrying the request's context; once
 * a quorum echoes that context back, the leader knows it was still leader at that moment and the
 * read may be served as soon as the state machine has applied the recorded index.
 *
 * Requests are queued in arrival order: a quorum ack for one request also confirms every request
 * queued before it.
 */
import { bytesKey } from '../util/bytes';
import type { Message, NodeId } from './types';

export interface ReadIndexStatus {
	req: Message;
	index: number;
	acks: Set<NodeId>;
}

export class ReadOnly {
	private pending = new Map<string, ReadIndexStatus>();
	private queue: string[] = [];

	/** `m.entries[0].data` is the request context that identifies it. */
	addRequest(index: number, m: Message): void {
		const ctx = bytesKey(m.entries[0].data);
		if (this.pending.has(ctx)) return;
		this.pending.set(ctx, { req: m, index, acks: new Set() });
		this.queue.push(ctx);
	}

	/** Records a heartbeat ack for the request; returns who has acked it so far. */
	recvAck(id: NodeId, context: Uint8Array): Set<NodeId> | undefined {
		const rs = this.pending.get(bytesKey(context));
		if (!rs) return undefined;
		rs.acks.add(id);
		return rs.acks;
	}

	/** Dequeues the request with `context` and every request before it. */
	advance(context: Uint8Array): ReadIndexStatus[] {
		const ctx = bytesKey(context);
		const i = this.queue.indexOf(ctx);
		if (i < 0) return [];
		const done = this.queue.splice(0, i + 1);
		const out: ReadIndexStatus[] = [];
		for (const c of done) {
			const rs = this.pending.get(c);
			if (!rs) throw new Error('cannot find corresponding read state from pending map');
			this.pending.delete(c);
			out.push(rs);
		}
		return out;
	}

	lastPendingRequestCtx(): Uint8Array | undefined {
		if (this.queue.length === 0) return undefined;
		return this.pending.get(this.queue[this.queue.length - 1])?.req.entries[0].data;
	}

	pendingCount(): number {
		return this.queue.length;
	}
}
