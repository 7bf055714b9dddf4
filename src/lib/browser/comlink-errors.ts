/**
 * Errors across the worker boundary. Comlink sends a thrown Error as its message alone; etcd's
 * errors also carry a gRPC code that etcdctl turns into exit codes, so EtcdError (and the
 * client's ClientError) are rebuilt on the other side with their class and code.
 */
import * as Comlink from 'comlink';
import { EtcdError, type GrpcCode } from '../engine/api/errors';

type Wire =
	| { kind: 'etcd'; code: GrpcCode; message: string }
	| { kind: 'error'; name: string; message: string; stack?: string }
	| { kind: 'value'; value: unknown };

let installed = false;

export function installErrorTransfer(): void {
	if (installed) return;
	installed = true;
	const base = Comlink.transferHandlers.get('throw');
	if (!base) return;
	Comlink.transferHandlers.set('throw', {
		canHandle: base.canHandle,
		serialize(value: unknown) {
			const v = (value as { value: unknown }).value;
			let wire: Wire;
			if (v instanceof EtcdError) wire = { kind: 'etcd', code: v.code, message: v.message };
			else if (v instanceof Error)
				wire = { kind: 'error', name: v.name, message: v.message, stack: v.stack };
			else wire = { kind: 'value', value: v };
			return [wire, []];
		},
		deserialize(wire: unknown) {
			const w = wire as Wire;
			if (w.kind === 'etcd') throw new EtcdError(w.code, w.message);
			if (w.kind === 'error') {
				const e = new Error(w.message);
				e.name = w.name;
				if (w.stack) e.stack = w.stack;
				throw e;
			}
			throw w.value;
		}
	});
}
