#!/bin/sh
# Rebuild the third-party front-end assets under expertnet/static/vendor/ from the npm
# registry, at pinned versions, with their licences. The built files are committed: the
# application never fetches anything at run time and needs no Node.js to run.
#
#   sh scripts/vendor_assets.sh          (needs node and npm; run from the repository root)
#
# - chartjs/: Chart.js (MIT), its UMD build as published.
# - svg-maps-world/: the world map of @svg-maps/world (CC BY 4.0, by Victor Cazanave),
#   countries with ISO 3166-1 alpha-2 ids. Adapted: each outline is simplified with
#   simplify-js (BSD-2-Clause) and its coordinates rounded to 0.1 of the 1010 × 666
#   view box (the published map weighs 1.2 MB; a page carries the simplified one).
set -eu

CHARTJS_VERSION=4.6.1
WORLD_VERSION=2.0.0
SIMPLIFY_VERSION=1.2.4

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENDOR="$ROOT/expertnet/static/vendor"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "chart.js@$CHARTJS_VERSION" "@svg-maps/world@$WORLD_VERSION" \
    "simplify-js@$SIMPLIFY_VERSION" >/dev/null
for archive in *.tgz; do
    mkdir "${archive%.tgz}" && tar -xzf "$archive" -C "${archive%.tgz}"
done

mkdir -p "$VENDOR/chartjs" "$VENDOR/svg-maps-world"
cp "chart.js-$CHARTJS_VERSION/package/dist/chart.umd.min.js" "$VENDOR/chartjs/chart.umd.min.js"
cp "chart.js-$CHARTJS_VERSION/package/LICENSE.md" "$VENDOR/chartjs/LICENSE.md"
echo "chart.js $CHARTJS_VERSION (npm), dist/chart.umd.min.js" > "$VENDOR/chartjs/VERSION"

node "$ROOT/scripts/simplify_world.cjs" \
    "svg-maps-world-$WORLD_VERSION/package/index.js" \
    "simplify-js-$SIMPLIFY_VERSION/package/simplify.js" \
    > "$VENDOR/svg-maps-world/world.svg"
cp "svg-maps-world-$WORLD_VERSION/package/LICENSE.md" "$VENDOR/svg-maps-world/LICENSE.md"
cp "simplify-js-$SIMPLIFY_VERSION/package/LICENSE" "$VENDOR/svg-maps-world/LICENSE-simplify-js"
cat > "$VENDOR/svg-maps-world/VERSION" <<NOTE
@svg-maps/world $WORLD_VERSION (npm), by Victor Cazanave, CC BY 4.0 (LICENSE.md).
Adapted by scripts/vendor_assets.sh: outlines simplified with simplify-js $SIMPLIFY_VERSION
(BSD-2-Clause, LICENSE-simplify-js), coordinates rounded to 0.1, ids upper-cased.
NOTE
ls -l "$VENDOR/chartjs" "$VENDOR/svg-maps-world"
