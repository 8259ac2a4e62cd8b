/** Hash routes (`#/monitors`, `#/database`): they work from a static host and offline, with no server rewrites. */
export const ROUTES = ['monitors', 'database'] as const;
export type Route = (typeof ROUTES)[number];

function parse(hash: string): Route {
	const name = hash.replace(/^#\/?/, '').split('/')[0];
	return (ROUTES as readonly string[]).includes(name ?? '') ? (name as Route) : 'monitors';
}

class Router {
	#route = $state<Route>(parse(location.hash));

	constructor() {
		addEventListener('hashchange', () => (this.#route = parse(location.hash)));
	}

	get route(): Route {
		return this.#route;
	}

	go(route: Route): void {
		location.hash = `#/${route}`;
	}
}

export const router = new Router();
