/*
 * Runs before `npm install`, `npm start` and `npm test`: on a Node.js older than the build tools need
 * (package.json "engines"), say in one line which version to install, instead of an error from deep
 * inside Vite or ESLint. Plain ES5 on purpose: it has to run on the old versions it turns away.
 * (npm's engine-strict would do it for `npm install` alone, and would also refuse Node 20, which the
 * range allows: @sqlite.org/sqlite-wasm, used by the benchmark inside the browser, declares Node >= 22.)
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, the one module form every Node runs */

var fs = require('fs');
var path = require('path');

var ROOT = path.join(__dirname, '..', '..');

/** @param {string} text @returns {[number, number, number] | null} */
function parseVersion(text) {
	var match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text.trim());
	if (!match) return null;
	return [Number(match[1]), Number(match[2] || 0), Number(match[3] || 0)];
}

/** @param {[number, number, number]} a @param {[number, number, number]} b */
function compare(a, b) {
	var major = a[0] - b[0];
	var minor = a[1] - b[1];
	return major !== 0 ? major : minor !== 0 ? minor : a[2] - b[2];
}

/**
 * Whether `version` is in `range`, for the forms "engines" uses here: alternatives joined by "||",
 * each ">=X.Y.Z" or "^X.Y.Z". Undefined for anything else, so an unexpected range never blocks anyone.
 * @param {string} version @param {string} range @returns {boolean | undefined}
 */
function satisfies(version, range) {
	var current = parseVersion(version);
	if (!current) return undefined;
	var alternatives = range.split('||');
	var understood = true;
	for (var i = 0; i < alternatives.length; i++) {
		var match = /^\s*(>=|\^)\s*(\d[\d.]*)\s*$/.exec(String(alternatives[i]));
		var floor = match && parseVersion(String(match[2]));
		if (!match || !floor) {
			understood = false;
			continue;
		}
		var sameLine = match[1] === '>=' || current[0] === floor[0];
		if (sameLine && compare(current, floor) >= 0) return true;
	}
	return understood ? false : undefined;
}

/** @param {string} version @param {string} range @param {string} recommended */
function message(version, range, recommended) {
	return (
		'Monitor needs Node.js ' +
		range +
		' and this is ' +
		version +
		': install Node.js ' +
		recommended +
		' (the version in .nvmrc; with nvm: nvm install) and run the command again.'
	);
}

function main() {
	var pkg = /** @type {{ engines?: { node?: string } }} */ (
		JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
	);
	var range = pkg.engines && pkg.engines.node;
	if (!range || satisfies(process.version, range) !== false) return 0;
	var nvmrc = path.join(ROOT, '.nvmrc');
	var recommended = fs.existsSync(nvmrc) ? fs.readFileSync(nvmrc, 'utf8').trim() : range;
	console.error(message(process.version, range, recommended));
	return 1;
}

module.exports = { satisfies: satisfies, message: message };

if (require.main === module) process.exitCode = main();
