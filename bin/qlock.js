#!/usr/bin/env node
// Thin: the hot commands (git and agent hooks, lock, unlock, prompt) take a path that skips
// commander; everything else, and anything unusual on a hot command, goes through the full CLI.
import { run } from '../dist/bin.js';

process.exitCode = await run(process.argv.slice(2));
