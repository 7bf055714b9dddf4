/**
 * Monaco, loaded on first use (never before the first prompt): the editor with JSON (language
 * service in its own worker: highlighting, validation, formatting) and YAML (highlighting here,
 * validation by parsing with `yaml`). Vite bundles the workers through `?worker` imports.
 */
import type * as Monaco from 'monaco-editor';

export type MonacoApi = typeof Monaco;

let loading: Promise<MonacoApi> | null = null;

export function loadMonaco(): Promise<MonacoApi> {
	loading ??= (async () => {
		const [monaco, { default: EditorWorker }, { default: JsonWorker }] = await Promise.all([
			import('monaco-editor'),
			import('monaco-editor/editor/editor.worker.js?worker'),
			import('monaco-editor/language/json/json.worker.js?worker')
		]);
		(self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
			getWorker: (_id: string, label: string) =>
				label === 'json' ? new JsonWorker() : new EditorWorker()
		};
		return monaco;
	})();
	return loading;
}

export type ValueLanguage = 'json' | 'yaml' | 'plaintext';

/** A guess from the value itself: JSON if it parses, YAML if it looks like a mapping. */
export function guessLanguage(value: string): ValueLanguage {
	const t = value.trim();
	if (/^[[{]/.test(t)) {
		try {
			JSON.parse(t);
			return 'json';
		} catch {
			return 'json';
		}
	}
	if (/^[\w"'-][^\n]*:\s/m.test(t) && t.includes('\n')) return 'yaml';
	return 'plaintext';
}

/** YAML problems as Monaco markers (empty when the text parses). */
export async function yamlProblems(
	text: string
): Promise<{ message: string; line: number; col: number }[]> {
	const { parseAllDocuments } = await import('yaml');
	const out: { message: string; line: number; col: number }[] = [];
	for (const doc of parseAllDocuments(text)) {
		for (const e of doc.errors) {
			const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
			out.push({ message: e.message.split('\n')[0], line: pos.line, col: pos.col });
		}
	}
	return out;
}
