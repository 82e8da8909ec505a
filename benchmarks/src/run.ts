import { bench, parseArgs } from './cli.js';

try {
  const { markdown, files, report } = await bench(parseArgs(process.argv.slice(2)));
  console.log('\n' + markdown);
  console.log(`wrote ${files.join(', ')}`);
  process.exitCode = report.results.some((r) => r.status === 'error') ? 1 : 0;
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
}
