/**
 * The presets a cluster can start from (see ./preset.ts). Names live in ./names.ts so code that
 * only validates a name (share links) does not pull in the presets' data.
 */
import { kubernetesPreset } from './kubernetes';
import type { Preset } from './preset';

export type { Preset } from './preset';
export { PRESET_NAMES, isPresetName } from './names';

const PRESETS: Record<string, Preset> = {
	kubernetes: kubernetesPreset
};

/** The preset called `name`, or null when there is none. */
export function findPreset(name: string | undefined): Preset | null {
	return name !== undefined && Object.hasOwn(PRESETS, name) ? PRESETS[name] : null;
}
