/** Entry point of the `glasswing` executable (see bin/glasswing.js). */
import { env } from '@tensorflow/tfjs-core';
import { runCli } from './cli.js';

// The executable owns its process: run TensorFlow.js in production mode, which (among other
// things) silences its console banner on stderr, so stderr carries only Glasswing's messages.
env().set('PROD', true);

process.exitCode = await runCli(process.argv.slice(2));
