/**
 * The line being edited: text and cursor, changed by readline's editing commands. Pure: every
 * method mutates this small object only, so the terminal layer just redraws afterwards.
 */

/** A word for Ctrl-W is what lies between spaces (readline's unix-word-rubout). */
function wordStartBefore(text: string, pos: number): number {
	let i = pos;
	while (i > 0 && text[i - 1] === ' ') i--;
	while (i > 0 && text[i - 1] !== ' ') i--;
	return i;
}

/** Alt-B / Ctrl-Left stop at letters and digits (readline's backward-word). */
function wordLeft(text: string, pos: number): number {
	let i = pos;
	while (i > 0 && !/[\p{L}\p{N}]/u.test(text[i - 1])) i--;
	while (i > 0 && /[\p{L}\p{N}]/u.test(text[i - 1])) i--;
	return i;
}

function wordRight(text: string, pos: number): number {
	let i = pos;
	while (i < text.length && !/[\p{L}\p{N}]/u.test(text[i])) i++;
	while (i < text.length && /[\p{L}\p{N}]/u.test(text[i])) i++;
	return i;
}

export class LineBuffer {
	text = '';
	cursor = 0;
	/** What Ctrl-U/K/W cut last, for Ctrl-Y. */
	killed = '';

	set(text: string, cursor = text.length): void {
		this.text = text;
		this.cursor = Math.max(0, Math.min(cursor, text.length));
	}

	insert(s: string): void {
		this.text = this.text.slice(0, this.cursor) + s + this.text.slice(this.cursor);
		this.cursor += s.length;
	}

	backspace(): void {
		if (this.cursor === 0) return;
		this.text = this.text.slice(0, this.cursor - 1) + this.text.slice(this.cursor);
		this.cursor--;
	}

	deleteForward(): void {
		this.text = this.text.slice(0, this.cursor) + this.text.slice(this.cursor + 1);
	}

	left(): void {
		this.cursor = Math.max(0, this.cursor - 1);
	}

	right(): void {
		this.cursor = Math.min(this.text.length, this.cursor + 1);
	}

	home(): void {
		this.cursor = 0;
	}

	end(): void {
		this.cursor = this.text.length;
	}

	wordLeft(): void {
		this.cursor = wordLeft(this.text, this.cursor);
	}

	wordRight(): void {
		this.cursor = wordRight(this.text, this.cursor);
	}

	/** Ctrl-U: cut from the start of the line to the cursor. */
	killToStart(): void {
		this.killed = this.text.slice(0, this.cursor);
		this.text = this.text.slice(this.cursor);
		this.cursor = 0;
	}

	/** Ctrl-K: cut from the cursor to the end. */
	killToEnd(): void {
		this.killed = this.text.slice(this.cursor);
		this.text = this.text.slice(0, this.cursor);
	}

	/** Ctrl-W: cut the word before the cursor. */
	killWordBefore(): void {
		const start = wordStartBefore(this.text, this.cursor);
		this.killed = this.text.slice(start, this.cursor);
		this.text = this.text.slice(0, start) + this.text.slice(this.cursor);
		this.cursor = start;
	}

	/** Ctrl-Y: paste what was cut last. */
	yank(): void {
		this.insert(this.killed);
	}

	/** Ctrl-T: swap the two characters around the cursor. */
	transpose(): void {
		if (this.text.length < 2 || this.cursor === 0) return;
		const at = this.cursor === this.text.length ? this.cursor - 1 : this.cursor;
		const t = this.text;
		this.text = t.slice(0, at - 1) + t[at] + t[at - 1] + t.slice(at + 1);
		this.cursor = at + 1;
	}
}
