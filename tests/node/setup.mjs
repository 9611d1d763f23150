// Copyright 2026 the @aio/tasks authors. MIT license.
// Runs Deno.test definitions under node:test: `node --import ./tests/node/setup.mjs --test …`.
// @deno/shim-deno-test turns each Deno.test call into a definition pushed onto
// `testDefinitions`; each one is handed to node:test as it is pushed.
import { test } from "node:test";
import { Deno, testDefinitions } from "@deno/shim-deno-test";

let only = false;

testDefinitions.push = function (...definitions) {
  for (const definition of definitions) register(definition);
  return Array.prototype.push.apply(this, definitions);
};
globalThis.Deno = Deno;

function register(definition) {
  if (definition.only && !only) {
    only = true;
    // Like `deno test`, a run that uses `only` fails even when the selected tests pass.
    test("Deno.test: the 'only' option was used", () => {
      throw new Error("Remove the 'only' option before committing");
    });
  }
  test(definition.name, { skip: definition.ignore === true }, (t) => {
    if (only && !definition.only) return t.skip("another test uses 'only'");
    return definition.fn(context(t, definition.name, undefined));
  });
}

// The part of Deno.TestContext the tests use: `name`, `origin`, `parent` and `step()`.
function context(t, name, parent) {
  return {
    name,
    origin: "",
    parent,
    async step(nameOrDefinition, fn) {
      const step = typeof nameOrDefinition === "string"
        ? { name: nameOrDefinition, fn }
        : typeof nameOrDefinition === "function"
        ? { name: nameOrDefinition.name, fn: nameOrDefinition }
        : nameOrDefinition;
      let passed = true;
      await t.test(step.name, { skip: step.ignore === true }, async (inner) => {
        try {
          await step.fn(context(inner, step.name, this));
        } catch (error) {
          passed = false;
          throw error;
        }
      });
      return passed && step.ignore !== true;
    },
  };
}
