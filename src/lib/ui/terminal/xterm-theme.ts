/** Terminal colours for the two page themes (a calm palette that reads well on both). */
import type { ITheme } from '@xterm/xterm';

export const XTERM_THEMES: Record<'light' | 'dark', ITheme> = {
	dark: {
		background: '#0b1220',
		foreground: '#d7e0ea',
		cursor: '#7dd3fc',
		cursorAccent: '#0b1220',
		selectionBackground: '#2b4a6b',
		black: '#1e293b',
		red: '#f87171',
		green: '#4ade80',
		yellow: '#facc15',
		blue: '#60a5fa',
		magenta: '#c084fc',
		cyan: '#22d3ee',
		white: '#e2e8f0',
		brightBlack: '#8b9bb0',
		brightRed: '#fca5a5',
		brightGreen: '#86efac',
		brightYellow: '#fde047',
		brightBlue: '#93c5fd',
		brightMagenta: '#d8b4fe',
		brightCyan: '#67e8f9',
		brightWhite: '#f8fafc'
	},
	light: {
		background: '#fbfcfe',
		foreground: '#1f2937',
		cursor: '#0369a1',
		cursorAccent: '#fbfcfe',
		selectionBackground: '#bfdbfe',
		black: '#1f2937',
		red: '#b91c1c',
		green: '#166534',
		yellow: '#a16207',
		blue: '#1d4ed8',
		magenta: '#7e22ce',
		cyan: '#0e7490',
		white: '#e5e7eb',
		brightBlack: '#6b7280',
		brightRed: '#dc2626',
		brightGreen: '#15803d',
		brightYellow: '#ca8a04',
		brightBlue: '#1d4ed8',
		brightMagenta: '#9333ea',
		brightCyan: '#0891b2',
		brightWhite: '#111827'
	}
};
