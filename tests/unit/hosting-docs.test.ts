/** The README tells static hosts which headers to send; it must say what `npm start` sends. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../vite.config';

describe('hosting documentation', () => {
	it('lists every security header the app is served with, word for word', () => {
		const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
		for (const [name, value] of Object.entries(SECURITY_HEADERS))
			expect(readme).toContain(`${name}: ${value}`);
	});
});
