/**
 * The wire format between tabs of one origin sharing a cluster (BroadcastChannel
 * `etcd-playground/<namespace>/tabs`). One tab, the owner, holds the Web Lock
 * `etcd-playground/<namespace>/owner` and runs the member workers; every other tab is a guest
 * that reaches them through the owner: calls go in, replies, watch events, the cluster's
 * configuration and the cluster view's message traces come out.
 */
import type { GrpcCode } from '../engine/api/errors';
import type { TracedMessage } from '../workers/member/protocol';

export function ownerLockName(namespace: string): string {
	return `etcd-playground/${namespace}/owner`;
}

export function tabChannelName(namespace: string): string {
	return `etcd-playground/${namespace}/tabs`;
}

/** A member's API (by member name) or the owner's cluster controls. */
export type CallTarget = { member: string } | 'manager';

export type WireError =
	| { kind: 'etcd'; code: GrpcCode; message: string }
	| { kind: 'error'; name: string; message: string };

export type TabMessage =
	/** A guest arrived (or lost track): the owner answers with `state`. */
	| { t: 'hello'; from: string }
	/** A guest is leaving: the owner cancels its watches. */
	| { t: 'bye'; from: string }
	/**
	 * `watch` calls carry `{ sub, attempt }` in place of the callback; events come back under
	 * them (a watch created again after a take-over is a new attempt of the same sub).
	 */
	| { t: 'call'; id: number; from: string; target: CallTarget; method: string; args: unknown[] }
	| { t: 'reply'; id: number; to: string; ok: true; value: unknown }
	| { t: 'reply'; id: number; to: string; ok: false; error: WireError }
	| { t: 'event'; to: string; sub: number; attempt: number; value: unknown }
	/**
	 * The owner's cluster configuration and which members run, after every change; `owner`
	 * names the owner tab (guests re-create their watches when it changes).
	 */
	| { t: 'state'; owner: string; config: unknown; running: string[] }
	| { t: 'trace'; member: string; batch: TracedMessage[] }
	/** The owner wiped the cluster (Reset): every tab starts again from nothing. */
	| { t: 'wiped' };
