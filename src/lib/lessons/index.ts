/** The lessons, in the order a learner meets them. */
import { backupLesson } from './backup';
import { brainLesson } from './brain';
import { countersLesson } from './counters';
import { leasesLesson } from './leases';
import { locksLesson } from './locks';
import { mvccLesson } from './mvcc';
import { raftLesson } from './raft';
import { securityLesson } from './security';
import type { Lesson } from './types';
import { txnLesson } from './txn';
import { watchLesson } from './watch';

export type { Lesson, LessonStep, VerifyContext } from './types';

export const LESSONS: readonly Lesson[] = [
	brainLesson,
	countersLesson,
	mvccLesson,
	watchLesson,
	txnLesson,
	leasesLesson,
	raftLesson,
	backupLesson,
	securityLesson,
	locksLesson
];

export function findLesson(id: string): Lesson | null {
	return LESSONS.find((l) => l.id === id) ?? null;
}
