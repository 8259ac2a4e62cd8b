/**
 * A build-time hook into sql.js's Emscripten glue that records which parts of the database file SQLite
 * writes, so a save can copy and hash only the chunks that changed instead of exporting the whole file.
 *
 * sql.js 1.16 does not expose its file system (MEMFS), and its minified builds rename every internal.
 * The names we need are read from the code itself: the Database constructor (where the file is created
 * and opened), `export()` (which overrides a file node's stream ops the same way, revealing the names of
 * `FS.lookupPath` and `node.stream_ops`) and MEMFS's file-node set-up (`node_ops`, `usedBytes`,
 * `contents`, `setattr`). If any pattern is missing, sql.js changed shape and `patchSqlJs` throws, which
 * fails the build: the hook is never applied half-way. At run time a database without the hook falls
 * back to the export-and-compare path (see image-source.ts).
 *
 * The same insertion lets a Database adopt the bytes it is opened from (see `adoptable`): MEMFS then
 * keeps that very buffer as the file instead of copying it, which saves a full copy of the database
 * (tens of milliseconds and as many megabytes at 50 MB) on every cold open.
 *
 * Pure string work, no Node or browser APIs: vite.config.ts applies it to both sql.js builds and the
 * unit tests call it directly.
 */

/** The property the patched constructor defines on every sql.js Database. */
export const SQLJS_HOOK_PROPERTY = '__monitorFile';

/**
 * The marker `adoptable` puts on bytes a patched Database may keep as its file. Unpatched sql.js ignores
 * it and copies, as always.
 */
export const SQLJS_ADOPT_PROPERTY = '__monitorAdopt';

/**
 * Marks `bytes` as given away: a patched `new SQL.Database(bytes)` keeps this buffer as its file, and
 * SQLite writes into it from then on, so the caller must neither change nor rely on the bytes afterwards.
 */
export function adoptable(bytes: Uint8Array): Uint8Array {
	Object.defineProperty(bytes, SQLJS_ADOPT_PROPERTY, { value: true, configurable: true });
	return bytes;
}

/** Bytes per dirty-tracking block: the smallest chunk size we use and SQLite's default page size. */
export const HOOK_BLOCK_SIZE = 4096;

/** What the patched sql.js exposes on `db[SQLJS_HOOK_PROPERTY]`. */
export interface SqlJsFileHook {
	readonly blockSize: number;
	/** The live database file: a view of MEMFS's buffer, valid until the next call into SQLite. */
	bytes(): Uint8Array;
	/**
	 * Indices of the blocks written, truncated or extended since the last call (in no particular order),
	 * and forgets them. Every change to the file since it was opened is reported exactly once.
	 */
	takeDirty(): number[];
	/** Whether anything changed since the last `takeDirty()`. */
	hasDirty(): boolean;
}

export class SqlJsShapeError extends Error {
	override readonly name = 'SqlJsShapeError';
}

const id = '[\\w$]+';

/** Each pattern names what it finds; all of them must match exactly once. */
const PATTERNS = {
	// function g(f){this.filename="dbfile_"+(4294967295*Math.random()>>>0);f!=null&&fa(this.filename,f);
	constructor: new RegExp(
		`function (${id})\\((${id})\\)\\{this\\.filename="dbfile_"\\+\\(4294967295\\*Math\\.random\\(\\)>>>0\\);` +
			`\\2!=null&&(${id})\\(this\\.filename,\\s*\\2\\);(?=this\\.handleError\\(${id}\\(this\\.filename,)`,
		'g',
	),
	// export(): var r=B(f).node,u=null,w=r.Qa.write;r.Qa=Object.create(r.Qa);
	exportOverride: new RegExp(
		`var (${id})=(${id})\\(${id}\\)\\.node,${id}=null,${id}=\\1\\.(${id})\\.write;\\1\\.\\3=Object\\.create\\(\\1\\.\\3\\);`,
		'g',
	),
	// MEMFS.createNode for a regular file: node.node_ops=…file.node, node.stream_ops=…file.stream,
	// node.usedBytes=0, node.contents=…
	memfsFileNode: new RegExp(
		`\\(${id}\\.(${id})=(${id})\\.(${id})\\.file\\.node,${id}\\.(${id})=\\2\\.\\3\\.file\\.stream,` +
			`${id}\\.(${id})=0,${id}\\.(${id})=`,
		'g',
	),
	// MEMFS.node_ops.setattr(node, attr){for(var k of["mode","atime","mtime","ctime"])…
	setattr: new RegExp(
		`[,{](${id})\\(${id},${id}\\)\\{for\\(var ${id} of\\["mode","atime","mtime","ctime"\\]\\)`,
		'g',
	),
} as const;

/**
 * The minifier breaks lines wherever it likes (even between `var r=` and its value), so patterns are
 * matched against the code with its line breaks removed, and positions are mapped back.
 */
interface Unwrapped {
	text: string;
	/** Original index of each character of `text` (plus one past the end). */
	origin: Int32Array;
}

function unwrap(code: string): Unwrapped {
	const origin = new Int32Array(code.length + 1);
	let text = '';
	let n = 0;
	let from = 0;
	for (let i = 0; i <= code.length; i++) {
		if (i === code.length || code[i] === '\n' || code[i] === '\r') {
			text += code.slice(from, i);
			for (let j = from; j < i; j++) origin[n++] = j;
			from = i + 1;
		}
	}
	origin[n] = code.length;
	return { text, origin: origin.subarray(0, n + 1) };
}

function matchOnce(code: Unwrapped, name: keyof typeof PATTERNS): RegExpExecArray {
	const matches = [...code.text.matchAll(PATTERNS[name])];
	if (matches.length !== 1) {
		throw new SqlJsShapeError(
			`sql.js changed shape: the "${name}" pattern matched ${matches.length} times (expected once). ` +
				'The file-change hook cannot be applied; update src/worker/core/persistence/sqljs-patch.ts for this sql.js version.',
		);
	}
	return matches[0]!;
}

export interface MangledNames {
	createDataFile: string;
	lookupPath: string;
	nodeOps: string;
	streamOps: string;
	usedBytes: string;
	contents: string;
	setattr: string;
}

/** Reads the minified names the hook needs; throws SqlJsShapeError if any is missing or ambiguous. */
export function findNames(source: string): MangledNames {
	return namesIn(unwrap(source));
}

function namesIn(code: Unwrapped): MangledNames {
	const ctor = matchOnce(code, 'constructor');
	const exp = matchOnce(code, 'exportOverride');
	const node = matchOnce(code, 'memfsFileNode');
	const setattr = matchOnce(code, 'setattr');
	if (exp[3] !== node[4]) {
		throw new SqlJsShapeError(
			`sql.js changed shape: export() overrides "${exp[3]}" but MEMFS file nodes keep their stream ops in "${node[4]}".`,
		);
	}
	return {
		createDataFile: ctor[3]!,
		lookupPath: exp[2]!,
		nodeOps: node[1]!,
		streamOps: node[4]!,
		usedBytes: node[5]!,
		contents: node[6]!,
		setattr: setattr[1]!,
	};
}

/** The constructor's local that holds adopted bytes (a name no minifier produces). */
const ADOPTED = '__monitorAdopted';

/**
 * The code inserted at the start of the Database constructor: adopted bytes are taken out of the data
 * argument, so sql.js's own `createDataFile` (which copies) does not see them.
 */
function adoptSource(dataParam: string): string {
	const property = JSON.stringify(SQLJS_ADOPT_PROPERTY);
	return (
		`var ${ADOPTED}=${dataParam}!=null&&${dataParam}[${property}]===true&&${dataParam} instanceof Uint8Array?${dataParam}:null;` +
		`if(${ADOPTED})${dataParam}=null;`
	);
}

/**
 * The code inserted into the Database constructor, after the file is created and before `sqlite3_open`
 * opens it (an open stream copies the node's stream ops, so the override has to be in place first).
 * A new database gets an empty file first, as sql.js's own export() does, so it is tracked too.
 * The node's ops are overridden per node with Object.create, never on the shared MEMFS tables.
 */
function hookSource(n: MangledNames, dataParam: string): string {
	const { createDataFile, lookupPath, nodeOps, streamOps, usedBytes, contents, setattr } = n;
	return (
		`${dataParam}==null&&${createDataFile}(this.filename,[]);` +
		`Object.defineProperty(this,${JSON.stringify(SQLJS_HOOK_PROPERTY)},{value:(function(node){` +
		// Adopted bytes become the (empty) file's contents, exactly as MEMFS's own `canOwn` write would.
		// The local is cleared: the hook's closures keep this scope alive, and with it anything it holds,
		// long after MEMFS has moved the file to a larger buffer.
		`if(${ADOPTED}){node.${contents}=${ADOPTED};node.${usedBytes}=${ADOPTED}.length;${ADOPTED}=null}` +
		`var size=${HOOK_BLOCK_SIZE},dirty=new Set(),write=node.${streamOps}.write,setattr=node.${nodeOps}.${setattr};` +
		`function mark(start,end){for(var i=Math.floor(start/size),last=Math.floor((end-1)/size);i<=last;i++)dirty.add(i)}` +
		`node.${streamOps}=Object.create(node.${streamOps});` +
		`node.${streamOps}.write=function(stream,buffer,offset,length,position){` +
		`var written=write.apply(this,arguments);if(written>0)mark(position,position+written);return written};` +
		`node.${nodeOps}=Object.create(node.${nodeOps});` +
		`node.${nodeOps}.${setattr}=function(target){var before=target.${usedBytes};` +
		`var result=setattr.apply(this,arguments);var after=target.${usedBytes};` +
		`if(after!==before)mark(Math.min(before,after),Math.max(before,after));return result};` +
		`return{blockSize:size,` +
		`bytes:function(){return node.${contents}.subarray(0,node.${usedBytes})},` +
		`takeDirty:function(){var list=Array.from(dirty);dirty.clear();return list},` +
		`hasDirty:function(){return dirty.size>0}}` +
		`})(${lookupPath}(this.filename).node)});`
	);
}

export const PATCH_MARKER = '/* monitor: sql.js file-change hook */';

/**
 * Returns sql.js's code with the file-change hook in the Database constructor. Throws SqlJsShapeError
 * if the code does not have the expected shape, and when given already-patched code.
 */
export function patchSqlJs(code: string): string {
	if (code.includes(PATCH_MARKER)) throw new SqlJsShapeError('sql.js is already patched.');
	const unwrapped = unwrap(code);
	const names = namesIn(unwrapped);
	const ctor = matchOnce(unwrapped, 'constructor');
	// The first statement of the constructor names the file; the adoption check goes right after it.
	const start = unwrapped.origin[ctor.index + ctor[0].indexOf(';') + 1]!;
	const at = unwrapped.origin[ctor.index + ctor[0].length]!;
	const data = ctor[2]!;
	return (
		code.slice(0, start) +
		adoptSource(data) +
		code.slice(start, at) +
		PATCH_MARKER +
		hookSource(names, data) +
		code.slice(at)
	);
}
