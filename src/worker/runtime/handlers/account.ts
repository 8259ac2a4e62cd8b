/** The owner account's calls; the account runs in the owner (see tabs/owner.ts). */
import { AppError } from '../../../shared/errors';
import type { Account } from '../../domain/account/account';
import type { Services } from './context';
import type { AreaHandlers } from './table';

function account(services: Services): Account {
	if (!services.account) throw new AppError('not-owner');
	return services.account;
}

export const accountHandlers: AreaHandlers<'account'> = {
	'account.status': { kind: 'read', run: ({ services }) => account(services).status() },
	'account.setPassphrase': {
		kind: 'task',
		run: ({ services }, { passphrase, olderBackups }) =>
			account(services).setPassphrase(passphrase, olderBackups === 'delete' ? 'delete' : 'seal'),
	},
	'account.changePassphrase': {
		kind: 'task',
		run: ({ services }, { current, next }) => account(services).changePassphrase(current, next),
	},
	'account.removePassphrase': {
		kind: 'task',
		run: ({ services }, { current }) => account(services).removePassphrase(current),
	},
	'account.unlock': {
		kind: 'task',
		run: ({ services }, { passphrase }) => account(services).unlock(passphrase),
	},
	'account.lock': { kind: 'task', run: ({ services }) => account(services).lock() },
	'account.activity': { kind: 'task', run: ({ services }) => account(services).activity() },
	'account.setIdleMinutes': {
		kind: 'task',
		run: ({ services }, { minutes }) => account(services).setIdleMinutes(minutes),
	},
	'account.resetForgotten': {
		kind: 'task',
		run: ({ services }, { confirm }) => {
			if (confirm !== 'remove secrets') {
				throw new AppError(
					'invalid-input',
					'Confirm that the encrypted secrets are to be removed.',
				);
			}
			return account(services).resetForgotten();
		},
	},
};
