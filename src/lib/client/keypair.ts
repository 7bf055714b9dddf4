/**
 * crypto/tls.X509KeyPair as etcdctl runs it when it builds its client configuration (before it
 * dials anything): the --cert file must hold a certificate, the --key file a private key, and
 * the key must belong to the certificate's public key. etcdctl 3.4.23 stops with exit 128 and
 * Go's message when one of these fails, e.g. `Error: tls: private key does not match public key`
 * (checked against the real binary with openssl-made files).
 *
 * Only the DER needed for the comparison is parsed: the certificate's SubjectPublicKeyInfo, and
 * the private key as PKCS#1 (RSA PRIVATE KEY), SEC1 (EC PRIVATE KEY) or PKCS#8 (PRIVATE KEY).
 * Written by hand rather than with an X.509 library (pkijs/asn1js, @peculiar/x509): those parse
 * whole certificates and bring tens of KB into the etcdctl bundle plus WebCrypto's async API,
 * while this check needs two fields and must stay synchronous in etcdctl's config step; it does
 * not validate certificates (the playground's TLS is simulated, see presets/tls.ts).
 */

interface PemBlock {
	type: string;
	der: Uint8Array;
}

/** The PEM blocks of `text`, in order (as encoding/pem.Decode finds them). */
function pemBlocks(text: string): PemBlock[] {
	const blocks: PemBlock[] = [];
	const re = /-----BEGIN ([^-\r\n]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
	for (let m = re.exec(text); m; m = re.exec(text)) {
		// Headers (Proc-Type: ...) sit before a blank line; the body is base64.
		const body = m[2].includes(':') ? m[2].slice(m[2].search(/\r?\n\r?\n/) + 1) : m[2];
		let der: Uint8Array;
		try {
			const bin = atob(body.replace(/\s+/g, ''));
			der = Uint8Array.from(bin, (c) => c.charCodeAt(0));
		} catch {
			continue;
		}
		blocks.push({ type: m[1], der });
	}
	return blocks;
}

interface Tlv {
	tag: number;
	/** Where the contents start and end in the buffer. */
	start: number;
	end: number;
}

function readTlv(buf: Uint8Array, pos: number, limit = buf.length): Tlv {
	if (pos + 2 > limit) throw new Error('truncated');
	const tag = buf[pos];
	let len = buf[pos + 1];
	let start = pos + 2;
	if (len & 0x80) {
		const n = len & 0x7f;
		if (n === 0 || n > 4 || start + n > limit) throw new Error('bad length');
		len = 0;
		for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
		start += n;
	}
	if (start + len > limit) throw new Error('truncated');
	return { tag, start, end: start + len };
}

/** The children of a constructed TLV. */
function children(buf: Uint8Array, t: Tlv): Tlv[] {
	const out: Tlv[] = [];
	for (let p = t.start; p < t.end;) {
		const c = readTlv(buf, p, t.end);
		out.push(c);
		p = c.end;
	}
	return out;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OCTET_STRING = 0x04;
const OID = 0x06;

const OID_RSA = '2a864886f70d010101';
const OID_EC = '2a8648ce3d0201';
const OID_ED25519 = '2b6570';

function hex(buf: Uint8Array, t: Tlv): string {
	let s = '';
	for (let i = t.start; i < t.end; i++) s += buf[i].toString(16).padStart(2, '0');
	return s;
}

/** An INTEGER without its leading zero bytes. */
function intHex(buf: Uint8Array, t: Tlv): string {
	if (t.tag !== INTEGER) throw new Error('not an integer');
	return hex(buf, t).replace(/^(00)+/, '');
}

/** A public key reduced to what a private key can be compared with. */
interface PublicKey {
	type: 'rsa' | 'ec' | 'ed25519' | 'other';
	/** RSA: modulus:exponent; EC and Ed25519: the public point or key bytes. */
	value: string;
}

function certPublicKey(der: Uint8Array): PublicKey {
	const cert = readTlv(der, 0);
	if (cert.tag !== SEQUENCE) throw new Error('malformed certificate');
	const tbs = children(der, cert)[0];
	if (!tbs || tbs.tag !== SEQUENCE) throw new Error('malformed tbs certificate');
	const fields = children(der, tbs);
	// version [0] is optional; then serial, signature, issuer, validity, subject, spki.
	const spki = fields[fields[0]?.tag === 0xa0 ? 6 : 5];
	if (!spki || spki.tag !== SEQUENCE) throw new Error('malformed tbs certificate');
	const [alg, bits] = children(der, spki);
	const oid = children(der, alg)[0];
	if (!oid || oid.tag !== OID || !bits || bits.tag !== BIT_STRING) {
		throw new Error('malformed tbs certificate');
	}
	const key: Tlv = { tag: BIT_STRING, start: bits.start + 1, end: bits.end };
	const algo = hex(der, oid);
	if (algo === OID_RSA) {
		const [n, e] = children(der, readTlv(der, key.start, key.end));
		return { type: 'rsa', value: `${intHex(der, n)}:${intHex(der, e)}` };
	}
	if (algo === OID_EC) return { type: 'ec', value: hex(der, key) };
	if (algo === OID_ED25519) return { type: 'ed25519', value: hex(der, key) };
	return { type: 'other', value: hex(der, key) };
}

/** The public half a private key carries (null value: present but not comparable here). */
function privatePublicKey(
	type: string,
	der: Uint8Array
): { type: PublicKey['type']; value: string | null } {
	const rsa = (t: Tlv) => {
		const [, n, e] = children(der, t);
		return { type: 'rsa' as const, value: `${intHex(der, n)}:${intHex(der, e)}` };
	};
	const ec = (t: Tlv) => {
		const pub = children(der, t).find((c) => c.tag === 0xa1);
		if (!pub) return { type: 'ec' as const, value: null };
		const bits = readTlv(der, pub.start, pub.end);
		return {
			type: 'ec' as const,
			value: hex(der, { tag: BIT_STRING, start: bits.start + 1, end: bits.end })
		};
	};
	const top = readTlv(der, 0);
	if (top.tag !== SEQUENCE) throw new Error('bad key');
	if (type === 'RSA PRIVATE KEY') return rsa(top);
	if (type === 'EC PRIVATE KEY') return ec(top);
	// PKCS#8: version, algorithm, the key in an OCTET STRING.
	const [, alg, inner] = children(der, top);
	const oid = children(der, alg)[0];
	if (!inner || inner.tag !== OCTET_STRING || oid?.tag !== OID) throw new Error('bad key');
	const algo = hex(der, oid);
	const body = readTlv(der, inner.start, inner.end);
	if (algo === OID_RSA) return rsa(body);
	if (algo === OID_EC) return ec(body);
	if (algo === OID_ED25519) return { type: 'ed25519', value: null };
	throw new Error('unknown key');
}

/**
 * Go's error for this certificate and key file content, or null when they make a pair.
 * (Messages from crypto/tls.X509KeyPair in Go 1.15+, which etcdctl 3.4.23 is built with.)
 */
export function checkKeyPair(certPem: string, keyPem: string): string | null {
	const certBlocks = pemBlocks(certPem);
	const cert = certBlocks.find((b) => b.type === 'CERTIFICATE');
	if (!cert) {
		if (certBlocks.length === 0) return 'tls: failed to find any PEM data in certificate input';
		if (certBlocks.some((b) => b.type.endsWith('PRIVATE KEY'))) {
			return 'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched';
		}
		return `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${certBlocks.map((b) => b.type).join(' ')}]`;
	}
	const keyBlocks = pemBlocks(keyPem);
	const key = keyBlocks.find((b) => b.type === 'PRIVATE KEY' || b.type.endsWith(' PRIVATE KEY'));
	if (!key) {
		if (keyBlocks.length === 0) return 'tls: failed to find any PEM data in key input';
		if (keyBlocks.some((b) => b.type === 'CERTIFICATE')) {
			return 'tls: found a certificate rather than a key in the PEM for the private key';
		}
		return `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${keyBlocks.map((b) => b.type).join(' ')}]`;
	}
	let pub: PublicKey;
	try {
		pub = certPublicKey(cert.der);
	} catch (e) {
		return `x509: ${e instanceof Error ? e.message : 'malformed certificate'}`;
	}
	let priv: ReturnType<typeof privatePublicKey>;
	try {
		priv = privatePublicKey(key.type, key.der);
	} catch {
		return 'tls: failed to parse private key';
	}
	if (pub.type === 'other') return 'tls: unknown public key algorithm';
	if (pub.type !== priv.type) return 'tls: private key type does not match public key type';
	if (priv.value !== null && priv.value !== pub.value) {
		return 'tls: private key does not match public key';
	}
	return null;
}
