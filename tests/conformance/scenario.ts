/**
 * The conformance scenario format, as the recorder reads it (tests/conformance/README.md):
 * shell lines as a user types them; `#` lines are comments; `# cluster: N` sets the cluster size
 * (default 3); a heredoc (`<<EOF`, `<<'EOF'`, `<<-EOF`) takes the following lines up to its
 * terminator as stdin; a trailing `&` runs the command as a background job.
 */

export interface ScenarioStep {
	/** The lines as the transcript shows them after `$ `: the command, heredoc body, terminator. */
	echo: string[];
	/** The text to hand to bash (the command without its trailing `&`, heredoc included). */
	text: string;
	background: boolean;
}

export interface Scenario {
	clusterSize: number;
	steps: ScenarioStep[];
}

const HEREDOC = /<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/;

export function parseScenario(source: string): Scenario {
	const lines = source.split('\n');
	let clusterSize = 3;
	const steps: ScenarioStep[] = [];
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i];
		const trimmed = line.trim();
		const size = /^#\s*cluster:\s*(\d+)\s*$/.exec(trimmed);
		if (size) {
			clusterSize = Number(size[1]);
			continue;
		}
		if (trimmed === '' || trimmed.startsWith('#')) continue;
		const echo = [line];
		const doc = HEREDOC.exec(line);
		if (doc) {
			const stripTabs = doc[1] === '-';
			const terminator = doc[3];
			for (i++; i < lines.length; i++) {
				echo.push(lines[i]);
				const body = stripTabs ? lines[i].replace(/^\t+/, '') : lines[i];
				if (body === terminator) break;
			}
		}
		const background = !doc && /(^|[^&])&\s*$/.test(line);
		const text = background ? line.replace(/&\s*$/, '') : echo.join('\n');
		steps.push({ echo, text, background });
	}
	return { clusterSize, steps };
}
