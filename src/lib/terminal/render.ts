/**
 * Drawing the prompt and the line being edited: the escape sequences that take the terminal
 * from "cursor somewhere in the previously drawn line" to "prompt, text, cursor in place",
 * wrapping at the terminal's width. Lines of a multi-line command (a recalled heredoc or loop)
 * continue after bash's `> ` prompt.
 */

export const CONTINUATION_PROMPT = '> ';

/** The width of text on screen: escape sequences take no room. */
export function visibleWidth(s: string): number {
	// eslint-disable-next-line no-control-regex
	return [...s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')].length;
}

/** Row and column of each position of `text` drawn after a prompt `promptWidth` wide. */
function positions(promptWidth: number, text: string, cols: number) {
	const at: { row: number; col: number }[] = [];
	let row = 0;
	let col = promptWidth;
	const wrap = () => {
		if (col >= cols) {
			row += Math.floor(col / cols);
			col %= cols;
		}
	};
	wrap();
	for (const ch of text) {
		at.push({ row, col });
		if (ch === '\n') {
			row++;
			col = CONTINUATION_PROMPT.length;
		} else {
			col++;
		}
		wrap();
	}
	at.push({ row, col });
	return at;
}

export interface Drawn {
	/** What to write to the terminal. */
	output: string;
	/** Rows between the prompt's first row and the cursor, needed for the next redraw. */
	cursorRow: number;
}

/**
 * Redraws prompt + text with the cursor at `cursor` (an index into text), starting from a
 * cursor that is `fromRow` rows below the start of the previous drawing.
 */
export function draw(
	prompt: string,
	text: string,
	cursor: number,
	cols: number,
	fromRow: number
): Drawn {
	const width = Math.max(1, cols);
	let out = fromRow > 0 ? `\x1b[${fromRow}A` : '';
	out += '\r\x1b[J' + prompt + text.replace(/\n/g, `\r\n${CONTINUATION_PROMPT}`);
	const at = positions(visibleWidth(prompt), text, width);
	const end = at[at.length - 1];
	// After writing exactly to the last column the terminal waits to wrap; make it real.
	const wrote = text.length > 0 ? !text.endsWith('\n') : visibleWidth(prompt) > 0;
	if (end.col === 0 && end.row > 0 && wrote) out += '\r\n';
	const target = at[Math.max(0, Math.min(cursor, text.length))];
	if (end.row > target.row) out += `\x1b[${end.row - target.row}A`;
	out += '\r';
	if (target.col > 0) out += `\x1b[${target.col}C`;
	return { output: out, cursorRow: target.row };
}

/** Where the drawing of prompt + text ends (row below its first row, column). */
export function endOf(prompt: string, text: string, cols: number): { row: number; col: number } {
	const at = positions(visibleWidth(prompt), text, Math.max(1, cols));
	return at[at.length - 1];
}
