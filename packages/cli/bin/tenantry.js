#!/usr/bin/env node
// `npx tenantry …` from the repository: runs the compiled CLI (npm run build makes it).
const path = require('node:path');
const fs = require('node:fs');

const main = path.join(__dirname, '..', 'dist', 'main.js');
if (!fs.existsSync(main)) {
  process.stderr.write('tenantry: the CLI is not built yet; run `npm run build` (or use `npm run cli -- …`)\n');
  process.exit(2);
}
require(main);
