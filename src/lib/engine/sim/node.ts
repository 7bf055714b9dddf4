/**
 * What the simulator needs from a node. The Raft-only wrapper (raft-node.ts) implements it
 * today; a whole etcd member (MVCC + Raft) can implement the same five methods and run under
 * the same network, clock and faults.
 *
 * Time is driven from outside: `tick()` every tick interval, `receive()` for each delivered
 * message, and `poll(now)` after each of those so the node can finish (or start) its durable
 * writes and hand back the messages it may now send.
 */
import type { Envelope } from './network';

export interface SimNode<M extends Envelope> {
	readonly id: bigint;
	/** False while crashed (or after it left the cluster for good). */
	readonly alive: boolean;
	tick(): void;
	receive(msg: M): void;
	/** The sender learns whether a message it sent arrived (for transports that report it). */
	delivered(msg: M, ok: boolean): void;
	/** Does due work at time `now`; returns messages to send. */
	poll(now: number): M[];
	/** Stops the node; writes not yet durable are lost. */
	crash(): void;
	/** Starts the node again from its durable state. */
	restart(): void;
}
