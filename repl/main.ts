// Entry point of the `strata` command (bin/strata.mjs runs this through tsx): runs the
// command line and leaves the exit code for Node to use once output is flushed.

import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => { process.stdout.write(text); },
  stderr: (text) => { process.stderr.write(text); },
});
