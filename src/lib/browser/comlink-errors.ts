/**
 * Errors across the worker boundary. Comlink sends a thrown Error as its message alone; etcd's
 * errors also carry a gRPC code that etcdctl turns into exit codes, so EtcdError (and the
 * client's ClientError) are rebuilt on the other side with their class and code.
 */
import * as Comlink from 'comlink';
import { EtcdError, type GrpcCode } from '../engine/api/errors';

export type ErrorWire =
	| { kind: 'etcd'; code: GrpcCode; message: string }
	| { kind: 'error'; name: string; message: string; stack?: string }
	| { kind: 'value'; value: unknown };

/** A thrown value as it crosses to another thread (see errorFromWire). */
export function errorToWire(v: unknown): ErrorWire {
	if (v instanceof EtcdError) return { kind: 'etcd', code: v.code, message: v.message };
	if (v instanceof Error)
		return { kind: 'error', name: v.name, message: v.message, stack: v.stack };
	return { kind: 'value', value: v };
}

/** The thrown value rebuilt on the other side: an EtcdError keeps its class and code. */
export function errorFromWire(w: ErrorWire): unknown {
	if (w.kind === 'etcd') return new EtcdError(w.code, w.message);
	if (w.kind === 'error') {
		const e = new Error(w.message);
		e.name = w.name;
		if (w.stack) e.stack = w.stack;
		return e;
	}
	return w.value;
}

let installed = false;

export function installErrorTransfer(): void {
	if (installed) return;
	installed = true;
	const base = Comlink.transferHandlers.get('throw');
	if (!base) return;
	Comlink.transferHandlers.set('throw', {
		canHandle: base.canHandle,
		serialize(value: unknown) {
			return [errorToWire((value as { value: unknown }).value), []];
		},
		deserialize(wire: unknown) {
			throw errorFromWire(wire as ErrorWire);
		}
	});
}
