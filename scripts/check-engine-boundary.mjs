#!/usr/bin/env node
// Keeps src/lib/engine/ pure: it must run unchanged in a Worker, in Node tests and in the
// deterministic simulator. So it may import only other engine files, and must not touch the
// DOM, browser storage, timers, the wall clock or ambient randomness. Time arrives as ticks
// and randomness from an injected seeded source.
//
// The check parses each file with the TypeScript compiler so comments and strings never
// trigger it, and reports every offending line as `file:line: message`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Globals that reach outside the engine: DOM, browser I/O, timers, process state. */
const FORBIDDEN_GLOBALS = new Map([
	['window', 'the DOM'],
	['document', 'the DOM'],
	['self', 'the worker global scope'],
	['globalThis', 'the global object'],
	['navigator', 'the browser'],
	['location', 'the browser'],
	['indexedDB', 'browser storage (use a storage interface)'],
	['localStorage', 'browser storage (use a storage interface)'],
	['sessionStorage', 'browser storage (use a storage interface)'],
	['caches', 'browser storage (use a storage interface)'],
	['fetch', 'the network (use a transport interface)'],
	['XMLHttpRequest', 'the network (use a transport interface)'],
	['WebSocket', 'the network (use a transport interface)'],
	['BroadcastChannel', 'the network (use a transport interface)'],
	['MessageChannel', 'the network (use a transport interface)'],
	['Worker', 'workers (the worker wraps the engine, not the reverse)'],
	['postMessage', 'workers (the worker wraps the engine, not the reverse)'],
	['setTimeout', 'timers (time arrives as ticks)'],
	['setInterval', 'timers (time arrives as ticks)'],
	['setImmediate', 'timers (time arrives as ticks)'],
	['clearTimeout', 'timers (time arrives as ticks)'],
	['clearInterval', 'timers (time arrives as ticks)'],
	['requestAnimationFrame', 'timers (time arrives as ticks)'],
	['requestIdleCallback', 'timers (time arrives as ticks)'],
	['performance', 'the clock (time arrives as ticks)'],
	['process', 'the Node process'],
	['require', 'CommonJS loading outside the engine'],
	['crypto', 'ambient randomness (inject a seeded source)']
]);

/**
 * Packages the engine may import: pure computation with no I/O, clocks or randomness of their
 * own, the same in every runtime.
 */
const ALLOWED_PACKAGES = ['@noble/hashes'];

/** Member accesses on allowed globals that are still forbidden. */
const FORBIDDEN_MEMBERS = new Map([
	['Date.now', 'the wall clock (time arrives as ticks)'],
	['Math.random', 'ambient randomness (inject a seeded source)']
]);

function listTsFiles(root) {
	const out = [];
	for (const name of readdirSync(root)) {
		const path = join(root, name);
		if (statSync(path).isDirectory()) out.push(...listTsFiles(path));
		else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
	}
	return out.sort();
}

function isDeclarationName(node) {
	const p = node.parent;
	if (!p) return false;
	if (ts.isPropertyAccessExpression(p) && p.name === node) return true;
	if (ts.isQualifiedName(p) && p.right === node) return true;
	if (
		(ts.isPropertyAssignment(p) ||
			ts.isPropertyDeclaration(p) ||
			ts.isPropertySignature(p) ||
			ts.isMethodDeclaration(p) ||
			ts.isMethodSignature(p) ||
			ts.isGetAccessor(p) ||
			ts.isSetAccessor(p) ||
			ts.isEnumMember(p)) &&
		p.name === node
	)
		return true;
	if (
		(ts.isVariableDeclaration(p) ||
			ts.isParameter(p) ||
			ts.isFunctionDeclaration(p) ||
			ts.isClassDeclaration(p) ||
			ts.isInterfaceDeclaration(p) ||
			ts.isTypeAliasDeclaration(p) ||
			ts.isBindingElement(p) ||
			ts.isImportSpecifier(p) ||
			ts.isExportSpecifier(p) ||
			ts.isLabeledStatement(p)) &&
		p.name === node
	)
		return true;
	if (ts.isBindingElement(p) && p.propertyName === node) return true;
	return false;
}

/**
 * Checks every .ts file under `root` (the engine folder). Returns a list of violations,
 * each `{ file, line, message }`, with `file` relative to `base`.
 */
export function checkEngineBoundary(root, base = process.cwd()) {
	const engineRoot = resolve(root);
	const violations = [];
	for (const file of listTsFiles(engineRoot)) {
		const text = readFileSync(file, 'utf8');
		const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
		const report = (node, message) => {
			const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
			violations.push({ file: relative(base, file), line: line + 1, message });
		};
		const checkSpecifier = (node, spec) => {
			if (ALLOWED_PACKAGES.some((p) => spec === p || spec.startsWith(p + '/'))) return;
			if (!spec.startsWith('.')) {
				report(node, `imports '${spec}': engine code may import only other engine files`);
				return;
			}
			const target = resolve(dirname(file), spec);
			if (target !== engineRoot && !target.startsWith(engineRoot + sep)) {
				report(node, `imports '${spec}', which is outside src/lib/engine/`);
			}
		};
		const visit = (node) => {
			if (
				(ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
				node.moduleSpecifier &&
				ts.isStringLiteral(node.moduleSpecifier)
			) {
				checkSpecifier(node, node.moduleSpecifier.text);
			} else if (ts.isImportEqualsDeclaration(node)) {
				report(node, 'uses import = require(): engine code may import only other engine files');
			} else if (
				ts.isCallExpression(node) &&
				node.expression.kind === ts.SyntaxKind.ImportKeyword
			) {
				const arg = node.arguments[0];
				if (arg && ts.isStringLiteral(arg)) checkSpecifier(node, arg.text);
				else report(node, 'uses a dynamic import with a computed specifier');
			} else if (ts.isImportTypeNode(node)) {
				const arg = node.argument;
				if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) {
					checkSpecifier(node, arg.literal.text);
				}
			} else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
				const key = `${node.expression.text}.${node.name.text}`;
				const why = FORBIDDEN_MEMBERS.get(key);
				if (why) report(node, `uses ${key}: ${why}`);
			} else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
				if (node.expression.text === 'Date' && (!node.arguments || node.arguments.length === 0)) {
					report(node, 'uses new Date() without arguments: the wall clock (time arrives as ticks)');
				}
			} else if (ts.isIdentifier(node) && FORBIDDEN_GLOBALS.has(node.text)) {
				if (!isDeclarationName(node)) {
					report(node, `uses ${node.text}: ${FORBIDDEN_GLOBALS.get(node.text)}`);
				}
			}
			ts.forEachChild(node, visit);
		};
		visit(sf);
	}
	return violations;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
	const root = process.argv[2] ?? 'src/lib/engine';
	const violations = checkEngineBoundary(root);
	for (const v of violations) console.error(`${v.file}:${v.line}: ${v.message}`);
	if (violations.length > 0) {
		console.error(`engine boundary: ${violations.length} violation(s) in ${root}`);
		process.exit(1);
	}
	console.log(`engine boundary: ${listTsFiles(resolve(root)).length} files clean in ${root}`);
}
