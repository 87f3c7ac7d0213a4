/**
 * Loads every operator task: one task per file in this folder (tasks/lib holds their shared frame).
 * Imported by hardhat.config.ts, so nothing here may import "hardhat" at load time (see tasks/lib/cli.ts).
 */
import fs from "node:fs";
import path from "node:path";

for (const file of fs.readdirSync(__dirname).sort()) {
  if (!/\.ts$/.test(file) || file === "index.ts" || file.endsWith(".d.ts")) continue;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(__dirname, file));
}
