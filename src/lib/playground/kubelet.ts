/**
 * The kubelet's part in a kubeadm restore: etcd runs as a static pod from
 * /etc/kubernetes/manifests/etcd.yaml, and when that file changes the kubelet restarts the pod
 * with it. CKA candidates restore a snapshot into a new directory, then point the pod's
 * `etcd-data` hostPath volume (or its --data-dir with the mount) at it.
 *
 * Here the check runs when the terminal next reaches the cluster (before an etcdctl or
 * playground command), as if the kubelet had noticed the change in between: the host path
 * behind etcd's --data-dir is computed from the pod's volumes, and when it moved to another
 * directory the member is started on it as `etcd --name NAME --data-dir DIR` would be
 * (./etcd.ts). The pod's own log (`kubectl logs`) does not exist here; one line says what the
 * kubelet did.
 */
import type { ShellFiles, ShellIo } from './etcd';

export const ETCD_MANIFEST = '/etc/kubernetes/manifests/etcd.yaml';

/** Where kubeadm keeps etcd's data: the host path the manifest starts with. */
const KUBEADM_DATA_DIR = '/var/lib/etcd';

interface PodSpec {
	spec?: {
		containers?: {
			name?: string;
			command?: string[];
			volumeMounts?: { name?: string; mountPath?: string }[];
		}[];
		volumes?: { name?: string; hostPath?: { path?: string } }[];
	};
}

function flag(command: string[], name: string): string | undefined {
	for (let i = 0; i < command.length; i++) {
		const a = command[i];
		if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
		if (a === `--${name}`) return command[i + 1];
	}
	return undefined;
}

/** The static pod's etcd: its --name and the host directory behind its --data-dir. */
export async function etcdPodDataDir(
	text: string
): Promise<{ name: string; hostDir: string } | string> {
	const { parse } = await import('yaml');
	let pod: PodSpec;
	try {
		pod = parse(text) as PodSpec;
	} catch (e) {
		return `cannot parse ${ETCD_MANIFEST}: ${e instanceof Error ? e.message.split('\n')[0] : e}`;
	}
	const containers = pod?.spec?.containers ?? [];
	const etcd = containers.find((c) => c.name === 'etcd') ?? containers[0];
	if (!etcd) return `${ETCD_MANIFEST} has no container`;
	const command = (etcd.command ?? []).map(String);
	const name = flag(command, 'name') ?? 'default';
	const dataDir = (flag(command, 'data-dir') ?? `${name}.etcd`).replace(/\/+$/, '');
	const mount = (etcd.volumeMounts ?? [])
		.filter((m) => m.mountPath !== undefined)
		.map((m) => ({ ...m, mountPath: String(m.mountPath).replace(/\/+$/, '') }))
		.filter((m) => dataDir === m.mountPath || dataDir.startsWith(`${m.mountPath}/`))
		.sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
	const volume = mount && (pod.spec?.volumes ?? []).find((v) => v.name === mount.name);
	const hostPath = volume?.hostPath?.path;
	if (!mount || hostPath === undefined) {
		return `etcd's --data-dir ${dataDir} is not on a hostPath volume: its data would not survive the pod`;
	}
	return {
		name,
		hostDir: String(hostPath).replace(/\/+$/, '') + dataDir.slice(mount.mountPath.length)
	};
}

/** The host directory each shell's kubelet last started etcd on. */
const started = new WeakMap<object, string>();
/** The manifest problem last reported to each shell. */
const reported = new WeakMap<object, string>();

/**
 * Restarts the etcd static pod when its manifest now points at another host directory.
 * `shell` identifies the terminal's machine (its file system). Returns what to print ('' when
 * nothing changed).
 */
export async function syncEtcdStaticPod(
	shell: object,
	files: ShellFiles,
	control: (args: string[], out: (text: string) => void, io?: ShellIo) => Promise<number>
): Promise<string> {
	const bytes = files.read(ETCD_MANIFEST);
	if (!bytes) return '';
	const pod = await etcdPodDataDir(new TextDecoder().decode(bytes));
	if (typeof pod === 'string') {
		// Reported once per broken version of the file.
		if (reported.get(shell) === pod) return '';
		reported.set(shell, pod);
		return `kubelet: the etcd static pod did not restart: ${pod}\n`;
	}
	reported.delete(shell);
	if (pod.hostDir === (started.get(shell) ?? KUBEADM_DATA_DIR)) return '';
	started.set(shell, pod.hostDir);
	let log = '';
	const code = await control(
		['etcd', '--name', pod.name, '--data-dir', pod.hostDir],
		(t) => (log += t),
		{ files }
	);
	if (code !== 0) {
		const reason =
			log
				.split('\n')
				.find((l) => l.startsWith('etcd: '))
				?.slice('etcd: '.length) ?? log.trim();
		return `kubelet: the etcd static pod on ${pod.hostDir} failed: ${reason}\n`;
	}
	return `kubelet: ${ETCD_MANIFEST} changed; the etcd static pod restarted on ${pod.hostDir}\n`;
}
