import type { ClientFactory } from '../client/types';
import type { Preset } from './preset';

/** Writes `preset`'s data through a client of `clients` (which must not demand TLS). */
export async function seedPreset(preset: Preset, clients: ClientFactory): Promise<void> {
	const client = await clients.connect({
		endpoints: ['127.0.0.1:2379'],
		dialTimeoutMs: 2_000,
		commandTimeoutMs: 10_000
	});
	try {
		await preset.seed(client);
	} finally {
		client.close();
	}
}
