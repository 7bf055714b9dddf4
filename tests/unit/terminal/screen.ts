/* eslint-disable no-control-regex -- a terminal screen reads control characters */
/**
 * A small VT100 screen for tests: enough of what the line editor writes (printable text with
 * wrapping, CR, LF, cursor up/down/forward, erase below, clear screen, colours ignored) to check
 * what a learner would see, row by row.
 */
export class TestScreen {
	rows: string[][] = [[]];
	row = 0;
	col = 0;
	private pendingWrap = false;
	constructor(readonly width = 80) {}

	cols(): number {
		return this.width;
	}

	write(data: string): void {
		for (let i = 0; i < data.length; i++) {
			const c = data[i];
			if (c === '\x1b') {
				const m = /^\x1b\[([0-9;?]*)([A-Za-z])/.exec(data.slice(i));
				if (!m) continue;
				i += m[0].length - 1;
				const n = Number(m[1] || '1');
				this.csi(m[2], m[1], n);
				continue;
			}
			if (c === '\r') {
				this.col = 0;
				this.pendingWrap = false;
			} else if (c === '\n') {
				this.row++;
				this.pendingWrap = false;
			} else {
				if (this.pendingWrap) {
					this.row++;
					this.col = 0;
					this.pendingWrap = false;
				}
				this.line(this.row)[this.col] = c;
				if (this.col === this.width - 1) this.pendingWrap = true;
				else this.col++;
			}
		}
	}

	private line(r: number): string[] {
		while (this.rows.length <= r) this.rows.push([]);
		return this.rows[r];
	}

	private csi(op: string, raw: string, n: number): void {
		this.pendingWrap = false;
		if (op === 'A') this.row = Math.max(0, this.row - n);
		else if (op === 'B') this.row += n;
		else if (op === 'C') this.col = Math.min(this.width - 1, this.col + n);
		else if (op === 'D') this.col = Math.max(0, this.col - n);
		else if (op === 'H') {
			this.row = 0;
			this.col = 0;
		} else if (op === 'J') {
			if (raw === '2') this.rows = [[]];
			else {
				this.line(this.row).length = this.col;
				this.rows.length = this.row + 1;
			}
		}
	}

	/** The screen's text, one string per row, trailing blanks and empty last rows dropped. */
	text(): string[] {
		const lines = this.rows.map((r) =>
			Array.from(r, (c) => c ?? ' ')
				.join('')
				.trimEnd()
		);
		while (lines.length > 1 && lines.at(-1) === '') lines.pop();
		return lines;
	}
}
