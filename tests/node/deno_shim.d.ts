// Copyright 2026 the @aio/tasks authors. MIT license.
// For the Node build of the tests only (tsconfig.tests.json): the one Deno API the tests may
// use, `Deno.test`, typed by @deno/shim-deno-test. setup.mjs provides it at run time.
import type * as shim from "@deno/shim-deno-test";

declare global {
  namespace Deno {
    const test: typeof shim.test;
    type TestContext = shim.TestContext;
    type TestDefinition = shim.TestDefinition;
    type TestStepDefinition = shim.TestStepDefinition;
  }
}
