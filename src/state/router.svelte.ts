/**
 * Hash routes (`#/monitors`, `#/monitors/12`, `#/telegram`, `#/channels`, `#/database`, `#/settings`): they work from a static host
 * and offline, with no server rewrites.
 */
export const ROUTES = ['monitors', 'telegram', 'channels', 'database', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

interface Location {
	route: Route;
	/** The id in `#/monitors/<id>`; null elsewhere. */
	id: number | null;
}

function parse(hash: string): Location {
	const [name, param] = hash.replace(/^#\/?/, '').split('/');
	const route = (ROUTES as readonly string[]).includes(name ?? '') ? (name as Route) : 'monitors';
	const id = Number(param);
	return { route, id: route === 'monitors' && Number.isSafeInteger(id) && id > 0 ? id : null };
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

	go(route: Route, id?: number): void {
		location.hash = id === undefined ? `#/${route}` : `#/${route}/${id}`;
	}
}

export const router = new Router();
