/**
 * Client TLS as a kubeadm etcd demands it (--client-cert-auth, --trusted-ca-file): a client must
 * trust the cluster's CA (--cacert) and present a certificate the CA signed with its key
 * (--cert, --key). There is no TLS on the wire here, so the handshake compares PEM text: the CA
 * file must be the cluster's CA, and the certificate and key one of the pairs the CA issued.
 *
 * What etcdctl 3.4.23 shows against such a server (recorded with a real etcd on loopback): any
 * missing piece (no flags at all, only --cacert, a plain `http://` endpoint, another CA, a
 * certificate from another CA) is not an error of its own: gRPC keeps retrying the handshake
 * until the request's deadline (--command-timeout, 5 s by default; the dial does not block), so
 * the learner sees the retry warning and `Error: context deadline exceeded` (`endpoint health`
 * reports the endpoint unhealthy with that error). With the right three files, an endpoint with
 * or without `https://` works. A --key that does not belong to --cert never gets this far:
 * etcdctl refuses it at once (src/lib/client/keypair.ts).
 */
import type { Connector } from '../client/client';
import { ClientError, type ClientFactory, type ClientOptions } from '../client/types';

export interface TlsRequirement {
	/** PEM of the CA that clients must trust and that signed their certificates. */
	ca: string;
	/** Certificate/key pairs (PEM) the CA issued that may authenticate a client. */
	clients: readonly { cert: string; key: string }[];
}

/** PEM files compare by their base64 body: line ends and trailing blanks do not matter. */
function pemBody(pem: string): string {
	return pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
}

function refused(): ClientError {
	return new ClientError('deadline-exceeded', 'context deadline exceeded');
}

/**
 * The Connector hook (src/lib/client/client.ts) that enforces `req`. When the shell did not read
 * the files (options.tls.pem absent), the three paths being given is what is checked.
 */
export function tlsHandshake(req: TlsRequirement): NonNullable<Connector['handshake']> {
	const ca = pemBody(req.ca);
	const pairs = req.clients.map((p) => ({ cert: pemBody(p.cert), key: pemBody(p.key) }));
	return (_member: string, endpoint: string, options: ClientOptions) => {
		if (/^(http|unix):\/\//i.test(endpoint)) return refused();
		const tls = options.tls;
		if (!tls?.cert || !tls.key) return refused();
		if (!tls.cacert && !tls.insecureSkipVerify) return refused();
		const pem = tls.pem;
		if (!pem) return null;
		if (!tls.insecureSkipVerify && (pem.cacert === undefined || pemBody(pem.cacert) !== ca)) {
			return refused();
		}
		if (pem.cert === undefined || pem.key === undefined) return refused();
		const cert = pemBody(pem.cert);
		const key = pemBody(pem.key);
		return pairs.some((p) => p.cert === cert && p.key === key) ? null : refused();
	};
}

/** Reads a file of the shell's file system as text; null when it does not exist. */
export type ReadText = (path: string) => string | null;

/**
 * Clients that carry the PEM text of the TLS files they name, read through `read` when they
 * connect (as crypto/tls reads them when etcdctl dials), so a handshake can compare contents.
 */
export function withTlsFiles(clients: ClientFactory, read: ReadText): ClientFactory {
	return {
		connect(options) {
			const tls = options.tls;
			if (!tls) return clients.connect(options);
			const pem: NonNullable<NonNullable<ClientOptions['tls']>['pem']> = {};
			for (const name of ['cacert', 'cert', 'key'] as const) {
				const path = tls[name];
				const text = path === undefined ? null : read(path);
				if (text !== null) pem[name] = text;
			}
			return clients.connect({ ...options, tls: { ...tls, pem } });
		}
	};
}
