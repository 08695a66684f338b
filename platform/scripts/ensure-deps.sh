#!/usr/bin/env bash
# Installs the npm dependencies (Node 24 among them, from the npm registry's `node`
# package) when node_modules is missing or older than package-lock.json. Cheap when current.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash platform/scripts/ensure-host-packages.sh
stamp=node_modules/.kubehpc-lock.sha256
want=$(cat package.json package-lock.json | sha256sum | cut -d" " -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x node_modules/.bin/node ]; then
  exit 0
fi
echo "kubehpc: installing npm dependencies (package-lock.json changed or node_modules missing)"
npm install --no-audit --no-fund --loglevel=error
# tap ships with its ts-node plugin built in; rebuild it with the plugin set package.json asks
# for (tests run on Node 24's own TypeScript support).
PATH="$PWD/node_modules/.bin:$PATH" tap build >/dev/null
echo "$want" > "$stamp"
