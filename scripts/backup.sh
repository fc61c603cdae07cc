#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database of DATABASE_URL (pg_dump, custom format) and the
# evidence files under MEDIA_ROOT (a tar), into a new directory under DEST (default ./backups):
#
#   DATABASE_URL=postgres://ipops@db.example:5432/ipops MEDIA_ROOT=/srv/ipops/media \
#     scripts/backup.sh /srv/backups
#
# It prints the directory it made: <DEST>/ipops-<YYYYmmdd-HHMMSS>/ with db.dump, media.tar.gz
# and SHA256SUMS. The database is dumped first and the files second: an evidence file is stored
# before the row that names it is committed, so every file the dump refers to is in the tar.
# The portal can keep running meanwhile (pg_dump reads one consistent snapshot).
# Restore with scripts/restore.sh; docs/deploy.md describes both.
set -euo pipefail

DEST=${1:-backups}
: "${DATABASE_URL:?set DATABASE_URL to the portal database, e.g. postgres://user@host:5432/ipops}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "DATABASE_URL is not a PostgreSQL URL; back up an SQLite file by copying it" >&2; exit 2 ;;
esac
MEDIA_ROOT=${MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/media}

STAMP=$(date +%Y%m%d-%H%M%S)
OUT="$DEST/ipops-$STAMP"
mkdir -p "$OUT"
chmod 700 "$OUT"
trap 'status=$?; [ $status = 0 ] || { echo "backup failed; removing $OUT" >&2; rm -rf "$OUT"; }' EXIT

# libpq reads postgresql:// and postgres:// URLs; a password belongs in ~/.pgpass or PGPASSWORD.
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$OUT/db.dump" \
  --dbname="$DATABASE_URL"

if [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$OUT/media.tar.gz" .
else
  echo "MEDIA_ROOT $MEDIA_ROOT does not exist: no evidence files yet, an empty archive is written" >&2
  tar -czf "$OUT/media.tar.gz" -T /dev/null
fi

(cd "$OUT" && sha256sum db.dump media.tar.gz >SHA256SUMS)
echo "database: $(du -h "$OUT/db.dump" | cut -f1)  files: $(du -h "$OUT/media.tar.gz" | cut -f1)" >&2
echo "$OUT"
