/**
 * Go's text/tabwriter as etcdctl's help uses it (minwidth 0, tabwidth 8, padding 1, padchar
 * '\t'): cells are tab-terminated, a column block is a run of consecutive lines that have a
 * cell in that column, and each cell is padded with tabs to the block's widest cell + 1,
 * rounded up to a multiple of 8. The last cell of a line is not part of any column.
 */

const TABWIDTH = 8;
const PADDING = 1;
const MINWIDTH = 0;

interface Cell {
	text: string;
	width: number;
}

function runeWidth(s: string): number {
	return [...s].length;
}

export function tabwrite(text: string): string {
	const rawLines = text.split('\n');
	const trailingNewline = rawLines[rawLines.length - 1] === '';
	if (trailingNewline) rawLines.pop();
	const lines: Cell[][] = rawLines.map((l) =>
		l.split('\t').map((t) => ({ text: t, width: runeWidth(t) }))
	);
	const widths: number[] = [];
	let out = '';

	const writeLines = (line0: number, line1: number): void => {
		for (let i = line0; i < line1; i++) {
			const line = lines[i];
			for (let j = 0; j < line.length; j++) {
				const c = line[j];
				out += c.text;
				if (j < widths.length && j < line.length - 1) {
					const cellw = Math.ceil(widths[j] / TABWIDTH) * TABWIDTH;
					const n = cellw - c.width;
					out += '\t'.repeat(Math.ceil(n / TABWIDTH));
				}
			}
			if (i < lines.length - 1 || trailingNewline) out += '\n';
		}
	};

	const format = (line0: number, line1: number): void => {
		const column = widths.length;
		for (let t = line0; t < line1; t++) {
			if (column >= lines[t].length - 1) continue;
			writeLines(line0, t);
			line0 = t;
			let width = MINWIDTH;
			for (; t < line1; t++) {
				const line = lines[t];
				if (column >= line.length - 1) break;
				const w = line[column].width + PADDING;
				if (w > width) width = w;
			}
			widths.push(width);
			format(line0, t);
			widths.pop();
			line0 = t;
			// `t` now points at the first line after the block; the for-increment must not skip it.
			t--;
		}
		writeLines(line0, line1);
	};

	format(0, lines.length);
	return out;
}
