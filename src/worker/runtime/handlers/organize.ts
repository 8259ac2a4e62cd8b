/** Tags, the list's saved view and the published status page: arguments checked here, the work in domain/. */
import { AppError } from '../../../shared/errors';
import { readStatusRequest } from '../../../shared/status';
import { createTag, deleteTag, listTags, updateTag } from '../../domain/monitors/tags';
import { getListView, setListView } from '../../domain/monitors/list-view';
import { statusSummary } from '../../domain/status/summary';
import { positiveId } from './args';
import type { AreaHandlers } from './table';

const tagId = (id: unknown) => positiveId(id, 'A tag id');

export const organizeHandlers: AreaHandlers<'tags' | 'listView' | 'status'> = {
	'tags.list': { kind: 'read', run: ({ db }) => listTags(db.engine) },
	'tags.create': { kind: 'write', run: ({ db, now }, input) => createTag(db.engine, input, now()) },
	'tags.update': {
		kind: 'write',
		run: ({ db }, { id, input }) => updateTag(db.engine, tagId(id), input),
	},
	'tags.delete': { kind: 'write', run: ({ db }, { id }) => deleteTag(db.engine, tagId(id)) },
	'listView.get': { kind: 'read', run: ({ db }) => ({ view: getListView(db.engine) }) },
	'listView.set': {
		kind: 'write',
		run: ({ db, now }, { view }) => ({ view: setListView(db.engine, view, now()) }),
	},
	'status.summary': {
		kind: 'read',
		run: ({ db, now }, request) => {
			const read = readStatusRequest(request);
			if (!read.ok) throw new AppError('invalid-input', read.error);
			return statusSummary(db.engine, read.value, now());
		},
	},
};
