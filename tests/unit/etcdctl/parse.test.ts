/** cobra/pflag behaviour and the Go formatting helpers, against facts seen in the recordings. */
import { describe, expect, it } from 'vitest';
import { findCommand } from '../../../src/lib/etcdctl/cli';
import { FlagError, FlagSet, parseFlags, parseGoInt } from '../../../src/lib/etcdctl/flags';
import {
	goDuration,
	goQuote,
	goQuoteBytes,
	humanizeBytes,
	parseGoDuration
} from '../../../src/lib/etcdctl/go';
import { GLOBAL_FLAGS, findCommand as specCommand } from '../../../src/lib/etcdctl/spec';

const names = (argv: string[]) =>
	findCommand(argv)
		.path.map((c) => c.name)
		.join(' ');

describe('command lookup', () => {
	it('unique prefixes', () => {
		expect(names(['compact', '5'])).toBe('etcdctl compaction');
		expect(names(['le', 'gr', '5'])).toBe('etcdctl lease grant');
		expect(names(['ge', 'foo'])).toBe('etcdctl get');
	});
	it('ambiguous prefixes are unknown commands with suggestions in registration order', () => {
		expect(findCommand(['c']).error).toBe(
			'unknown command "c" for "etcdctl"\n\nDid you mean this?\n\tcompaction\n\tcheck\n\tcompletion\n'
		);
		expect(findCommand(['comp', '5']).error).toMatch(/^unknown command "comp"/);
	});
	it('an unknown long flag before the command swallows the next word, as cobra does', () => {
		expect(findCommand(['--foo', 'get', 'x']).error).toBe(
			'unknown command "x" for "etcdctl"\n\nDid you mean this?\n\ttxn\n'
		);
	});
	it('flags between words', () => {
		expect(names(['--endpoints', 'a:1', 'member', '-w', 'json', 'list'])).toBe(
			'etcdctl member list'
		);
	});
});

describe('pflag', () => {
	const get = specCommand(['get'])!;
	const fs = () => new FlagSet([...get.flags, ...GLOBAL_FLAGS]);
	it('values, shorthands, booleans, --', () => {
		const f = fs();
		const r = parseFlags(f, ['k', '-wjson', '--limit', '0x10', '--prefix', '--', '--rev', 'x']);
		expect(r.args).toEqual(['k', '--rev', 'x']);
		expect(f.string('write-out')).toBe('json');
		expect(f.number('limit')).toBe(16);
		expect(f.bool('prefix')).toBe(true);
	});
	it('errors in pflag words', () => {
		const err = (argv: string[]) => {
			try {
				parseFlags(fs(), argv);
			} catch (e) {
				return e instanceof FlagError ? e.message : String(e);
			}
			return 'no error';
		};
		expect(err(['-z'])).toBe("unknown shorthand flag: 'z' in -z");
		expect(err(['-w'])).toBe("flag needs an argument: 'w' in -w");
		expect(err(['--rev'])).toBe('flag needs an argument: --rev');
		expect(err(['--=x'])).toBe('bad flag syntax: --=x');
		expect(err(['--prefix=maybe'])).toBe(
			'invalid argument "maybe" for "--prefix" flag: strconv.ParseBool: parsing "maybe": invalid syntax'
		);
		expect(err(['--dial-timeout=5'])).toBe(
			'invalid argument "5" for "--dial-timeout" flag: time: missing unit in duration "5"'
		);
		expect(err(['-w=x', '--limit', '99999999999999999999'])).toBe(
			'invalid argument "99999999999999999999" for "--limit" flag: strconv.ParseInt: parsing "99999999999999999999": value out of range'
		);
	});
	it('ParseInt bases', () => {
		expect(parseGoInt('09dfa2018d09d207', 16)).toBe(0x09dfa2018d09d207n);
		expect(parseGoInt('zz', 16)).toBe('strconv.ParseInt: parsing "zz": invalid syntax');
		expect(parseGoInt('-1', 16, 'ParseUint')).toBe(
			'strconv.ParseUint: parsing "-1": invalid syntax'
		);
	});
});

describe('Go formatting', () => {
	it('humanize.Bytes rounds ties to even like %.0f', () => {
		expect(humanizeBytes(20480)).toBe('20 kB');
		expect(humanizeBytes(16384)).toBe('16 kB');
		expect(humanizeBytes(2_100_000)).toBe('2.1 MB');
		expect(humanizeBytes(5)).toBe('5 B');
	});
	it('%q', () => {
		expect(goQuote('tab\there')).toBe('"tab\\there"');
		expect(goQuoteBytes(new Uint8Array([0xff, 0xfe, 0x62]))).toBe('"\\xff\\xfeb"');
		expect(goQuote('héllo ✓')).toBe('"héllo ✓"');
		expect(goQuote('\x01')).toBe('"\\x01"');
	});
	it('durations', () => {
		expect(goDuration(1_545_159)).toBe('1.545159ms');
		expect(goDuration(2_000_000_000)).toBe('2s');
		expect(parseGoDuration('1x')).toBe('time: unknown unit "x" in duration "1x"');
		expect(parseGoDuration('abc')).toBe('time: invalid duration "abc"');
		expect(parseGoDuration('1m30s')).toBe(90e9);
	});
});
