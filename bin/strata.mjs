#!/usr/bin/env node
// The `strata` command: runs the TypeScript CLI through tsx's loader (development layout).
import { register } from 'tsx/esm/api';
register();
await import('../repl/main.ts');
