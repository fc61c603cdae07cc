"""Backup and restore (scripts/backup.sh, scripts/restore.sh) on PostgreSQL.

A portal with plans, figures saved twice (with their history), submitted and approved figures,
task progress and an evidence file is backed up with scripts/backup.sh, restored with
scripts/restore.sh into a new database and a new MEDIA_ROOT, and compared: the same
``export_plans`` output, the same figure and history counts, every table with the same rows,
the same sequences, the same evidence file. Skipped on SQLite and where the PostgreSQL client
tools are missing (``.ci/run`` runs it in its PostgreSQL pass).

The test commits its data (pg_dump reads only committed rows), so it uses a transactional
database; pytest-django runs such tests after the others.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from indicators.models import Figure, Indicator
from reporting.services import EntryInput, entries_approve, entries_save, entries_submit
from tasks.models import Task, TaskProgress
from tests.users import make_user

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ("pg_dump", "pg_restore", "psql", "createdb", "dropdb")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres():
    """Skips on SQLite or without the client tools (fails instead with REQUIRE_POSTGRES=1)."""
    give_up = pytest.fail if os.getenv("REQUIRE_POSTGRES") else pytest.skip
    if connection.vendor != "postgresql":
        give_up("backup and restore are checked on PostgreSQL only (set DATABASE_URL)")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        give_up(f"PostgreSQL client tools missing: {', '.join(missing)}")
    return connection.settings_dict


def db_env(settings_dict, name: str, **extra) -> dict:
    """The environment that points the scripts, the tools and manage.py at database ``name``."""
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or "5432"
    user = settings_dict.get("USER") or "postgres"
    env = dict(os.environ, DATABASE_URL=f"postgres://{user}@{host}:{port}/{name}",
               PGHOST=host, PGPORT=str(port), PGUSER=user, PGDATABASE=name, **extra)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def run(args, env) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{args[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def digests(env) -> dict:
    """Per table: row count and a hash of every row; per sequence: its last value."""
    sql = """
    select string_agg(format(
      'select %L, count(*), md5(coalesce(string_agg(t::text, %L order by t::text), %L)) from %I t',
      table_name, '|', '', table_name), ' union all ' order by table_name)
    from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'
    """
    query = run(["psql", "-XtAc", sql], env).strip()
    rows = run(["psql", "-XtA", "-F", "\t", "-c", query], env).splitlines()
    tables = {name: (int(count), digest) for name, count, digest in (r.split("\t") for r in rows)}
    sequences = run(["psql", "-XtA", "-F", "\t", "-c",
                     "select sequencename, last_value from pg_sequences "
                     "where schemaname = 'public' order by 1"], env).splitlines()
    return {"tables": tables, "sequences": sequences}


def fill_portal(media_root: Path) -> None:
    """Plans, figures with history, a review round trip, task progress and an evidence file."""
    call_command("load_plans", stdout=StringIO())  # idempotent: the plans may be there already
    reporter = make_user("backup_reporter", "reporter", "binhai", "区市场监管局（知识产权局）")
    coordinator = make_user("backup_coordinator", "coordinator", "binhai")
    indicators = list(Indicator.objects.filter(plan__district__code="binhai", kind="level")
                      .order_by("pk")[:4])
    keys = [(i.pk, 2023) for i in indicators]
    entries_save(model=Figure, key_fields=("indicator_id", "year"), user=reporter, inputs=[
        EntryInput(key=key, version=0, values={"value": Decimal(10 + n), "note": "初填"})
        for n, key in enumerate(keys)])
    entries_save(model=Figure, key_fields=("indicator_id", "year"), user=reporter, inputs=[
        EntryInput(key=keys[0], version=1, values={
            "value": Decimal("12.5"),
            "evidence_file": SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n% backup check\n")})])
    figures = list(Figure.objects.filter(indicator__in=indicators, year=2023))
    entries_submit(entries=figures, user=reporter)
    entries_approve(entries=Figure.objects.filter(pk__in=[f.pk for f in figures[:2]]),
                    user=coordinator)
    tasks = list(Task.objects.filter(plan__district__code="binhai").order_by("pk")[:3])
    entries_save(model=TaskProgress, key_fields=("task_id", "year", "quarter"), user=coordinator,
                 inputs=[EntryInput(key=(t.pk, 2023, 0), version=0,
                                    values={"status": "in_progress", "percent": 40,
                                            "narrative": "推进中"}) for t in tasks])
    assert any(media_root.rglob("*.pdf")), "the evidence file was not stored under MEDIA_ROOT"


def test_it_restores_the_same_plans_figures_history_and_evidence(postgres, settings, tmp_path):
    media, restored_media = tmp_path / "media", tmp_path / "restored-media"
    settings.MEDIA_ROOT = media
    fill_portal(media)
    source = postgres["NAME"]
    target = f"{source}_restored"
    source_env = db_env(postgres, source, MEDIA_ROOT=str(media))
    target_env = db_env(postgres, target, MEDIA_ROOT=str(restored_media))

    out = run(["bash", "scripts/backup.sh", str(tmp_path / "backups")], source_env)
    backup = Path(out.strip().splitlines()[-1])
    assert sorted(p.name for p in backup.iterdir()) == ["SHA256SUMS", "db.dump", "media.tar.gz"]

    run(["dropdb", "--if-exists", "--force", target], target_env)
    run(["createdb", target], target_env)
    try:
        run(["bash", "scripts/restore.sh", str(backup)], target_env)
        export = [sys.executable, "manage.py", "export_plans", "--format", "json"]
        before, after = run(export, source_env), run(export, target_env)
        assert "滨海新区" in before and len(before) > 10_000
        assert after == before

        counts = ("select (select count(*) from indicators_figure), "
                  "(select count(*) from indicators_historicalfigure), "
                  "(select count(*) from tasks_taskprogress), "
                  "(select count(*) from tasks_historicaltaskprogress)")
        expected = f"{Figure.objects.count()}|{Figure.history.count()}|" \
                   f"{TaskProgress.objects.count()}|{TaskProgress.history.count()}"
        assert expected == "4|11|3|3"  # 4 created, 1 changed, 4 submitted, 2 approved
        assert run(["psql", "-XtAc", counts], target_env).strip() == expected

        original, copy = digests(source_env), digests(target_env)
        assert original["tables"]["indicators_figure"][0] == 4
        assert copy == original

        files = sorted(p.relative_to(media) for p in media.rglob("*") if p.is_file())
        assert files and files == sorted(
            p.relative_to(restored_media) for p in restored_media.rglob("*") if p.is_file())
        for name in files:
            assert (restored_media / name).read_bytes() == (media / name).read_bytes()

        # A second restore into a database that has data is refused without --replace.
        refused = subprocess.run(["bash", "scripts/restore.sh", str(backup)], env=target_env,
                                 cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert refused.returncode != 0 and "already has" in refused.stderr
    finally:
        run(["dropdb", "--if-exists", "--force", target], target_env)
