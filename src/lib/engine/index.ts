/**
 * The engine: etcd's server logic as pure TypeScript. Everything here runs unchanged in a
 * Web Worker, in Node tests and in the deterministic simulator. Time arrives as ticks,
 * randomness from an injected seeded source, and I/O through the interfaces declared here.
 */
export const ENGINE_NAME = 'etcd-playground-engine';
