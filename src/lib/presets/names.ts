/** Names of the presets in ./index.ts. */
export const PRESET_NAMES = ['kubernetes'] as const;

export type PresetName = (typeof PRESET_NAMES)[number];

export function isPresetName(name: string): name is PresetName {
	return (PRESET_NAMES as readonly string[]).includes(name);
}
