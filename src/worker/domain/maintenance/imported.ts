/**
 * Maintenance windows read from an imported file are untrusted: the schema's CHECKs hold their shape,
 * but only the form's validation knows a time zone (a zone this browser cannot compute would make every
 * check of the monitors it covers fail). A window that would not pass the form refuses the import.
 */
import { AppError } from '../../../shared/errors';
import { validateWindowInput } from '../../../shared/maintenance';
import type { Engine } from '../../core/engine';
import { hasTable } from '../../stores/database-file';
import { windowRows } from '../../stores/maintenance';

export function checkImportedWindows(engine: Engine): void {
	if (!hasTable(engine, 'maintenance_windows')) return;
	for (const window of windowRows(engine)) {
		const result = validateWindowInput(window);
		if (result.ok) continue;
		// A window whose monitors were all deleted covers nothing; that is allowed.
		const { monitors: _covered, ...errors } = result.errors;
		const [problem] = Object.values(errors);
		if (problem)
			throw new AppError(
				'import-corrupt',
				`This file’s maintenance window ${window.id} (“${window.name}”) cannot be used: ${problem}`,
				{ table: 'maintenance_windows', id: window.id },
			);
	}
}
