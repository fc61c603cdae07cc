#!/usr/bin/env bash
# Load test: two gunicorn servers on 127.0.0.1 sharing one PostgreSQL, driven by locust from a
# separate process; 8 and then 32 concurrent logged-in users for 60 s each. Afterwards it counts
# every save in the database, and writes p50/p95 into the "Load test" section of
# docs/performance.md (WRITE_DOCS=0 to leave the file alone).
#
#   scripts/loadtest.sh                       # the documented run
#   USERS="32" WORKERS=3 WRITE_DOCS=0 scripts/loadtest.sh   # another shape, docs untouched
#
# It creates its own database (LOADTEST_DB, default ipops_load, on 127.0.0.1:5432 as postgres),
# migrates it, loads the plans and the demo data, adds load-test districts and accounts, runs
# collectstatic into the run directory, and serves the portal with DEBUG=0. Only 127.0.0.1 is
# contacted; every step is bounded in time; the servers are stopped and the database dropped at
# the end, also on failure or interruption.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
DB=${LOADTEST_DB:-ipops_load}
PORTS=(${LOADTEST_PORTS:-8101 8102})
WORKERS=${WORKERS:-2}
USERS=${USERS:-"8 32"}
DURATION=${DURATION:-60s}
SPAWN_RATE=${SPAWN_RATE:-8}   # users started per second
DISTRICTS=${DISTRICTS:-14}
WRITE_DOCS=${WRITE_DOCS:-1}
PG=(-h 127.0.0.1 -p 5432 -U postgres)

case "$DB" in
  ipops_load*) ;;
  *) echo "LOADTEST_DB must start with ipops_load (the script drops it at the end)" >&2; exit 2 ;;
esac
for port in "${PORTS[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is in use; set LOADTEST_PORTS to two free ports" >&2; exit 2
  fi
done
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL on 127.0.0.1:5432 is not running" >&2; exit 2; }

RUN=$(mktemp -d /tmp/ipops-loadtest.XXXXXX)
SERVER_PIDS=()
cleanup() {
  status=$?
  trap - EXIT INT TERM
  for pid in "${SERVER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  dropdb "${PG[@]}" --if-exists --force "$DB" >/dev/null 2>&1 || echo "could not drop $DB" >&2
  if [ "${KEEP_RUN:-0}" = 1 ]; then echo "run files kept in $RUN"; else rm -rf "$RUN"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export DJANGO_SETTINGS_MODULE=loadtest.settings
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export CONN_MAX_AGE=${CONN_MAX_AGE:-60}
export DEBUG=0
export SECRET_KEY
SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
export ALLOWED_HOSTS=127.0.0.1
export STATIC_ROOT="$RUN/static" MEDIA_ROOT="$RUN/media"
# Plain HTTP on 127.0.0.1: no TLS proxy in front, so HTTPS enforcement is turned off.
export SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0
export LOADTEST_PASSWORD
LOADTEST_PASSWORD=$($PY -c 'import secrets; print(secrets.token_urlsafe(18))')

echo "== database $DB (run files in $RUN)"
dropdb "${PG[@]}" --if-exists --force "$DB"
createdb "${PG[@]}" "$DB"
timeout 600 $PY manage.py migrate --noinput >"$RUN/migrate.log"
timeout 300 $PY manage.py load_plans >"$RUN/load_plans.log"
timeout 600 $PY loadtest/setup_data.py --districts "$DISTRICTS" --out "$RUN/plan.json"
timeout 300 $PY manage.py collectstatic --noinput >"$RUN/collectstatic.log"
tail -n 1 "$RUN/collectstatic.log"

echo "== two gunicorn servers, $WORKERS workers each"
# Two servers on one machine: newer gunicorn versions open a control socket at a fixed path
# unless told otherwise.
EXTRA=()
if $PY -m gunicorn --help | grep -- --no-control-socket >/dev/null; then EXTRA=(--no-control-socket); fi
HOSTS=""
for port in "${PORTS[@]}"; do
  $PY -m gunicorn ipops.wsgi:application --bind "127.0.0.1:$port" --workers "$WORKERS" \
    --timeout 60 --graceful-timeout 10 --access-logfile "$RUN/access-$port.log" \
    --access-logformat '%(s)s %(m)s %(U)s %(L)s' --error-logfile "$RUN/error-$port.log" \
    "${EXTRA[@]}" &
  SERVER_PIDS+=($!)
  HOSTS="${HOSTS:+$HOSTS,}http://127.0.0.1:$port"
done
for port in "${PORTS[@]}"; do
  for i in $(seq 1 60); do
    code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$port/accounts/login/" || true)
    [ "$code" = 200 ] && break
    [ "$i" = 60 ] && { echo "server on $port did not start (last answer: $code)" >&2; cat "$RUN/error-$port.log" >&2; exit 1; }
    sleep 0.5
  done
done

failed=0
offset=0
results=()
for users in $USERS; do
  echo "== locust: $users users for $DURATION"
  for port in "${PORTS[@]}"; do : >"$RUN/access-$port.log"; done
  cut -d' ' -f1-3 /proc/loadavg >"$RUN/loadavg$users.txt"
  set +e
  LOADTEST_PLAN="$RUN/plan.json" LOADTEST_HOSTS="$HOSTS" LOADTEST_OFFSET=$offset \
  LOADTEST_RESULTS="$RUN/results$users.json" \
    timeout 600 $PY -m locust -f loadtest/locustfile.py --headless -u "$users" -r "$SPAWN_RATE" \
      -t "$DURATION" --stop-timeout 15 --csv "$RUN/run$users" --only-summary \
      --host "http://127.0.0.1:${PORTS[0]}" --loglevel WARNING 2>&1 | tail -n 40
  [ "${PIPESTATUS[0]}" = 0 ] || { echo "locust reported failures"; failed=1; }
  set -e
  cut -d' ' -f1-3 /proc/loadavg >>"$RUN/loadavg$users.txt"
  for port in "${PORTS[@]}"; do
    cp "$RUN/access-$port.log" "$RUN/access-$port-$users.log"
    : >"$RUN/access-$port.log"
    errors=$(awk '$1 >= 400' "$RUN/access-$port-$users.log" | wc -l)
    echo "server $port: $(wc -l <"$RUN/access-$port-$users.log") requests, $errors answers >= 400"
    [ "$errors" = 0 ] || { awk '$1 >= 400' "$RUN/access-$port-$users.log" | head -n 5; failed=1; }
  done
  results+=("$RUN/results$users.json")
  $PY loadtest/check_saves.py "${results[@]}" --out "$RUN/check$users.json" || failed=1
  offset=$((offset + users))
done

echo "== report"
COMMAND="scripts/loadtest.sh   # USERS=\"$USERS\" DURATION=$DURATION WORKERS=$WORKERS SPAWN_RATE=$SPAWN_RATE"
DOCS_ARGS=()
[ "$WRITE_DOCS" = 1 ] && DOCS_ARGS=(--docs docs/performance.md)
$PY loadtest/report.py "$RUN" --users $USERS --command "$COMMAND" --workers "$WORKERS" \
  --duration "$DURATION" "${DOCS_ARGS[@]}"

if [ "$failed" != 0 ]; then
  echo "LOAD TEST FAILED: see the messages above" >&2
  exit 1
fi
echo "load test passed: no failed request, no lost or duplicated save"
