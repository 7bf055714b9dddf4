/**
 * Lesson progress, kept in the browser (localStorage) so it survives reloads and works offline:
 * for each lesson, the steps the learner has completed.
 */
export interface ProgressStore {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
}

export const PROGRESS_KEY = 'etcd-playground/lesson-progress';

export type Progress = Record<string, number[]>;

export function loadProgress(store: ProgressStore | null): Progress {
	try {
		const raw = store?.getItem(PROGRESS_KEY);
		if (!raw) return {};
		const parsed = JSON.parse(raw) as unknown;
		if (!parsed || typeof parsed !== 'object') return {};
		const out: Progress = {};
		for (const [id, steps] of Object.entries(parsed as Record<string, unknown>)) {
			if (Array.isArray(steps)) out[id] = steps.filter((n): n is number => Number.isInteger(n));
		}
		return out;
	} catch {
		return {};
	}
}

export function saveProgress(store: ProgressStore | null, progress: Progress): void {
	try {
		store?.setItem(PROGRESS_KEY, JSON.stringify(progress));
	} catch {
		// Storage full or denied: progress lasts for this visit only.
	}
}
