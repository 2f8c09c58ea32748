// Copies the built front-end files that `npm ci` installed (versions fixed by package-lock.json) to where
// the app serves them. The target folder is git-ignored: nothing from npm is committed, nothing comes from a CDN.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "src", "fupin", "web", "static", "vendor");
const files = {
  "htmx.min.js": join("htmx.org", "dist", "htmx.min.js"),
  "echarts.min.js": join("echarts", "dist", "echarts.min.js"),
};

mkdirSync(target, { recursive: true });
for (const [name, source] of Object.entries(files)) {
  copyFileSync(join(root, "node_modules", source), join(target, name));
  console.log(`vendor: ${source} -> src/fupin/web/static/vendor/${name}`);
}
