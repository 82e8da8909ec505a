/** Entry point of the `glasswing` executable (see bin/glasswing.js). */
import { env } from '@tensorflow/tfjs-core';
import { runCli } from './cli.js';
import { watchStopSignals } from './interrupt.js';

// The executable owns its process: run TensorFlow.js in production mode, which (among other
// things) silences its console banner on stderr, so stderr carries only Glasswing's messages.
env().set('PROD', true);

// Ctrl-C / SIGTERM: a run in progress stops after its current model call (exit 130 / 143).
const interruption = watchStopSignals();
const code = await runCli(process.argv.slice(2), { interruption });
interruption.dispose();
// A stopped run exits now, without waiting for idle runtime threads to wind down.
if (interruption.signal.aborted) process.exit(code);
process.exitCode = code;
