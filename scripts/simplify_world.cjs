// Build step of scripts/vendor_assets.sh: print @svg-maps/world as an SVG whose outlines
// are simplified by simplify-js. Usage: node simplify_world.cjs WORLD_INDEX_JS SIMPLIFY_JS
//
// The published paths use only "m" (relative move, then implicit relative line-tos)
// and "z"; anything else stops the build rather than drawing a wrong map.
"use strict";
const fs = require("fs");
const [worldFile, simplifyFile] = process.argv.slice(2);
const simplify = require(require("path").resolve(simplifyFile));
const source = fs.readFileSync(worldFile, "utf8").replace(/^export default /, "").replace(/;?\s*$/, "");
const world = JSON.parse(source);
const TOLERANCE = 0.5;  // view-box units (the box is 1010 wide): under a pixel at full width

function rings(d) {
  const tokens = d.match(/[a-zA-Z]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?/g);
  const found = [];
  let x = 0, y = 0, startX = 0, startY = 0, ring = null, i = 0;
  while (i < tokens.length) {
    const token = tokens[i];
    if (token === "m") { ring = []; i += 1; continue; }
    if (token === "z") { if (ring) found.push(ring); ring = null; x = startX; y = startY; i += 1; continue; }
    if (/^[a-zA-Z]$/.test(token) || ring === null) throw new Error(`unexpected path data: ${token}`);
    x += parseFloat(token); y += parseFloat(tokens[i + 1]); i += 2;
    if (ring.length === 0) { startX = x; startY = y; }
    ring.push({ x, y });
  }
  if (ring && ring.length) found.push(ring);
  return found;
}

function area(ring) {
  let sum = 0;
  for (let i = 0; i < ring.length; i += 1) {
    const a = ring[i], b = ring[(i + 1) % ring.length];
    sum += a.x * b.y - b.x * a.y;
  }
  return Math.abs(sum / 2);
}

const round = (value) => Math.round(value * 10) / 10;
const lines = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="${world.viewBox}">`];
for (const location of world.locations) {
  const all = rings(location.path);
  let kept = all.map((ring) => simplify(ring, TOLERANCE, true)).filter((ring) => ring.length >= 3);
  if (kept.length === 0) {
    // A country smaller than the tolerance (Andorra, Singapore) keeps its largest outline.
    kept = [all.reduce((best, ring) => (area(ring) > area(best) ? ring : best))];
  }
  const d = kept.map((ring) => {
    const points = [];
    for (const point of ring) {
      const text = `${round(point.x)} ${round(point.y)}`;
      if (points[points.length - 1] !== text) points.push(text);
    }
    return `M${points.join("L")}Z`;
  }).join("");
  const name = location.name.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
  lines.push(`<path id="${location.id.toUpperCase()}" aria-label="${name}" d="${d}"/>`);
}
lines.push("</svg>");
process.stdout.write(lines.join("\n") + "\n");
