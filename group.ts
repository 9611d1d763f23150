// Copyright 2026 the @aio/tasks authors. MIT license.
/**
 * Placeholder for the group module; its API is not implemented yet.
 *
 * @module
 */
export {};
