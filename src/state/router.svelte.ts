/**
 * Hash routes (`#/monitors`, `#/monitors/12`, `#/maintenance`, `#/telegram`, `#/channels`, `#/database`, `#/settings`): they
 * work from a static host and offline, with no server rewrites. A route may carry a query
 * (`#/monitors?q=api&sort=uptime`): the monitor list's view, so it can be bookmarked.
 */
export const ROUTES = [
	'monitors',
	'maintenance',
	'telegram',
	'channels',
	'database',
	'settings',
] as const;
export type Route = (typeof ROUTES)[number];

interface Location {
	route: Route;
	/** The id in `#/monitors/<id>`; null elsewhere. */
	id: number | null;
	/** What follows `?`, without it; '' when none. */
	query: string;
}

function parse(hash: string): Location {
	const [path = '', ...rest] = hash.replace(/^#\/?/, '').split('?');
	const [name, param] = path.split('/');
	const route = (ROUTES as readonly string[]).includes(name ?? '') ? (name as Route) : 'monitors';
	const id = Number(param);
	return {
		route,
		id: route === 'monitors' && Number.isSafeInteger(id) && id > 0 ? id : null,
		query: rest.join('?'),
	};
}

class Router {
	#location = $state.raw<Location>(parse(location.hash));

	constructor() {
		addEventListener('hashchange', () => (this.#location = parse(location.hash)));
	}

	get route(): Route {
		return this.#location.route;
	}

	get id(): number | null {
		return this.#location.id;
	}

	get query(): string {
		return this.#location.query;
	}

	/** Puts `query` in the current route's URL without a new history entry (nothing is navigated). */
	replaceQuery(query: string): void {
		if (query === this.#location.query) return;
		const path = location.hash.replace(/^#/, '').split('?')[0] || '/monitors';
		history.replaceState(history.state, '', `#${path}${query ? `?${query}` : ''}`);
		this.#location = { ...this.#location, query };
	}

	go(route: Route, id?: number): void {
		location.hash = id === undefined ? `#/${route}` : `#/${route}/${id}`;
	}
}

export const router = new Router();
