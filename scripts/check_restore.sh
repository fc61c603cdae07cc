#!/usr/bin/env bash
# Check backup and restore against the local PostgreSQL: tests/test_backup.py fills a database
# with plans, figures (with history), task progress and an evidence file, runs
# scripts/backup.sh, restores with scripts/restore.sh into a new database and a new MEDIA_ROOT,
# and compares export_plans, the figure and history counts, every table's rows and the files.
#
#   scripts/check_restore.sh      # DATABASE_URL defaults to .../ipops_restore_check
#
# pytest-django makes its own test database (test_<name>) and the restored copy beside it,
# and drops both afterwards. `make test` on PostgreSQL runs the same test with the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ipops_restore_check}
export REQUIRE_POSTGRES=1   # fail instead of skipping when PostgreSQL or its tools are missing
exec .venv/bin/python -m pytest tests/test_backup.py -q -p no:cacheprovider "$@"
