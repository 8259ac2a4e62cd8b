/** The owner account's calls; the account runs in the owner (see tabs/owner.ts). */
import { AppError } from '../../../shared/errors';
import type { Account } from '../../domain/account/account';
import { positiveId } from './args';
import type { Services } from './context';
import type { AreaHandlers } from './table';

function account(services: Services): Account {
	if (!services.account) throw new AppError('not-owner');
	return services.account;
}

export const accountHandlers: AreaHandlers<'account'> = {
	'account.status': {
		kind: 'read',
		run: ({ services, window }) => account(services).status(window),
	},
	'account.setPassphrase': {
		kind: 'task',
		run: ({ services, window }, { passphrase, olderBackups }) =>
			account(services).setPassphrase(
				passphrase,
				olderBackups === 'delete' ? 'delete' : 'seal',
				window,
			),
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
		run: ({ services, window }, { passphrase }) => account(services).unlock(passphrase, window),
	},
	'account.lock': {
		kind: 'task',
		run: ({ services, window }) => account(services).lock('locked', window),
	},
	'account.activity': {
		kind: 'task',
		run: ({ services, window }) => account(services).activity(window),
	},
	'account.join': {
		kind: 'task',
		run: ({ services, window }) => account(services).windows.join(window ?? ''),
	},
	'account.leave': {
		kind: 'task',
		run: ({ services, window }) => account(services).windows.leave(window ?? ''),
	},
	'account.lockWindow': {
		kind: 'task',
		run: ({ services, window }) => account(services).windows.lockWindow(window ?? ''),
	},
	'account.sessions': {
		kind: 'read',
		run: ({ services, window }) => account(services).windows.sessions(window ?? ''),
	},
	'account.endSession': {
		kind: 'task',
		run: ({ services, window }, { id }) =>
			account(services).windows.endSession(positiveId(id, 'A session id'), window ?? ''),
	},
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
