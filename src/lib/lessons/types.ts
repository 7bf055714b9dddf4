/**
 * Lessons are data: each step explains an idea, offers one command to paste into a terminal, and
 * checks that the learner really ran it by looking at what it left behind in the cluster (a key,
 * a lease, a member's state), never at what the terminal printed.
 */
import type { EtcdClient } from '../client/types';
import type { KeyValue } from '../engine/api/types';
import type { MemberState } from '../playground/control';

export interface VerifyContext {
	/** A client that may read and write the lesson's cluster (presenting certificates if needed). */
	client: EtcdClient;
	/**
	 * The key as the most up-to-date running member has applied it (a serializable read from
	 * each member), so checks work while the cluster is partitioned or has lost its leader.
	 */
	read(key: string): Promise<KeyValue | null>;
	/** Members and their raft state, as `playground status` shows them. */
	status(): Promise<MemberState[]>;
	/** A file of the learner's terminal (null when absent). */
	readFile(path: string): Uint8Array | null;
	/** A variable of the learner's first terminal, as `$NAME` would expand it. */
	variable(name: string): string | undefined;
}

/** null when the step is done; otherwise a hint at what is still missing. */
export type Verify = (ctx: VerifyContext) => Promise<string | null>;

export interface LessonStep {
	title: string;
	/** Paragraphs of plain text (rendered as text, never as HTML). */
	explain: string[];
	/** Exactly what the paste button types (may span lines). */
	command: string;
	/**
	 * Which terminal to paste into: 1 (default) or another one, for commands that keep running
	 * (a watch, a held lock) while the learner goes on in the first.
	 */
	terminal?: number;
	verify: Verify;
}

export interface Lesson {
	id: string;
	title: string;
	summary: string;
	/** The cluster the lesson starts from. */
	clusterSize: number;
	preset?: 'kubernetes';
	steps: LessonStep[];
}
