/**
 * The README's commands stay true. Whatever the README says, every command in its shell code blocks
 * (and in inline code that starts with npm or npx) is checked: `npm run X`, `npm start` and `npm test`
 * name a script in package.json, `npm run db -- <command> --option` names a command and options that
 * the CLI's help lists, and a repository path given to a command exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';

const ROOT = join(import.meta.dirname, '../..');
const SHELLS = new Set([
	'sh',
	'bash',
	'shell',
	'zsh',
	'console',
	'shell-session',
	'powershell',
	'cmd',
]);

/** The shell commands a Markdown text gives: lines of shell code blocks, and inline `npm …`/`npx …`. */
function commandsIn(markdown: string): string[] {
	const commands: string[] = [];
	let fence: { marker: string; shell: boolean } | undefined;
	let continued = '';
	for (const line of markdown.split(/\r?\n/)) {
		const opening = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
		if (fence) {
			if (opening?.[1]?.startsWith(fence.marker) && !opening[2]) fence = undefined;
			else if (fence.shell) {
				const text = continued + line.trim().replace(/^[$>]\s+/, '');
				continued = text.endsWith('\\') ? `${text.slice(0, -1)} ` : '';
				if (!continued && text) commands.push(text);
			}
		} else if (opening?.[1]) {
			fence = { marker: opening[1], shell: SHELLS.has(opening[2]?.toLowerCase() ?? '') };
		} else {
			for (const [, code] of line.matchAll(/`([^`]+)`/g))
				if (/^(\w+=\S*\s+)*np[mx]\s/.test(code!)) commands.push(code!);
		}
	}
	return commands;
}

interface Help {
	scripts: Set<string>;
	cliCommands: Set<string>;
	cliOptions: Set<string>;
}

/** What is wrong with the commands, as one sentence each; empty when every one is true. */
function problemsWith(
	commands: string[],
	help: Help,
	exists: (path: string) => boolean = existsSync,
): string[] {
	const problems: string[] = [];
	const isPlaceholder = (word: string) => /^[<[{]/.test(word);
	for (const command of commands) {
		const withoutComment = command.replace(/\s#.*$/, '');
		for (const segment of withoutComment.split(/&&|\|\||;|\|/)) {
			const words = segment.trim().split(/\s+/).filter(Boolean);
			while (words[0] && /^\w+=/.test(words[0])) words.shift();
			if (words[0] !== 'npm' && words[0] !== 'npx') continue;
			for (const word of words)
				if (/^(src|tests|migrations|public)\//.test(word) && !exists(join(ROOT, word)))
					problems.push(`\`${command}\`: ${word} does not exist`);
			if (words[0] !== 'npm') continue;
			const [, verb, name, dashes, ...rest] = words;
			const script = verb === 'run' || verb === 'run-script' ? name : verb;
			if (script === undefined || isPlaceholder(script)) continue;
			const runsScript = verb === 'run' || verb === 'run-script' || /^(start|test|t)$/.test(verb!);
			if (!runsScript) continue;
			const scriptName = script === 't' ? 'test' : script;
			if (!help.scripts.has(scriptName)) {
				problems.push(`\`${command}\`: package.json has no script "${scriptName}"`);
				continue;
			}
			if (scriptName !== 'db' || dashes !== '--') continue;
			const [cliCommand, ...args] = rest;
			if (cliCommand && !isPlaceholder(cliCommand) && !cliCommand.startsWith('-')) {
				if (!help.cliCommands.has(cliCommand))
					problems.push(`\`${command}\`: the CLI has no command "${cliCommand}"`);
			}
			for (const option of [cliCommand, ...args].filter((w) => w?.startsWith('--')))
				if (!help.cliOptions.has(option!.split('=')[0]!))
					problems.push(`\`${command}\`: the CLI has no option "${option}"`);
		}
	}
	return problems;
}

async function cliHelp(): Promise<string> {
	const lines: string[] = [];
	const io = { out: (line: string) => lines.push(line), err: () => {}, cwd: ROOT, now: Date.now };
	expect(await main(['--help'], io)).toBe(0);
	return lines.join('\n');
}

async function projectHelp(): Promise<Help> {
	const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
		scripts: Record<string, string>;
	};
	const text = await cliHelp();
	const commandsSection = /Commands:\n([\s\S]*?)\n\s*\n/.exec(text)?.[1] ?? '';
	return {
		scripts: new Set(Object.keys(pkg.scripts)),
		cliCommands: new Set([...commandsSection.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!)),
		cliOptions: new Set(text.match(/--[a-z][\w-]*/g)),
	};
}

describe('reading commands out of Markdown', () => {
	it('takes shell blocks and inline npm/npx code, nothing else', () => {
		const markdown = [
			'Run `npm run dev`, or `BENCH_ONLY=x npm run bench`; `src/ui` is not a command.',
			'```sh',
			'$ npm install',
			'npm start   # serves it',
			'npm run db -- status \\',
			'  monitor.db',
			'```',
			'```',
			'npm run not-a-shell-block',
			'```',
			'~~~bash',
			'npx tsx tests/bench/x.ts && npm test',
			'~~~',
		].join('\n');
		expect(commandsIn(markdown)).toEqual([
			'npm run dev',
			'BENCH_ONLY=x npm run bench',
			'npm install',
			'npm start   # serves it',
			'npm run db -- status  monitor.db',
			'npx tsx tests/bench/x.ts && npm test',
		]);
	});

	it('names every script, CLI command, option and path that does not exist', () => {
		const help: Help = {
			scripts: new Set(['start', 'test', 'db']),
			cliCommands: new Set(['status']),
			cliOptions: new Set(['--help', '--dry-run']),
		};
		const exists = (path: string) => !path.endsWith('missing.ts');
		const commands = [
			'npm install && npm start',
			'npm test',
			'npm run db -- status --dry-run x.db',
			'npm run db -- <command> [options] <file.db>',
			'npm run lint',
			'FOO=1 npm run db -- frobnicate x.db',
			'npm run db -- status --force x.db',
			'npx tsx tests/bench/missing.ts',
		];
		expect(problemsWith(commands, help, exists)).toEqual([
			'`npm run lint`: package.json has no script "lint"',
			'`FOO=1 npm run db -- frobnicate x.db`: the CLI has no command "frobnicate"',
			'`npm run db -- status --force x.db`: the CLI has no option "--force"',
			'`npx tsx tests/bench/missing.ts`: tests/bench/missing.ts does not exist',
		]);
	});
});

describe('the README', () => {
	it("gives only commands that exist: package.json's scripts, the CLI's commands, real paths", async () => {
		const commands = commandsIn(readFileSync(join(ROOT, 'README.md'), 'utf8'));
		expect(commands.length).toBeGreaterThan(0);
		const help = await projectHelp();
		expect(help.cliCommands.size).toBeGreaterThan(0);
		expect(problemsWith(commands, help)).toEqual([]);
	});
});
