/** The deterministic simulator: see raft-sim.ts for the Raft run and node.ts to plug in others. */
export { SimNetwork, type Envelope, type NetworkOptions, type Delivery } from './network';
export type { SimNode } from './node';
export { FAULT_KINDS, FaultScheduler, faultRates, type FaultKind, type FaultRates } from './faults';
export { RaftCheckers, chainHash, type Violation } from './checkers';
export { RaftSimNode, type RaftNodeOptions } from './raft-node';
export { Simulator, type Workload } from './simulator';
export { runSeed, DEFAULT_SIM_OPTIONS, type SimOptions, type SimResult } from './raft-sim';
