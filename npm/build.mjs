// Copyright 2026 the @aio/tasks authors. MIT license.
// Builds the npm package into dist/: per-file ESM, .d.ts and declaration maps compiled by tsc
// (tsconfig.build.json), the TypeScript sources the maps point at (dist/src/), a package.json made
// from npm/package.template.json with the version and "exports" of deno.json, the README and the
// licence. Usage: node npm/build.mjs   (then: cd dist && npm publish)
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const readJson = (path) => JSON.parse(readFileSync(join(root, path), "utf8"));

// Built aside and moved into place at the end, so that a run reading dist/ meanwhile (tests
// started from another shell) never sees it half written.
const out = join(root, "node_modules", ".cache", "aio-tasks", `dist-${process.pid}`);
rmSync(out, { recursive: true, force: true });
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
try {
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", out], {
    stdio: "inherit",
  });
} catch {
  rmSync(out, { recursive: true, force: true });
  console.error("Cannot build the npm package: tsc reported the errors above");
  process.exit(1);
}

// tsc writes each declaration map's "sources" relative to its output folder, pointing at the
// repository's files, which a consumer's node_modules does not have. The sources are shipped in
// dist/src/ and each map points there, so that "go to definition" in a consumer's editor opens
// the TypeScript source. Not beside the .d.ts files: a .d.ts imports "./task.ts", which
// TypeScript resolves to task.ts before task.d.ts, and it would then type-check the sources
// under the consumer's compiler options.
const fail = (message) => {
  console.error(`Cannot build the npm package: ${message}`);
  rmSync(out, { recursive: true, force: true });
  process.exit(1);
};
const posix = (path) => path.split(sep).join("/");
for (const file of readdirSync(out).filter((file) => file.endsWith(".d.ts.map"))) {
  const map = JSON.parse(readFileSync(join(out, file), "utf8"));
  map.sources = map.sources.map((source) => {
    const path = relative(root, resolve(out, map.sourceRoot ?? "", source));
    if (path.startsWith("..") || isAbsolute(path) || !path.endsWith(".ts")) {
      fail(`dist/${file} maps to ${source}, which is not a TypeScript file of the repository`);
    }
    mkdirSync(dirname(join(out, "src", path)), { recursive: true });
    copyFileSync(join(root, path), join(out, "src", path));
    return posix(relative(dirname(join(out, file)), join(out, "src", path)));
  });
  delete map.sourceRoot;
  writeFileSync(join(out, file), JSON.stringify(map));
}

const deno = readJson("deno.json");
const pkg = readJson("npm/package.template.json");
pkg.version = deno.version;
pkg.exports = {};
for (const [subpath, source] of Object.entries(deno.exports)) {
  const base = source.replace(/^\.\//, "").replace(/\.ts$/, "");
  for (const file of [`${base}.js`, `${base}.d.ts`]) {
    if (!existsSync(join(out, file))) {
      console.error(`Cannot build the npm package: tsc did not write dist/${file}`);
      rmSync(out, { recursive: true, force: true });
      process.exit(1);
    }
  }
  pkg.exports[subpath] = { types: `./${base}.d.ts`, default: `./${base}.js` };
}
pkg.exports["./package.json"] = "./package.json";
// The package says "sideEffects": false, so bundlers may drop any import whose bindings are
// unused. That is only true while no module imports another for its side effects alone
// (`import "./x.js"`): such an import would be dropped and break the package.
for (const file of readdirSync(out).filter((file) => file.endsWith(".js"))) {
  const source = readFileSync(join(out, file), "utf8");
  for (const [, target] of source.matchAll(/^import\s+["'](\.\/[^"']+)["']/gm)) {
    if (pkg.sideEffects === false) {
      console.error(
        `Cannot build the npm package as dist/${file} imports ${target} for its side effects ` +
          `while the package declares "sideEffects": false`,
      );
      rmSync(out, { recursive: true, force: true });
      process.exit(1);
    }
  }
}
writeFileSync(join(out, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
for (const file of ["README.md", "LICENSE"]) copyFileSync(join(root, file), join(out, file));
// The README's chart, which both package pages show from the npm package through a CDN.
mkdirSync(join(out, "bench"), { recursive: true });
copyFileSync(join(root, "bench", "chart.svg"), join(out, "bench", "chart.svg"));
rmSync(dist, { recursive: true, force: true });
renameSync(out, dist);
console.log(
  `Built ${pkg.name}@${pkg.version} in dist/ (${Object.keys(deno.exports).length} entry points)`,
);
