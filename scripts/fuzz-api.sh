#!/usr/bin/env bash
# Fuzz the JSON API against its own OpenAPI document with schemathesis: no request may get a 500, and
# every response must match the documented status codes and schemas. Runs on a scratch demo database
# and a loopback port; takes about a minute. Not part of `make test` (it is slow and random by design).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${FUZZ_PORT:-5099}
DB=$(mktemp -d)/fuzz.sqlite
.venv/bin/pip install --quiet schemathesis
export FLASK_APP=wsgi.py DATABASE_URL="sqlite:///$DB" LOGIN_RATE_LIMIT="10000 per minute"
.venv/bin/flask db upgrade >/dev/null 2>&1
.venv/bin/flask demo load --projects 30
.venv/bin/gunicorn --workers 2 --bind "127.0.0.1:$PORT" wsgi:app >/dev/null 2>&1 &
server=$!
trap 'kill $server' EXIT
sleep 3
token=$(curl -s -X POST "http://127.0.0.1:$PORT/api/v1/auth/token" -H 'Content-Type: application/json' \
  -d '{"username": "leader", "password": "Demo@2026"}' | .venv/bin/python -c 'import json, sys; print(json.load(sys.stdin)["token"])')
.venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/v1/openapi.json" -H "Authorization: Bearer $token" \
  -c not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  -n "${FUZZ_EXAMPLES:-60}" --exclude-operation-id create_token --exclude-operation-id revoke_token
