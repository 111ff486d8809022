#!/usr/bin/env node
// The command-line entry runs the TypeScript sources through tsx, so there is no build step and no
// generated JavaScript to keep in step with the code.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
