/**
 * Randomness for the engine comes only from an injected source, so that a seed replays a run
 * exactly (simulator, tests) while the browser seeds it from the real clock outside the engine.
 */
export interface Rng {
	/** A float in [0, 1). */
	next(): number;
	/** An integer in [0, n). */
	int(n: number): number;
}

/**
 * A small seeded generator (sfc32, a well-studied 128-bit-state generator from PractRand's
 * author). Hand-written because it is 20 lines and every dependency in the engine must be pure.
 */
export class SeededRng implements Rng {
	private a: number;
	private b: number;
	private c: number;
	private d: number;

	constructor(seed: number) {
		this.a = 0x9e3779b9;
		this.b = 0x243f6a88;
		this.c = 0xb7e15162;
		this.d = seed >>> 0;
		for (let i = 0; i < 15; i++) this.next();
	}

	next(): number {
		const t = (((this.a + this.b) | 0) + this.d) | 0;
		this.d = (this.d + 1) | 0;
		this.a = this.b ^ (this.b >>> 9);
		this.b = (this.c + (this.c << 3)) | 0;
		this.c = (this.c << 21) | (this.c >>> 11);
		this.c = (this.c + t) | 0;
		return (t >>> 0) / 4294967296;
	}

	int(n: number): number {
		return Math.floor(this.next() * n);
	}
}
