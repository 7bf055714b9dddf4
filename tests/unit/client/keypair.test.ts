/**
 * crypto/tls.X509KeyPair's verdicts, as etcdctl 3.4.23 printed them for openssl-made files
 * (the kubeadm PEMs of the kubernetes preset stand in for them here).
 */
import { describe, expect, it } from 'vitest';
import { checkKeyPair } from '../../../src/lib/client/keypair';
import * as pki from '../../../src/lib/presets/kubeadm-pki';

// openssl ecparam -name prime256v1 -genkey -noout (a throwaway key, protects nothing).
const EC_KEY = `-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIMwNCi++cGybAgi7ZFH50TS/dCDopkOYRhZ6eylVPFOsoAoGCCqGSM49
AwEHoUQDQgAEEP+6yvgKEEfCWWB26qjPAxJ01xDq7DeyFeW7hPzm/iMmgYUbkL8n
Q5XbdzIe8SEMdvWVxWRefvaBmW8LEy4Zlw==
-----END EC PRIVATE KEY-----
`;

describe('checkKeyPair', () => {
	it('accepts every pair kubeadm issued, in PKCS#8', () => {
		expect(checkKeyPair(pki.caCrt, pki.caKey)).toBeNull();
		expect(checkKeyPair(pki.serverCrt, pki.serverKey)).toBeNull();
		expect(checkKeyPair(pki.peerCrt, pki.peerKey)).toBeNull();
		expect(checkKeyPair(pki.healthcheckClientCrt, pki.healthcheckClientKey)).toBeNull();
		expect(checkKeyPair(pki.apiserverEtcdClientCrt, pki.apiserverEtcdClientKey)).toBeNull();
	});

	it("refuses another certificate's key with Go's message", () => {
		expect(checkKeyPair(pki.serverCrt, pki.caKey)).toBe(
			'tls: private key does not match public key'
		);
		expect(checkKeyPair(pki.caCrt, pki.peerKey)).toBe('tls: private key does not match public key');
		expect(checkKeyPair(pki.serverCrt, EC_KEY)).toBe(
			'tls: private key type does not match public key type'
		);
	});

	it('names files that hold no PEM, or the wrong kind of it', () => {
		expect(checkKeyPair('hello\n', pki.serverKey)).toBe(
			'tls: failed to find any PEM data in certificate input'
		);
		expect(checkKeyPair(pki.serverCrt, 'hello\n')).toBe(
			'tls: failed to find any PEM data in key input'
		);
		expect(checkKeyPair(pki.serverKey, pki.serverCrt)).toBe(
			'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched'
		);
		expect(checkKeyPair(pki.serverCrt, pki.serverCrt)).toBe(
			'tls: found a certificate rather than a key in the PEM for the private key'
		);
	});
});
