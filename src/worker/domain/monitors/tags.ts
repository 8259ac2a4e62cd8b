/** Tags: created, renamed, recoloured and deleted here; a name is unique whatever its case. */
import { AppError } from '../../../shared/errors';
import { validateTagInput, type Tag, type TagInput } from '../../../shared/tags';
import type { Engine } from '../../core/engine';
import {
	deleteTagRow,
	insertTag,
	tagNamed,
	tagRow,
	tagRows,
	updateTagRow,
} from '../../stores/tags';

function valid(engine: Engine, input: unknown, id: number | null): TagInput {
	const result = validateTagInput(input);
	if (!result.ok) throw new AppError('invalid-input', undefined, { fields: result.errors });
	const same = tagNamed(engine, result.value.name);
	if (same && same.id !== id)
		throw new AppError('invalid-input', undefined, {
			fields: { name: `There is a tag “${same.name}” already.` },
		});
	return result.value;
}

export function listTags(engine: Engine): Tag[] {
	return tagRows(engine);
}

export function createTag(engine: Engine, input: unknown, now: number): Tag {
	const id = insertTag(engine, valid(engine, input, null), now);
	return tagRow(engine, id)!;
}

export function updateTag(engine: Engine, id: number, input: unknown): Tag {
	if (!tagRow(engine, id)) throw new AppError('not-found');
	updateTagRow(engine, id, valid(engine, input, id));
	return tagRow(engine, id)!;
}

/** Its monitors lose it; they stay as they are otherwise. */
export function deleteTag(engine: Engine, id: number): { deleted: boolean } {
	return { deleted: deleteTagRow(engine, id) };
}
