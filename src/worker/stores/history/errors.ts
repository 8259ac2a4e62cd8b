/**
 * The two ways the history codec refuses: a block that cannot be trusted (anything decoded may come from an
 * imported file), and a check the format cannot hold (the caller keeps it as a row).
 */
import { AppError, ERROR_CATALOGUE } from '../../../shared/errors';

export function blockCorrupt(reason: string, detail: Record<string, unknown> = {}): AppError {
	return new AppError(
		'history-block-corrupt',
		`${ERROR_CATALOGUE['history-block-corrupt']} (${reason})`,
		{
			reason,
			...detail,
		},
	);
}

export function checkUnstorable(reason: string, detail: Record<string, unknown> = {}): AppError {
	return new AppError(
		'history-check-unstorable',
		`${ERROR_CATALOGUE['history-check-unstorable']} (${reason})`,
		{ reason, ...detail },
	);
}
