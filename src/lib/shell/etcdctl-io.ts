/**
 * etcdctl's entry point as the shell sees it: `runEtcdctl(io)` from src/lib/etcdctl. Types only,
 * so the shell module never pulls etcdctl (or its printers) into a bundle by itself; the session
 * takes the function (or a loader for it) as an option.
 */
import type { EtcdctlIO } from '../etcdctl/io';

export type { EtcdctlFS, EtcdctlIO } from '../etcdctl/io';

export type EtcdctlRunner = (io: EtcdctlIO) => Promise<number>;
