"""Shared helpers for tests: the plan texts and the plan files."""

import json
import re
from pathlib import Path

from django.conf import settings

FIXTURES = Path(settings.PLAN_FILES_DIR)
SOURCES = FIXTURES / "sources"
CODES = ["baoshui", "binhai", "chaoyang", "hongqiao", "wuqing"]


def plan_file(code: str) -> dict:
    return json.loads((FIXTURES / f"{code}.json").read_text(encoding="utf-8"))


def source_text(code: str) -> str:
    """The plan's source text, without the conversion's [bookmark: …] noise."""
    name = plan_file(code)["plans"][0]["source_file"]
    text = (SOURCES / name).read_text(encoding="utf-8")
    return re.sub(r"\[bookmark: [^\]]*\]", "", text)


def squash(text: str) -> str:
    """Text with all white space removed, to find phrases the conversion broke across lines."""
    return re.sub(r"\s+", "", text)
