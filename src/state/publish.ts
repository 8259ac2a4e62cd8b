/**
 * "Publish status page": the worker builds the public data (status.summary), the pure renderer in
 * shared/status-page.ts writes the HTML page and the badges, and they are saved as files.
 */
import type { DbClient } from '../client/db-client';
import { saveTextFile } from '../client/files';
import type { StatusRequest, StatusSummary } from '../shared/status';
import { badgeFilename, renderBadge, renderStatusPage } from '../shared/status-page';

export interface Badge {
	filename: string;
	name: string;
	svg: string;
}

function slug(title: string): string {
	return (
		title
			.toLowerCase()
			.normalize('NFKD')
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 40) || 'status'
	);
}

export class Publisher {
	readonly #db: DbClient;

	constructor(db: DbClient) {
		this.#db = db;
	}

	summary(request: StatusRequest): Promise<StatusSummary> {
		return this.#db.call('status.summary', request);
	}

	/** `what`: the page, or the JSON summary of the same data. */
	async save(request: StatusRequest, what: 'html' | 'json'): Promise<'saved' | 'downloaded'> {
		const summary = this.summary(request);
		const name = `${slug(request.title)}${what === 'html' ? '.html' : '.json'}`;
		return saveTextFile(
			name,
			summary.then((s) =>
				what === 'html' ? renderStatusPage(s) : `${JSON.stringify(s, null, '\t')}\n`,
			),
			what === 'html' ? 'text/html' : 'application/json',
			'monitor-status-page',
		);
	}

	async badges(request: StatusRequest): Promise<Badge[]> {
		const summary = await this.summary(request);
		return summary.monitors.map((m) => ({
			filename: badgeFilename(m),
			name: m.name,
			svg: renderBadge(m),
		}));
	}
}
