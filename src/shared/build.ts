/**
 * Which build of Monitor a window runs. Windows of different builds must not share one database owner:
 * the owner refuses calls from an older build ("reload to continue") and hands over to a newer one.
 */
export interface BuildInfo {
	id: string;
	/** Epoch ms of the build; orders builds with the same schema. */
	time: number;
	/** Number of bundled migrations: the schema version this build writes. */
	schema: number;
}

/** Negative when `a` is older than `b`, positive when newer, 0 for the same build. */
export function compareBuilds(a: BuildInfo, b: BuildInfo): number {
	if (a.id === b.id) return 0;
	if (a.schema !== b.schema) return a.schema - b.schema;
	return a.time - b.time || (a.id < b.id ? -1 : 1);
}
