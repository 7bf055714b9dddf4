import { describe, expect, it } from 'vitest';
import {
	decodeScenarioLink,
	encodeScenarioLink,
	fromBase64Url,
	MAX_FRAGMENT_CHARS,
	MAX_SCENARIO_BYTES,
	ShareLinkError,
	toBase64Url
} from '../../../src/lib/share/link';
import { crc32c } from '../../../src/lib/engine/mvcc/crc32c';

const SCENARIO = `# cluster: 3
# preset: kubernetes
export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt
etcdctl put greeting "héllo wörld ✓"
playground kill etcd-1
etcdctl get greeting -w json | jq -r '.kvs[0].value | @base64d'
`;

async function problemOf(fragment: string): Promise<string> {
	try {
		await decodeScenarioLink(fragment);
	} catch (e) {
		expect(e).toBeInstanceOf(ShareLinkError);
		return (e as ShareLinkError).problem;
	}
	throw new Error('decoded');
}

/** A fragment built by hand, to make links the encoder refuses to make. */
async function rawFragment(text: string, version = 1): Promise<string> {
	const raw = new TextEncoder().encode(text);
	const cs = new CompressionStream('deflate-raw');
	const compressed = new Uint8Array(
		await new Response(new Blob([raw]).stream().pipeThrough(cs)).arrayBuffer()
	);
	const payload = toBase64Url(compressed);
	const crc = (crc32c(raw) >>> 0).toString(16).padStart(8, '0');
	return `v${version}.${payload.length}.${crc}.${payload}`;
}

describe('base64url', () => {
	it('round-trips every length and byte value', () => {
		for (let n = 0; n < 70; n++) {
			const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 13) & 0xff);
			const text = toBase64Url(bytes);
			expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
			expect(fromBase64Url(text)).toEqual(bytes);
		}
	});
	it('rejects characters outside the alphabet and impossible lengths', () => {
		expect(fromBase64Url('ab+c')).toBeNull();
		expect(fromBase64Url('ab=c')).toBeNull();
		expect(fromBase64Url('abcde')).toBeNull();
	});
});

describe('share links', () => {
	it('round-trip a scenario exactly, unicode included', async () => {
		const fragment = await encodeScenarioLink(SCENARIO);
		expect(fragment).toMatch(/^v1\.\d+\.[0-9a-f]{8}\.[A-Za-z0-9_-]+$/);
		expect(await decodeScenarioLink(fragment)).toBe(SCENARIO);
		expect(await decodeScenarioLink('#' + fragment)).toBe(SCENARIO);
	});

	it('compress: a long scenario of similar lines makes a short link', async () => {
		const lines = Array.from(
			{ length: 200 },
			(_, i) => `etcdctl put /registry/pods/default/p${i} v${i}`
		);
		const text = lines.join('\n') + '\n';
		const fragment = await encodeScenarioLink(text);
		expect(fragment.length).toBeLessThan(text.length / 3);
		expect(await decodeScenarioLink(fragment)).toBe(text);
	});

	it('a link cut short says so, wherever it is cut', async () => {
		const fragment = await encodeScenarioLink(SCENARIO);
		for (const cut of [fragment.length - 1, fragment.length - 10, 20, 15, 12, 5, 3]) {
			expect(await problemOf(fragment.slice(0, cut))).toBe('truncated');
		}
		await expect(decodeScenarioLink(fragment.slice(0, -4))).rejects.toThrow(/cut short/);
	});

	it('garbage is not a link; altered payloads are damaged', async () => {
		expect(await problemOf('')).toBe('not-a-link');
		expect(await problemOf('hello')).toBe('not-a-link');
		expect(await problemOf('#section-2')).toBe('not-a-link');
		expect(await problemOf('v1.zz.12345678.abc')).toBe('not-a-link');
		const fragment = await encodeScenarioLink(SCENARIO);
		const [v, n, crc, payload] = fragment.split('.');
		// Same length, one character changed: either the stream breaks or the checksum does.
		for (let i = 0; i < payload.length; i += 7) {
			const c = payload[i] === 'A' ? 'B' : 'A';
			const altered = `${v}.${n}.${crc}.${payload.slice(0, i)}${c}${payload.slice(i + 1)}`;
			expect(await problemOf(altered)).toBe('damaged');
		}
		expect(await problemOf(`${v}.${n}.${crc}.${payload.slice(0, -1)}*`)).toBe('damaged');
		expect(await problemOf(`${fragment}AAAA`)).toBe('damaged');
		expect(await problemOf(`${v}.${n}.00000000.${payload}`)).toBe('damaged');
	});

	it('refuses other format versions', async () => {
		const future = await rawFragment('etcdctl put a 1\n', 2);
		expect(await problemOf(future)).toBe('version');
		await expect(decodeScenarioLink(future)).rejects.toThrow(/format v2.*format v1/);
		expect(await problemOf('v0.3.00000000.abc')).toBe('version');
	});

	it('refuses oversized links and scenarios, stating the limits', async () => {
		expect(await problemOf('v1.' + 'A'.repeat(MAX_FRAGMENT_CHARS))).toBe('too-large');
		expect(await problemOf(`v1.${MAX_FRAGMENT_CHARS}.00000000.AAAA`)).toBe('too-large');
		await expect(encodeScenarioLink('# ' + 'x'.repeat(MAX_SCENARIO_BYTES))).rejects.toThrow(
			/16,000 characters and 64 KiB/
		);
		// A small link that expands beyond the limit (a deflate bomb) stops at the limit.
		const bomb = await rawFragment('#' + ' '.repeat(MAX_SCENARIO_BYTES + 10) + '\n');
		expect(bomb.length).toBeLessThan(1000);
		expect(await problemOf(bomb)).toBe('too-large');
		// Random-looking text does not compress: the link would be too long.
		let noise = '';
		for (let i = 0; noise.length < 30_000; i++) noise += ((i * 2654435761) >>> 0).toString(36);
		await expect(encodeScenarioLink(`echo ${noise}\n`)).rejects.toThrow(ShareLinkError);
	});

	it('keeps HTML and script in values as plain text and never echoes them in errors', async () => {
		const hostile = `etcdctl put x '<script>alert(1)</script>'\netcdctl put y '<img src=x onerror=alert(2)>'\n`;
		const fragment = await encodeScenarioLink(hostile);
		expect(await decodeScenarioLink(fragment)).toBe(hostile);
		// A hostile preset name or control characters: refused, and the message does not quote them.
		for (const text of [
			'# preset: <script>alert(1)</script>\netcdctl get a\n',
			'etcdctl put a "\u001b[2J\u0007"\n'
		]) {
			const bad = await rawFragment(text);
			const e = await decodeScenarioLink(bad).then(
				() => null,
				(x: unknown) => x as ShareLinkError
			);
			if (!(e instanceof ShareLinkError)) throw new Error('decoded a scenario it should refuse');
			expect(e.problem).toBe('invalid-scenario');
			expect(e.message).not.toMatch(/[<>]/);
			expect(e.message).not.toContain('\u001b');
		}
	});

	it('refuses scenarios the playground cannot run', async () => {
		for (const text of [
			'# cluster: 12\n',
			'# cluster: 0\n',
			'# cluster: many\n',
			'# preset: openshift\n'
		]) {
			expect(await problemOf(await rawFragment(text))).toBe('invalid-scenario');
		}
		expect(await decodeScenarioLink(await rawFragment('# cluster: 5\n'))).toBe('# cluster: 5\n');
	});

	it('invalid UTF-8 is damage', async () => {
		const raw = new Uint8Array([0x65, 0x63, 0x68, 0x6f, 0x20, 0xff, 0xfe, 0x0a]);
		const cs = new CompressionStream('deflate-raw');
		const compressed = new Uint8Array(
			await new Response(new Blob([raw]).stream().pipeThrough(cs)).arrayBuffer()
		);
		const payload = toBase64Url(compressed);
		const crc = (crc32c(raw) >>> 0).toString(16).padStart(8, '0');
		expect(await problemOf(`v1.${payload.length}.${crc}.${payload}`)).toBe('damaged');
	});
});
