/**
 * The PBKDF2 iterations a database asks for (`users.iterations`, from an imported file too) are clamped
 * to 100,000 – 2,000,000 before they reach PBKDF2. Keys are not extractable, so two keys are compared
 * by what they encrypt: AES-GCM under the same IV gives the same ciphertext only under the same key.
 */
import { describe, expect, it } from 'vitest';
import {
	clampIterations,
	deriveKey,
	KDF_ITERATIONS_RANGE,
} from '../../src/worker/domain/account/crypto';

const salt = new Uint8Array(16).fill(7);
const iv = new Uint8Array(12).fill(3);

async function fingerprint(iterations: number): Promise<string> {
	const key = await deriveKey('correct horse', salt, iterations);
	const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(16));
	return Buffer.from(sealed).toString('hex');
}

describe('PBKDF2 iterations from a database', () => {
	it('are clamped to the range', () => {
		expect(KDF_ITERATIONS_RANGE).toEqual({ min: 100_000, max: 2_000_000 });
		expect(clampIterations(1)).toBe(100_000);
		expect(clampIterations(600_000)).toBe(600_000);
		expect(clampIterations(4_294_967_295)).toBe(2_000_000);
		expect(clampIterations(Number.NaN)).toBe(100_000);
	});

	it('below the range derive the key of 100,000', async () => {
		expect(await fingerprint(1)).toBe(await fingerprint(100_000));
	});

	it('above the range derive the key of 2,000,000 (not hours of work)', async () => {
		expect(await fingerprint(2_000_001)).toBe(await fingerprint(2_000_000));
	}, 30_000);
});
