// Copyright 2026 the @aio/tasks authors. MIT license.
// The smoke scenarios under `bun test`, against the npm build in dist/ (node npm/build.mjs).
// Usage: node tests/smoke/bun.mjs (or bun test ./tests/smoke/)
import { test } from "bun:test";
import * as errors from "../../dist/errors.js";
import * as group from "../../dist/group.js";
import * as introspect from "../../dist/introspect.js";
import * as mod from "../../dist/mod.js";
import * as task from "../../dist/task.js";
import * as testing from "../../dist/testing.js";
import * as timeout from "../../dist/timeout.js";
import * as wait from "../../dist/wait.js";
import { scenarios } from "./scenarios.js";

for (
  const [name, fn] of scenarios({ mod, task, group, wait, timeout, errors, introspect, testing })
) {
  test(name, fn, 10_000);
}
