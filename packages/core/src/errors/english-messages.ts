import { en } from "zod/locales";
import { config } from "zod/mini";

/**
 * The core's schemas are built with `zod/mini` (tree-shakable: a handler bundles only the schema types and
 * checks it uses). zod/mini installs no messages of its own (every issue would read "Invalid input"); the
 * contract's messages and `issues` are zod's English ones, which the classic `zod` build installs on import.
 * Every module that defines a schema imports this module first, so the messages never depend on which
 * module a handler happened to load. The setting is process-wide and identical to classic zod's own.
 * It is a side-effect import: @rooms/core must not be marked `"sideEffects": false` without keeping this file.
 */
config(en());
