/**
 * etcdctl v3 for the playground terminal: `runEtcdctl(io)` runs one invocation against the
 * typed client and resolves to its exit status (it never throws). The command spec table is
 * exported for Tab completion.
 */
import { execute, type Handler } from './cli';
import * as auth from './commands/auth';
import { checkPerf } from './commands/check';
import * as conc from './commands/concurrency';
import * as ep from './commands/endpoint';
import * as kv from './commands/kv';
import * as lease from './commands/lease';
import * as maint from './commands/maintenance';
import * as member from './commands/member';
import * as misc from './commands/misc';
import { txn } from './commands/txn';
import { watch } from './commands/watch';
import { Exit, ExitError, SIGINT_STATUS } from './exit';
import type { EtcdctlIO } from './io';
import { GoPanic } from './printers/printer';

export type { EtcdctlIO, EtcdctlFS } from './io';
export { ROOT as ETCDCTL_SPEC, COMMANDS, GLOBAL_FLAGS, findCommand } from './spec';
export type { CommandSpec, FlagSpec, FlagType } from './spec';
export { ExitCode } from './exit';

const HANDLERS = new Map<string, Handler>([
	['get', kv.get],
	['put', kv.put],
	['del', kv.del],
	['txn', txn],
	['compaction', maint.compaction],
	['watch', watch],
	['lease grant', lease.grant],
	['lease revoke', lease.revoke],
	['lease timetolive', lease.timetolive],
	['lease list', lease.list],
	['lease keep-alive', lease.keepAlive],
	['member add', member.add],
	['member remove', member.remove],
	['member update', member.update],
	['member list', member.list],
	['member promote', member.promote],
	['endpoint health', ep.health],
	['endpoint status', ep.status],
	['endpoint hashkv', ep.hashkv],
	['defrag', maint.defrag],
	['alarm list', maint.alarmList],
	['alarm disarm', maint.alarmDisarm],
	['move-leader', maint.moveLeader],
	['version', maint.version],
	['snapshot save', misc.snapshotSave],
	['snapshot status', misc.snapshotStatus],
	['snapshot restore', misc.snapshotRestore],
	['make-mirror', misc.makeMirror],
	['migrate', misc.migrate],
	['lock', conc.lock],
	['elect', conc.elect],
	['auth enable', auth.authEnable],
	['auth disable', auth.authDisable],
	['user add', auth.userAdd],
	['user delete', auth.userDelete],
	['user get', auth.userGet],
	['user list', auth.userList],
	['user passwd', auth.userPasswd],
	['user grant-role', auth.userGrantRole],
	['user revoke-role', auth.userRevokeRole],
	['role add', auth.roleAdd],
	['role delete', auth.roleDelete],
	['role get', auth.roleGet],
	['role list', auth.roleList],
	['role grant-permission', auth.roleGrantPermission],
	['role revoke-permission', auth.roleRevokePermission],
	['check perf', checkPerf],
	['check datascale', misc.checkDatascale],
	['help', misc.help],
	['completion bash', misc.completion],
	['completion fish', misc.completion],
	['completion powershell', misc.completion],
	['completion zsh', misc.completion]
]);

/** Runs one etcdctl invocation; resolves to the exit status, never rejects. */
export async function runEtcdctl(io: EtcdctlIO): Promise<number> {
	const api = io.env.ETCDCTL_API;
	if (api !== undefined && api !== '' && api !== '3') {
		io.stderr(`unsupported API version ${api}\n`);
		return 1;
	}
	const env = { ...io.env };
	delete env.ETCDCTL_API;
	try {
		return await execute({ ...io, env }, HANDLERS);
	} catch (e) {
		if (e instanceof ExitError) {
			io.stderr(`Error: ${e.message}\n`);
			return e.code;
		}
		if (e instanceof Exit) return e.code;
		if (e instanceof GoPanic) {
			io.stderr(`panic: ${e.message}\n\ngoroutine 1 [running]:\nmain.main()\n\t/etcdctl/main.go\n`);
			return 2;
		}
		if (io.signal.aborted) return SIGINT_STATUS;
		io.stderr(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
		return 1;
	}
}
