/** Entry point of the `glasswing` executable (see bin/glasswing.js). */
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2));
