#!/usr/bin/env bash
# The marketplace loop through the API against a running demo (make run): a client posts a gig,
# a freelancer bids, the client accepts, tops up in the sandbox (checkout page -> signed webhook
# by the worker), funds, the freelancer submits, the client approves. Prints the balances.
# Usage: scripts/api_walkthrough.sh [BASE_URL]   (default http://127.0.0.1:8000)
set -euo pipefail
ROOT=${1:-http://127.0.0.1:8000}
B=$ROOT/api/v1
jar=$(mktemp); page=$(mktemp)
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
CT=$(curl -s -X POST $B/auth/token/ -H 'Content-Type: application/json' -d '{"username":"toko_sari","password":"garap-demo-2026"}' | j 'd["token"]')
FT=$(curl -s -X POST $B/auth/token/ -H 'Content-Type: application/json' -d '{"username":"budi.desain","password":"garap-demo-2026"}' | j 'd["token"]')
CAT=$(curl -s "$B/categories/" | j '[c["id"] for c in d["results"] if c["slug"]=="desain-grafis"][0]')
BD=$(python3 -c "import datetime as d; print((d.datetime.now(d.timezone.utc)+d.timedelta(days=3)).isoformat())")
DD=$(python3 -c "import datetime as d; print((d.datetime.now(d.timezone.utc)+d.timedelta(days=10)).isoformat())")
echo "# client posts a gig"
GIG=$(curl -s -X POST $B/gigs/ -H "Authorization: Bearer $CT" -H 'Content-Type: application/json' -d "{\"title\":\"Banner promo Ramadan\",\"description\":\"Banner 1080x1080 untuk promo kue kering Ramadan, dua versi warna.\",\"category\":$CAT,\"budget\":200000,\"bidding_deadline\":\"$BD\",\"delivery_deadline\":\"$DD\",\"publish\":true}")
echo "$GIG" | j '{k: d[k] for k in ("id","status","budget","bid_count")}'
GID=$(echo "$GIG" | j 'd["id"]')
echo "# freelancer bids"
BID=$(curl -s -X POST $B/gigs/$GID/bids/ -H "Authorization: Bearer $FT" -H 'Content-Type: application/json' -d '{"amount":180000,"delivery_days":3,"cover_letter":"Dua versi warna dalam tiga hari, file PNG dan PSD."}')
echo "$BID" | j '{k: d[k] for k in ("id","amount","platform_fee","freelancer_receives","status")}'
BIDID=$(echo "$BID" | j 'd["id"]')
echo "# client accepts"
CON=$(curl -s -X POST $B/bids/$BIDID/accept/ -H "Authorization: Bearer $CT")
echo "$CON" | j '{"contract": d["id"], "status": d["status"], "milestones": [(m["id"], m["amount"], m["status"]) for m in d["milestones"]]}'
MID=$(echo "$CON" | j 'd["milestones"][0]["id"]')
echo "# client wallet before"; curl -s $B/wallet/ -H "Authorization: Bearer $CT"; echo
echo "# client tops up Rp 300.000 through the sandbox: deposit, then pay on the checkout page"
DEP=$(curl -s -X POST $B/wallet/deposits/ -H "Authorization: Bearer $CT" -H 'Content-Type: application/json' -d '{"amount":300000}')
URL=$(echo "$DEP" | j 'd["checkout_url"]'); echo "checkout_url: $URL"
curl -s -c "$jar" -b "$jar" "$URL" -o "$page"
TOKEN=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' "$page" | head -1 | sed 's/.*value="//; s/"//')
BEFORE=$(curl -s $B/wallet/ -H "Authorization: Bearer $CT" | j 'd["available"]')
curl -s -c "$jar" -b "$jar" -X POST "$URL" -H "Referer: $URL" -d "csrfmiddlewaretoken=$TOKEN&outcome=pay" -o /dev/null -w "checkout POST: %{http_code}\n"
# The worker delivers the gateway's webhook: wait for the wallet to show the top-up.
for _ in $(seq 60); do
  NOW=$(curl -s $B/wallet/ -H "Authorization: Bearer $CT" | j 'd["available"]')
  [ "$NOW" != "$BEFORE" ] && break
  sleep 0.5
done
echo "# client wallet after the gateway's webhook"; curl -s $B/wallet/ -H "Authorization: Bearer $CT"; echo
echo "# fund, submit, approve"
curl -s -X POST $B/milestones/$MID/fund/ -H "Authorization: Bearer $CT" -H "Idempotency-Key: fund-$MID" | j '(d["status"], d["amount"])'
curl -s -X POST $B/milestones/$MID/submit/ -H "Authorization: Bearer $FT" -H 'Content-Type: application/json' -d '{"note":"Dua banner terlampir."}' | j 'd["status"]'
curl -s -X POST $B/milestones/$MID/approve/ -H "Authorization: Bearer $CT" -H "Idempotency-Key: approve-$MID" | j 'd["status"]'
curl -s -X POST $B/milestones/$MID/approve/ -H "Authorization: Bearer $CT" -H "Idempotency-Key: approve-$MID" -D - -o /dev/null | grep -i replayed
echo "# balances"
echo -n "client: "; curl -s $B/wallet/ -H "Authorization: Bearer $CT"; echo
echo -n "freelancer: "; curl -s $B/wallet/ -H "Authorization: Bearer $FT"; echo
