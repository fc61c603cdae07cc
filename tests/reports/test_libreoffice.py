"""The workbooks open in LibreOffice and print as intended: each is converted to PDF with
``libreoffice --headless --convert-to pdf`` and the PDF is read back with poppler's tools.

Skipped where LibreOffice is not installed (Debian: ``apt-get install -y libreoffice-calc
poppler-utils fonts-noto-cjk``); docs/reports.md describes the check and how to look at the
pages as PNG images.
"""

import os
import re
import shutil
import subprocess

import pytest

from plans.models import District, Plan
from reports import indicators, summary, tasks
from reports.selectors import indicator_report, summary_report, task_report
from tests.reports.conftest import approve_progress, binhai_task

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("libreoffice") is None,
                       reason="LibreOffice is not installed: apt-get install -y libreoffice-calc "
                              "poppler-utils fonts-noto-cjk (see docs/reports.md)"),
]

A4_LANDSCAPE = (841.89, 595.28)
CJK_FONTS = ("CJK", "WenQuanYi", "SimSun", "Song", "Hei", "Ming", "DroidSansFallback")


def convert(tmp_path, files: dict[str, bytes]) -> dict[str, object]:
    for name, content in files.items():
        (tmp_path / f"{name}.xlsx").write_bytes(content)
    env = {**os.environ, "HOME": str(tmp_path), "LC_ALL": "C.UTF-8"}
    subprocess.run(
        ["libreoffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path),
         *[str(tmp_path / f"{name}.xlsx") for name in files]],
        check=True, capture_output=True, timeout=120, env=env,
    )
    return {name: tmp_path / f"{name}.pdf" for name in files}


def pages(pdf) -> list[str]:
    """The text of each page (poppler's pdftotext)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                         capture_output=True, timeout=60).stdout.decode()
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


def page_size(pdf) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          timeout=60).stdout.decode()
    width, height = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    return float(width), float(height)


def test_it_converts_every_workbook_to_a4_landscape_pages(tmp_path, coordinator, binhai_data,
                                                         baoshui_data):
    approve_progress(coordinator, binhai_task("（13）"), 2023, status="delayed", percent=20,
                     narrative="推进滞后", reason="经费未到位", remedy="协调财政加快拨付")
    binhai = District.objects.get(code="binhai")
    baoshui = District.objects.get(code="baoshui")
    files = {
        "indicators_binhai": indicators.workbook_bytes(indicator_report(
            district=binhai, plan=Plan.objects.get(district=binhai), year=2023)),
        "indicators_baoshui": indicators.workbook_bytes(indicator_report(
            district=baoshui, plan=Plan.objects.get(district=baoshui), year=2023)),
        "tasks_binhai": tasks.workbook_bytes(task_report(district=binhai, year=2023)),
        "summary": summary.workbook_bytes(summary_report(districts=District.objects.all(),
                                                         year=2023)),
    }
    pdfs = convert(tmp_path, files)
    for name, pdf in pdfs.items():
        assert pdf.exists() and pdf.stat().st_size > 10_000, name

    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils is not installed: the PDFs were made but not read back")
    for name, pdf in pdfs.items():
        width, height = page_size(pdf)
        assert (round(width), round(height)) == tuple(round(x) for x in A4_LANDSCAPE), name

    # every page of a table repeats its header, shows every column (fitted to the width)
    # and is numbered in the footer
    for name, first, last in (("indicators_binhai", "序号", "说明"),
                              ("tasks_binhai", "重点任务", "更新日期")):
        texts = pages(pdfs[name])
        assert len(texts) >= 2, name
        for number, text in enumerate(texts, 1):
            assert first in text and last in text, (name, number)
            assert f"第 {number} 页，共 {len(texts)} 页" in text, (name, number)
    binhai_pages = pages(pdfs["indicators_binhai"])
    assert "滨海新区 2023年知识产权规划指标完成情况表" in binhai_pages[0]
    assert "有效发明专利量" in binhai_pages[0]
    assert re.search(r"≥32\.0（原≥30）", binhai_pages[0])  # the adjusted target, as printed
    assert "验收" in "".join(pages(pdfs["indicators_baoshui"]))
    # the Chinese text is drawn with a font that has Chinese glyphs (not as empty boxes)
    fonts = subprocess.run(["pdffonts", str(pdfs["indicators_binhai"])], check=True,
                           capture_output=True, timeout=60).stdout.decode()
    assert any(name in fonts for name in CJK_FONTS), (
        "no Chinese font embedded: install fonts-noto-cjk\n" + fonts)
    summary_pages = pages(pdfs["summary"])
    assert "各区知识产权规划实施情况汇总表" in summary_pages[0]
    assert "经费未到位" in "".join(summary_pages)
