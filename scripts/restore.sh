#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database of DATABASE_URL and MEDIA_ROOT:
#
#   createdb -h db.example -U postgres -O ipops ipops          # a new, empty database
#   DATABASE_URL=postgres://ipops@db.example:5432/ipops MEDIA_ROOT=/srv/ipops/media \
#     scripts/restore.sh /srv/backups/ipops-20250131-020000
#   .venv/bin/python manage.py migrate    # when the code is newer than the backup
#
# The database must exist and be empty, and MEDIA_ROOT must be empty or missing: the script
# refuses to mix a backup with other data. With --replace it first drops every object of the
# database (pg_restore --clean) and empties MEDIA_ROOT: for restoring over a broken portal.
# Stop the app servers (and cron jobs) while restoring.
set -euo pipefail

REPLACE=0
if [ "${1:-}" = "--replace" ]; then REPLACE=1; shift; fi
SRC=${1:?usage: scripts/restore.sh [--replace] BACKUP_DIR}
: "${DATABASE_URL:?set DATABASE_URL to the database to restore into}"
MEDIA_ROOT=${MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/media}

[ -f "$SRC/db.dump" ] && [ -f "$SRC/media.tar.gz" ] || {
  echo "$SRC does not hold db.dump and media.tar.gz" >&2; exit 2; }
if [ -f "$SRC/SHA256SUMS" ]; then
  (cd "$SRC" && sha256sum --quiet --check SHA256SUMS) || { echo "checksums do not match" >&2; exit 2; }
fi

tables=$(psql --dbname="$DATABASE_URL" -tAc \
  "select count(*) from information_schema.tables where table_schema = 'public'")
if [ "$tables" != 0 ] && [ "$REPLACE" != 1 ]; then
  echo "the database already has $tables tables; restore into a new database, or use --replace" >&2
  exit 2
fi
if [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ] && [ "$REPLACE" != 1 ]; then
  echo "MEDIA_ROOT $MEDIA_ROOT is not empty; use --replace to empty it first" >&2
  exit 2
fi

CLEAN=()
[ "$REPLACE" = 1 ] && CLEAN=(--clean --if-exists)
# One transaction: the database is restored completely or not at all.
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction "${CLEAN[@]}" \
  --dbname="$DATABASE_URL" "$SRC/db.dump"

mkdir -p "$MEDIA_ROOT"
if [ "$REPLACE" = 1 ]; then
  find "$MEDIA_ROOT" -mindepth 1 -delete
fi
tar -C "$MEDIA_ROOT" -xzf "$SRC/media.tar.gz"

echo "restored $SRC: $(psql --dbname="$DATABASE_URL" -tAc 'select count(*) from indicators_figure') figures," \
  "$(find "$MEDIA_ROOT" -type f | wc -l) files under $MEDIA_ROOT"
