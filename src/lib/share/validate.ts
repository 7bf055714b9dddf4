/**
 * What a shared or imported scenario must be before anything runs it: text of a few known
 * shapes, never something the page would interpret. Returns the problem in words for the
 * learner, or null when the scenario may run.
 */
import { isPresetName, PRESET_NAMES } from '../presets/names';
import { parseScenario } from '../scenario/parser';

/** The largest cluster a scenario may ask for (etcd's own advice stops at 7 members). */
export const MAX_CLUSTER_SIZE = 7;
/** Commands in one scenario. */
export const MAX_STEPS = 500;

// Tabs, line feeds and carriage returns are text; other C0 controls, DEL and C1 controls are not.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export function validateScenarioText(text: string): string | null {
	if (CONTROL.test(text)) {
		return 'This scenario contains control characters, which no typed command has.';
	}
	const size = /^[ \t]*#[ \t]*cluster:[ \t]*(\S*)[ \t]*$/m.exec(text);
	if (size && !/^\d{1,3}$/.test(size[1])) {
		return 'The scenario\'s "# cluster:" line must give a number of members.';
	}
	const scenario = parseScenario(text);
	// The parser reads at least 1; the line itself tells what was asked for.
	const asked = size ? Number(size[1]) : scenario.clusterSize;
	if (asked < 1 || asked > MAX_CLUSTER_SIZE) {
		return `The scenario asks for ${asked} members; the playground runs 1 to ${MAX_CLUSTER_SIZE}.`;
	}
	if (scenario.preset !== undefined && !isPresetName(scenario.preset)) {
		return `The scenario asks for a preset this playground does not have (it has: ${PRESET_NAMES.join(', ')}).`;
	}
	if (scenario.steps.length > MAX_STEPS) {
		return `The scenario has ${scenario.steps.length} commands; at most ${MAX_STEPS} can be replayed.`;
	}
	return null;
}
