#!/usr/bin/env bash
# Onboards N (5,000) customer domains end to end on the local edge (import, proofs published in the
# local DNS, verify, certificates validated through the emulator, active), kills the import once
# KILL_AT distribution tenants exist, reruns it, and checks: every host has exactly one
# distribution tenant and is served. Prints the rerun's summary (time, calls per domain, throttled).
# Usage: scripts/domains-5000.sh   (N, KILL_AT, RATE, CONCURRENCY in the environment)
set -euo pipefail
N=${N:-5000}; KILL_AT=${KILL_AT:-1000}; RATE=${RATE:-100}; CONCURRENCY=${CONCURRENCY:-32}
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
export AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING=1
node --import tsx scripts/local-edge.ts --latency none --replication-lag 0 --port 0 --control-port 0 --json \
  > "$dir/edge.json" 2> "$dir/edge.err" &
edge=$!
trap 'kill "$edge" 2>/dev/null || true; rm -rf "$dir"' EXIT
until [ -s "$dir/edge.json" ]; do sleep 0.2; done
field() { node -e "const j=JSON.parse(require('fs').readFileSync('$dir/edge.json','utf8'));console.log($1)"; }
export DYNAMODB_ENDPOINT=$(field j.dynamodbEndpoint) LOCAL_EDGE_CONTROL=$(field j.controlUrl)
eval "export $(field "Object.entries(j.cloudFront).map(([k,v])=>k+'='+v).join(' ')")"
edge_url=$(field j.url)
seeded=$(curl -s "$LOCAL_EDGE_CONTROL/cloudfront" | node -e "process.stdin.on('data',d=>console.log(JSON.parse(d).tenants))")
node --import tsx scripts/tenants.ts add bulk-a us-east-1 >/dev/null 2>&1
node --import tsx scripts/tenants.ts add bulk-b eu-west-1 >/dev/null 2>&1
node -e "let s='host,tenant\n';for(let i=0;i<$N;i++)s+='d'+i+'.bulk'+(i%50)+'.example,bulk-'+(i%2?'b':'a')+'\n';require('fs').writeFileSync('$dir/domains.csv',s)"
args=(import "$dir/domains.csv" --simulate-customer-dns --rate "$RATE" --concurrency "$CONCURRENCY" --poll-ms 200)
tenants() { curl -s "$LOCAL_EDGE_CONTROL/cloudfront" | node -e "process.stdin.on('data',d=>console.log(JSON.parse(d).tenants))"; }
start=$(date +%s.%N)
node --import tsx scripts/domains.ts "${args[@]}" > "$dir/first.out" 2>&1 &
first=$!
while [ "$(( $(tenants) - seeded ))" -lt "$KILL_AT" ]; do sleep 0.5; done
kill -9 "$first"; wait "$first" 2>/dev/null || true
killed=$(date +%s.%N)
echo "killed the first import at $(( $(tenants) - seeded )) distribution tenants after $(node -e "console.log(($killed-$start).toFixed(1))") s"
node --import tsx scripts/domains.ts "${args[@]}" --json > "$dir/rerun.json" 2> "$dir/rerun.err" || true
done_at=$(date +%s.%N)
echo "rerun finished after $(node -e "console.log(($done_at-$killed).toFixed(1))") s; total $(node -e "console.log(($done_at-$start).toFixed(1))") s"
cat "$dir/rerun.json"
echo "distribution tenants now: $(( $(tenants) - seeded )) (expected $N)"
curl -s "$LOCAL_EDGE_CONTROL/cloudfront"
echo
curl -s -o /dev/null -w 'd7.bulk7.example through the edge: HTTP %{http_code}\n' -H 'Host: d7.bulk7.example' "$edge_url/"
