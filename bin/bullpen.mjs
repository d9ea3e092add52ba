#!/usr/bin/env node
// The `bullpen` CLI. Registers tsx so the TypeScript sources run directly: `npx bullpen …` works
// right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src-main/cli/index.ts');
