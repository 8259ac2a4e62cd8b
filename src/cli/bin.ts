/** Entry point of `npm run db`. */
import { main } from './main';

process.exitCode = await main(process.argv.slice(2));
