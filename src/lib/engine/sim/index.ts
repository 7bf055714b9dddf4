/**
 * The deterministic simulators: raft-sim.ts runs Raft alone, etcd-sim.ts whole etcd members;
 * node.ts says how to plug in others.
 */
export { SimNetwork, type Envelope, type NetworkOptions, type Delivery } from './network';
export type { SimNode } from './node';
export { FAULT_KINDS, FaultScheduler, faultRates, type FaultKind, type FaultRates } from './faults';
export { RaftCheckers, chainHash, type Violation } from './checkers';
export { RaftSimNode, type RaftNodeOptions } from './raft-node';
export { Simulator, type Workload } from './simulator';
export { runSeed, DEFAULT_SIM_OPTIONS, type SimOptions, type SimResult } from './raft-sim';
export {
	runEtcdSeed,
	DEFAULT_ETCD_SIM_OPTIONS,
	type EtcdSimOptions,
	type EtcdSimResult
} from './etcd-sim';
export { EtcdSimNode, SimDisk } from './etcd-node';
export { EtcdCheckers, type AckedWrite } from './etcd-checkers';
export { checkLinearizable, type HistoryOp, type KvOp, type KvOutput } from './linearizability';
