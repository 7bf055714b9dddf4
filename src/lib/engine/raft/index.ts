/** The Raft consensus core: see README.md in this folder for the design and the contract. */
export * from './types';
export * from './errors';
export { MemoryStorage, type Storage, type InitialState } from './storage';
export { RaftLog } from './log';
export { Inflights, Progress, ProgressTracker, type ProgressState } from './progress';
export { ReadOnly } from './read-only';
export { encodeConfChange, decodeConfChange } from './confchange';
export { Raft, type RaftConfig, type CampaignType } from './raft';
export { RawNode, type Status, type ProgressStatus, type BootstrapPeer } from './rawnode';
