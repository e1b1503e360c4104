/**
 * scripts/setup.sh, which `npm run dev` and `npm test` run before their work, on a pretend machine: a copy of the
 * script beside a small workspace, and a PATH holding only the tools it needs plus recording stand-ins for the
 * installers (npm, apt-get, sudo, pnpm), which make the tool they install appear on that PATH.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const script = join(import.meta.dirname, "../../scripts/setup.sh");
// What the script and the stand-ins run besides the installers.
const realTools = ["dirname", "cat", "sha256sum", "cut", "head", "env", "node", "chmod", "mkdir"];

let dir: string;
let bin: string;
let log: string;

const stub = (name: string, body: string) => {
  writeFileSync(join(bin, name), `#!/bin/bash\necho "${name} $*" >>"${log}"\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
};
/** A stand-in whose only effect is to exist (or to answer --version). */
const tool = (name: string, version = "1") => stub(name, `echo "${version}"`);

function machine({ root = true } = {}) {
  dir = mkdtempSync(join(tmpdir(), "setup-test-"));
  bin = join(dir, "bin");
  log = join(dir, "calls.log");
  mkdirSync(bin);
  mkdirSync(join(dir, "repo/scripts"), { recursive: true });
  mkdirSync(join(dir, "repo/packages/core"), { recursive: true });
  mkdirSync(join(dir, "global/lib"), { recursive: true });
  copyFileSync(script, join(dir, "repo/scripts/setup.sh"));
  writeFileSync(join(dir, "repo/package.json"), "{}");
  writeFileSync(join(dir, "repo/packages/core/package.json"), "{}");
  writeFileSync(join(dir, "repo/pnpm-workspace.yaml"), "packages: [packages/*]\n");
  writeFileSync(join(dir, "repo/pnpm-lock.yaml"), "lockfileVersion: '9.0'\n");
  writeFileSync(log, "");
  for (const name of realTools) {
    symlinkSync(
      execFileSync("bash", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim(),
      join(bin, name),
    );
  }
  tool("id", root ? "0" : "1000");
  stub("sudo", `"$@"`);
  stub(
    "npm",
    `if [ "$1" = prefix ]; then echo "${dir}/${root ? "global" : "root-owned"}"; exit; fi
     cat >"${bin}/pnpm" <<'PNPM'\n${pnpmStub()}\nPNPM
     chmod +x "${bin}/pnpm"`,
  );
  stub(
    "apt-get",
    `case "$*" in
       *default-jre-headless*) printf '#!/bin/bash\\necho "openjdk 17"\\n' >"${bin}/java"; chmod +x "${bin}/java";;
       *chromium*) printf '#!/bin/bash\\necho "Chromium 1"\\n' >"${bin}/chromium"; chmod +x "${bin}/chromium";;
     esac`,
  );
}

/** pnpm at `version`; `install` fails while $FAIL_INSTALL is set. */
const pnpmStub = (version = "12.21.0") => `#!/bin/bash
echo "pnpm $*" >>"${log}"
case "$1" in
  --version) echo ${version};;
  install) [ -z "$FAIL_INSTALL" ] || exit 1; mkdir -p node_modules;;
esac`;

const installPnpm = (version?: string) => {
  writeFileSync(join(bin, "pnpm"), pnpmStub(version));
  chmodSync(join(bin, "pnpm"), 0o755);
};

/** Runs the script; returns its exit status, what it printed and the installs it ran (not the --version probes). */
function setup(env: Record<string, string> = {}) {
  writeFileSync(log, "");
  const run = spawnSync("/bin/bash", [join(dir, "repo/scripts/setup.sh")], {
    env: { PATH: bin, ...env },
    encoding: "utf8",
  });
  const calls = readFileSync(log, "utf8")
    .split("\n")
    .filter((line) => /^(npm install|apt-get|sudo|pnpm install) /.test(line));
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, calls };
}

const everythingInstalled = () => {
  installPnpm();
  tool("java");
  tool("chromium");
};

describe("scripts/setup.sh", () => {
  beforeEach(() => machine());
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("on a machine with only Node, installs pnpm 12, Java, Chromium and then the dependencies", () => {
    const run = setup();
    expect(run.status, run.stderr).toBe(0);
    expect(run.calls).toEqual([
      "npm install -g pnpm@12.21.0",
      "apt-get update -qq",
      "apt-get install -y -qq --no-install-recommends default-jre-headless",
      "apt-get install -y -qq --no-install-recommends chromium",
      "pnpm install --frozen-lockfile",
    ]);
    expect(run.stdout).toContain("setup: ready");
  });

  it("run again, installs nothing and prints nothing", () => {
    expect(setup().status).toBe(0);
    const again = setup();
    expect(again).toMatchObject({ status: 0, stdout: "", calls: [] });
  });

  it("installs the dependencies again, and only them, when the lockfile or a package.json changed", () => {
    everythingInstalled();
    expect(setup().calls).toEqual(["pnpm install --frozen-lockfile"]);
    writeFileSync(join(dir, "repo/pnpm-lock.yaml"), "lockfileVersion: '9.0'\nimporters: {}\n");
    expect(setup().calls).toEqual(["pnpm install --frozen-lockfile"]);
    writeFileSync(join(dir, "repo/packages/core/package.json"), '{"dependencies":{"zod":"4.6.7"}}');
    expect(setup().calls).toEqual(["pnpm install --frozen-lockfile"]);
    expect(setup().calls).toEqual([]);
  });

  it("retries a failed install on the next run instead of taking it as done", () => {
    everythingInstalled();
    expect(setup({ FAIL_INSTALL: "1" }).status).not.toBe(0);
    const retry = setup();
    expect(retry.status).toBe(0);
    expect(retry.calls).toEqual(["pnpm install --frozen-lockfile"]);
  });

  it("replaces a pnpm of another version", () => {
    everythingInstalled();
    installPnpm("11.0.0");
    expect(setup().calls).toContain("npm install -g pnpm@12.21.0");
  });

  it("installs through sudo when not root and npm's global folder is not writable", () => {
    rmSync(dir, { recursive: true, force: true });
    machine({ root: false });
    const run = setup();
    expect(run.status, run.stderr).toBe(0);
    expect(run.calls).toEqual(
      expect.arrayContaining([
        "sudo npm install -g pnpm@12.21.0",
        "sudo apt-get update -qq",
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium",
      ]),
    );
  });
});
