/**
 * Stands in for `node:zlib` in the browser build (see vite.config.ts): just-bash's browser bundle
 * imports it only for gzip, gunzip and zcat, which then fail with this message.
 */
function unavailable(): never {
	throw new Error('gzip is not available in the playground');
}

export const constants: Record<string, number> = {};
export const gzipSync = unavailable;
export const gunzipSync = unavailable;
export default { constants, gzipSync, gunzipSync };
