/**
 * The lesson panel's state: which lesson and step the learner is on, pasting a step's command
 * into its terminal, and checking the step against the cluster every couple of seconds until it
 * passes. Progress is saved in localStorage.
 */
import { LESSONS, type Lesson } from '../../lessons';
import { openVerifyContext, type OpenVerifyContext, type VerifyHost } from '../../lessons/context';
import { loadProgress, saveProgress, type Progress, type ProgressStore } from './progress';

const CHECK_MS = 2000;

export interface LessonHost {
	/** The cluster to check against, once it runs. */
	verifyHost(): Promise<VerifyHost | null>;
	/** Types `command` into terminal `n` (1 = the first) and runs it. */
	paste(command: string, terminal: number): Promise<void>;
	/** The preset the page's cluster was created from, if any. */
	preset(): string | undefined;
}

export class LessonState {
	readonly lessons = LESSONS;
	lessonId = $state<string | null>(null);
	stepIndex = $state(0);
	progress = $state<Progress>({});
	/** The current step's last check: null = passed, text = what is missing. */
	hint = $state<string | null>(null);
	checking = $state(false);
	private readonly host: LessonHost;
	private readonly store: ProgressStore | null;
	private timer: ReturnType<typeof setInterval> | undefined;
	private ctx: OpenVerifyContext | null = null;
	private inFlight = false;

	constructor(host: LessonHost, store: ProgressStore | null) {
		this.host = host;
		this.store = store;
		this.progress = loadProgress(store);
	}

	get lesson(): Lesson | null {
		return this.lessons.find((l) => l.id === this.lessonId) ?? null;
	}

	isDone(lessonId: string, step: number): boolean {
		return this.progress[lessonId]?.includes(step) ?? false;
	}

	completed(lesson: Lesson): number {
		return lesson.steps.filter((_, i) => this.isDone(lesson.id, i)).length;
	}

	/** Whether the page's cluster suits the lesson (a preset lesson needs that preset). */
	fits(lesson: Lesson): boolean {
		return (lesson.preset ?? undefined) === this.host.preset();
	}

	start(id: string): void {
		this.lessonId = id;
		const lesson = this.lesson;
		if (!lesson) return;
		const next = lesson.steps.findIndex((_, i) => !this.isDone(id, i));
		this.stepIndex = next < 0 ? 0 : next;
		this.hint = null;
		this.startChecking();
	}

	leave(): void {
		this.lessonId = null;
		this.stopChecking();
	}

	go(step: number): void {
		this.stepIndex = step;
		this.hint = null;
	}

	async paste(): Promise<void> {
		const step = this.lesson?.steps[this.stepIndex];
		if (step) await this.host.paste(step.command, step.terminal ?? 1);
	}

	resetProgress(lessonId: string): void {
		const { [lessonId]: _dropped, ...rest } = this.progress;
		void _dropped;
		this.progress = rest;
		saveProgress(this.store, this.progress);
	}

	private startChecking(): void {
		this.stopChecking();
		this.timer = setInterval(() => void this.check(), CHECK_MS);
		void this.check();
	}

	private stopChecking(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
		this.ctx?.close();
		this.ctx = null;
	}

	/** Checks the current step once; marks it done and moves on when it passes. */
	async check(): Promise<void> {
		const lesson = this.lesson;
		if (!lesson || this.inFlight || !this.fits(lesson)) return;
		if (this.isDone(lesson.id, this.stepIndex)) return;
		this.inFlight = true;
		this.checking = true;
		try {
			if (!this.ctx) {
				const host = await this.host.verifyHost();
				if (!host) return;
				this.ctx = await openVerifyContext(host);
			}
			const step = this.stepIndex;
			const hint = await lesson.steps[step].verify(this.ctx);
			if (this.lessonId !== lesson.id || this.stepIndex !== step) return;
			this.hint = hint;
			if (hint === null) {
				const done = (this.progress[lesson.id] ?? []).filter((n) => n !== step).concat(step);
				this.progress = { ...this.progress, [lesson.id]: done.sort((a, b) => a - b) };
				saveProgress(this.store, this.progress);
				if (step + 1 < lesson.steps.length) this.stepIndex = step + 1;
			}
		} catch (e) {
			this.hint = `Could not check yet: ${e instanceof Error ? e.message : String(e)}`;
		} finally {
			this.inFlight = false;
			this.checking = false;
		}
	}

	destroy(): void {
		this.stopChecking();
	}
}
