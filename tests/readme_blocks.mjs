// Copyright 2026 the @aio/tasks authors. MIT license.
// Runs the README's code blocks that `deno test --doc` cannot: the `js ignore` blocks whose first
// line says how to run them ("run with: node --test" or "run with: bun test"), each as written,
// in a scratch project whose node_modules/@aio/tasks is the npm build (dist/).
//   node tests/readme_blocks.mjs node|bun
// Exits non-zero when a block fails or when no block of that kind is found.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const runner = process.argv[2];
const commands = {
  node: { marker: "run with: node --test", run: (file) => [process.execPath, ["--test", file]] },
  bun: {
    marker: "run with: bun test",
    run: (file) => [join(root, "node_modules", ".bin", "bun"), ["test", file]],
  },
};
const command = commands[runner];
if (command === undefined) {
  console.error(`Cannot run README blocks as the runner must be node or bun: it is ${runner}`);
  process.exit(2);
}

const readme = readFileSync(join(root, "README.md"), "utf8");
const blocks = [...readme.matchAll(/^```js ignore\n([\s\S]*?)^```$/gm)]
  .map((match) => match[1])
  .filter((code) => code.split("\n")[0].includes(command.marker));
if (blocks.length === 0) {
  console.error(`No README block says "${command.marker}"`);
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), "aio-readme-"));
try {
  mkdirSync(join(dir, "node_modules", "@aio"), { recursive: true });
  symlinkSync(join(root, "dist"), join(dir, "node_modules", "@aio", "tasks"), "dir");
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  blocks.forEach((code, i) => {
    // bun test finds files named *.test.*; node --test runs the file it is given.
    const file = join(dir, `readme-${i + 1}.test.mjs`);
    writeFileSync(file, code);
    const [program, args] = command.run(file);
    execFileSync(program, args, { cwd: dir, stdio: "inherit", timeout: 60_000 });
  });
  console.log(`${blocks.length} README block(s) passed under ${runner}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
