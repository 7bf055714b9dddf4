/** Light or dark: the learner's choice (kept), else the system's. */
export type ThemeMode = 'light' | 'dark';

const STORAGE_KEY = 'etcd-playground/theme';

export class Theme {
	mode = $state<ThemeMode>('dark');

	/** Reads the saved or system preference and applies it to the document. */
	init(): void {
		const saved = localStorage.getItem(STORAGE_KEY);
		this.mode =
			saved === 'light' || saved === 'dark'
				? saved
				: matchMedia('(prefers-color-scheme: light)').matches
					? 'light'
					: 'dark';
		this.apply();
	}

	toggle(): void {
		this.mode = this.mode === 'dark' ? 'light' : 'dark';
		localStorage.setItem(STORAGE_KEY, this.mode);
		this.apply();
	}

	private apply(): void {
		document.documentElement.dataset.theme = this.mode;
	}
}
