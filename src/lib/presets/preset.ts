/**
 * A preset is a named starting state for a fresh cluster: what it holds, what clients must
 * present to reach it, and the files every terminal starts with. A scenario picks one with a
 * `# preset: NAME` line (src/lib/scenario/parser.ts); hosts apply it when they create a cluster.
 */
import type { EtcdClient } from '../client/types';
import type { TlsRequirement } from './tls';

export interface Preset {
	name: string;
	/** One line for people choosing a preset. */
	title: string;
	/** Files (path -> text) every terminal's file system starts with. */
	files: Readonly<Record<string, string>>;
	/** Client TLS the members demand, if any. */
	tls?: TlsRequirement;
	/** Writes the starting data through an ordinary client, once, on a new cluster. */
	seed(client: EtcdClient): Promise<void>;
}
