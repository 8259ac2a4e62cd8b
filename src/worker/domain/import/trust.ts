/**
 * What an imported file is not trusted with until the person says so. Its monitors would start
 * fetching at once (intranet addresses, custom headers), so the running ones arrive paused, remembered,
 * and resumed together by "Resume all". A Bot API server other than Telegram's would receive every bot
 * token added later, so the file's is dropped unless the person keeps it in the confirm step, which
 * shows it (`customApiBase`).
 */
import { DEFAULT_BOT_API } from '../../../shared/telegram';
import type { Engine } from '../../core/engine';
import { pausedAmong, pauseRunning } from '../../stores/monitors';
import { API_BASE_KEY, getSetting, IMPORT_PAUSED_KEY, putSetting } from '../../stores/settings';
import { setMonitorEnabled } from '../monitors/service';

/** The file's Bot API server, when it is not Telegram's own. */
export function customApiBase(engine: Engine): string | null {
	const base = getSetting(engine, API_BASE_KEY);
	return base !== null && base !== DEFAULT_BOT_API ? base : null;
}

/** On the scratch copy, just before it is swapped in. */
export function holdImported(
	engine: Engine,
	{ keepApiBase }: { keepApiBase: boolean },
	now: number,
): void {
	const paused = pauseRunning(engine);
	// The file's own list (an import there never resumed) still holds: "Resume all" is the person's
	// choice either way, and a file that changes nothing on import stays byte-for-byte what it was.
	if (paused.length > 0) {
		const held = [...new Set([...remembered(engine), ...paused])].sort((a, b) => a - b);
		putSetting(engine, IMPORT_PAUSED_KEY, JSON.stringify(held), now);
	}
	if (!keepApiBase) putSetting(engine, API_BASE_KEY, null, now);
}

function remembered(engine: Engine): number[] {
	try {
		const ids: unknown = JSON.parse(getSetting(engine, IMPORT_PAUSED_KEY) ?? '[]');
		return Array.isArray(ids) ? ids.filter((id): id is number => Number.isSafeInteger(id)) : [];
	} catch {
		return [];
	}
}

/** The monitors the last import paused that are still paused (resumed one by one, they drop out). */
export function heldMonitors(engine: Engine): { monitors: number } {
	return { monitors: pausedAmong(engine, remembered(engine)).length };
}

/** "Resume all": the monitors the last import paused run again; the list is forgotten. */
export function resumeImported(engine: Engine, now: number): { resumed: number } {
	const ids = pausedAmong(engine, remembered(engine));
	// As if resumed one by one: each is due at once.
	for (const id of ids) setMonitorEnabled(engine, id, true, now);
	putSetting(engine, IMPORT_PAUSED_KEY, null, now);
	return { resumed: ids.length };
}
