export interface BoundaryViolation {
	file: string;
	line: number;
	message: string;
}
/** Checks every .ts file under `root`; `file` in each violation is relative to `base`. */
export function checkEngineBoundary(root: string, base?: string): BoundaryViolation[];
