/** Quotes one argument so that bash reads it back as exactly that word. */
export function shellQuote(arg: string): string {
	if (arg !== '' && /^[A-Za-z0-9_/.,:=@%+^-]+$/.test(arg)) return arg;
	return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
	return argv.map(shellQuote).join(' ');
}
