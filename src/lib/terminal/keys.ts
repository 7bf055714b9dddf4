/* eslint-disable no-control-regex -- terminal input is control characters */
/**
 * Bytes from the terminal (what xterm's onData hands over) -> key events. Escape sequences for
 * arrows, Home/End, Delete and word moves become named keys; control characters become `ctrl-x`;
 * a bracketed paste stays one text event (its newlines are Enter presses, as in bash).
 */

export type KeyName =
	| 'enter'
	| 'backspace'
	| 'delete'
	| 'tab'
	| 'left'
	| 'right'
	| 'up'
	| 'down'
	| 'home'
	| 'end'
	| 'word-left'
	| 'word-right'
	| 'escape'
	| `ctrl-${string}`;

export type KeyEvent = { type: 'text'; text: string } | { type: 'key'; name: KeyName };

const CSI: Record<string, KeyName> = {
	A: 'up',
	B: 'down',
	C: 'right',
	D: 'left',
	H: 'home',
	F: 'end',
	'1~': 'home',
	'7~': 'home',
	'4~': 'end',
	'8~': 'end',
	'3~': 'delete',
	'1;5C': 'word-right',
	'1;5D': 'word-left',
	'1;3C': 'word-right',
	'1;3D': 'word-left'
};

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

export function parseKeys(data: string): KeyEvent[] {
	const out: KeyEvent[] = [];
	let text = '';
	const flush = () => {
		if (text) out.push({ type: 'text', text });
		text = '';
	};
	const key = (name: KeyName) => {
		flush();
		out.push({ type: 'key', name });
	};
	for (let i = 0; i < data.length; i++) {
		const c = data[i];
		if (data.startsWith(PASTE_START, i)) {
			const end = data.indexOf(PASTE_END, i);
			const body = data.slice(i + PASTE_START.length, end < 0 ? data.length : end);
			// A pasted line break is Enter; the rest is typed text.
			for (const [j, part] of body.replace(/\r\n?/g, '\n').split('\n').entries()) {
				if (j > 0) key('enter');
				text += part.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
			}
			i = end < 0 ? data.length : end + PASTE_END.length - 1;
			continue;
		}
		if (c === '\x1b') {
			const m = /^\x1b(?:\[([0-9;]*[A-Za-z~])|O([A-DHF])|([bf])|(\x7f))/.exec(data.slice(i));
			if (!m) {
				key('escape');
				continue;
			}
			i += m[0].length - 1;
			if (m[3]) key(m[3] === 'b' ? 'word-left' : 'word-right');
			else if (m[4]) key('ctrl-w');
			else {
				const name = CSI[m[1] ?? m[2]];
				if (name) key(name);
			}
			continue;
		}
		if (c === '\r' || c === '\n') {
			key('enter');
			if (c === '\r' && data[i + 1] === '\n') i++;
		} else if (c === '\x7f' || c === '\b') key('backspace');
		else if (c === '\t') key('tab');
		else if (c < ' ') key(`ctrl-${String.fromCharCode(c.charCodeAt(0) + 96)}`);
		else text += c;
	}
	flush();
	return out;
}
