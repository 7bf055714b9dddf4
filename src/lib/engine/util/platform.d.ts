// Text encoding exists in every runtime the engine runs in (workers, pages, Node), but the
// engine's type-check has no DOM library, so the two classes it uses are declared here.
declare class TextEncoder {
	encode(input?: string): Uint8Array;
}
declare class TextDecoder {
	constructor(label?: string, options?: { fatal?: boolean });
	decode(input?: Uint8Array): string;
}
