/**
 * The monitor list's view (search, filters, sort, grouping), kept so it survives a reload. Stored as the
 * query string the page also puts in its URL; the page parses it (state/list-view.ts) and ignores what
 * it does not understand, so only its size is checked here.
 */
import { AppError } from '../../../shared/errors';
import type { Engine } from '../../core/engine';
import { getSetting, LIST_VIEW_KEY, putSetting } from '../../stores/settings';

export const LIST_VIEW_MAX = 2000;

export function getListView(engine: Engine): string | null {
	return getSetting(engine, LIST_VIEW_KEY);
}

export function setListView(engine: Engine, view: unknown, now: number): string {
	if (typeof view !== 'string' || view.length > LIST_VIEW_MAX)
		throw new AppError(
			'invalid-input',
			`A list view is a query string of up to ${LIST_VIEW_MAX} characters.`,
		);
	putSetting(engine, LIST_VIEW_KEY, view, now);
	return view;
}
