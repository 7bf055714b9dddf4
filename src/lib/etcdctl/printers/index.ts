/** Output format -> printer (etcdctl's NewPrinter). */
import { fieldsPrinter } from './fields';
import { jsonPrinter } from './json';
import type { Printer } from './printer';
import { protobufPrinter } from './protobuf';
import { simplePrinter } from './simple';
import { tablePrinter } from './table';

export type { Printer, OutputFormat, EpHealth, EpStatus, EpHashKV, DBStatus } from './printer';

/** The printer for `-w <format>`, or null for an unknown format ("unsupported output format"). */
export function newPrinter(format: string, isHex: boolean): Printer | null {
	switch (format) {
		case 'simple':
			return simplePrinter(isHex);
		case 'json':
			return jsonPrinter();
		case 'fields':
			return fieldsPrinter();
		case 'table':
			return tablePrinter();
		case 'protobuf':
			return protobufPrinter();
	}
	return null;
}
