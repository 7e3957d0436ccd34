'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * The program qlock's git-hook runner starts: `node hooks/entry.cjs hook <name> [args...]`. It is
 * the qlock command itself (bin/qlock.js: CommonJS, the bundled fast path while it is fresh); this
 * file stays so that hooks installed by earlier versions keep working.
 */
require('../bin/qlock.js');
