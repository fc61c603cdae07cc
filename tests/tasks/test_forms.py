"""The lead unit's progress form: ranges, consistency, delay explanations and evidence files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tasks.forms import ProgressForm

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def data(**values):
    base = {"status": "in_progress", "percent": "40", "narrative": "已出台激励办法。",
            "reason": "", "remedy": "", "evidence_link": "", "version": "0"}
    base.update(values)
    return base


def test_it_accepts_a_plain_entry():
    form = ProgressForm(data())
    assert form.is_valid(), form.errors
    assert form.entry_values()["percent"] == 40


def test_it_refuses_a_percent_above_100():
    form = ProgressForm(data(percent="120"))
    assert not form.is_valid()
    assert form.errors["percent"] == ["完成百分比须为 0 到 100 之间的整数。"]


def test_it_refuses_a_negative_percent():
    form = ProgressForm(data(percent="-5"))
    assert not form.is_valid()
    assert "完成百分比须为 0 到 100 之间的整数。" in form.errors["percent"]


def test_it_refuses_completed_below_100_next_to_the_percent():
    form = ProgressForm(data(status="completed", percent="90"))
    assert not form.is_valid()
    assert form.errors["percent"] == ["推进状态为“已完成”时，完成百分比应为 100。"]
    assert "status" not in form.errors


def test_it_accepts_completed_at_100():
    assert ProgressForm(data(status="completed", percent="100")).is_valid()


def test_it_refuses_100_percent_while_in_progress():
    form = ProgressForm(data(status="in_progress", percent="100"))
    assert not form.is_valid()
    assert form.errors["percent"] == ["完成百分比为 100 时，推进状态应为“已完成”。"]


def test_it_refuses_percent_on_a_task_not_started():
    form = ProgressForm(data(status="not_started", percent="10"))
    assert not form.is_valid()
    assert form.errors["percent"] == ["推进状态为“未开始”时，完成百分比应为 0。"]


def test_it_requires_reason_and_remedy_when_delayed():
    form = ProgressForm(data(status="delayed", percent="20"))
    assert not form.is_valid()
    assert form.errors["reason"] == ["推进状态为“滞后”，须填写滞后原因。"]
    assert form.errors["remedy"] == ["推进状态为“滞后”，须填写整改措施。"]


def test_it_accepts_delayed_with_reason_and_remedy():
    form = ProgressForm(data(status="delayed", percent="20", reason="资金未到位", remedy="四季度追加预算"))
    assert form.is_valid(), form.errors
    assert form.entry_values()["reason"] == "资金未到位"


def test_it_requires_reason_and_remedy_after_a_delayed_period():
    form = ProgressForm(data(status="in_progress"), previous_delayed=True)
    assert not form.is_valid()
    assert form.errors["reason"] == ["上期为滞后，须填写滞后原因。"]
    assert form.errors["remedy"] == ["上期为滞后，须填写整改措施。"]


def test_it_requires_a_narrative_only_to_submit():
    assert ProgressForm(data(narrative="")).is_valid()
    form = ProgressForm(data(narrative=""), submitting=True)
    assert not form.is_valid()
    assert form.errors["narrative"] == ["提交审核前请填写进展情况。"]


def test_it_accepts_a_real_pdf():
    upload = SimpleUploadedFile("会议纪要.pdf", PDF, content_type="application/pdf")
    form = ProgressForm(data(), {"evidence_file": upload})
    assert form.is_valid(), form.errors
    assert form.entry_values()["evidence_file"] is upload


def test_it_refuses_a_wrong_file_type():
    upload = SimpleUploadedFile("script.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    form = ProgressForm(data(), {"evidence_file": upload})
    assert not form.is_valid()
    assert "不支持的文件类型 .exe" in form.errors["evidence_file"][0]


def test_it_refuses_a_text_file_renamed_pdf():
    upload = SimpleUploadedFile("报告.pdf", "这是一个文本文件".encode(), content_type="application/pdf")
    form = ProgressForm(data(), {"evidence_file": upload})
    assert not form.is_valid()
    assert form.errors["evidence_file"] == ["文件内容与扩展名 .pdf 不符，请上传真实的文件。"]


def test_it_refuses_an_oversized_file(settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("大文件.pdf", PDF + b"0" * (1024 * 1024 + 1))
    form = ProgressForm(data(), {"evidence_file": upload})
    assert not form.is_valid()
    assert "文件过大" in form.errors["evidence_file"][0]
    assert "不超过 1 MB" in form.errors["evidence_file"][0]


@pytest.mark.parametrize("link", ["javascript:alert(1)", "not a link"])
def test_it_refuses_a_bad_link(link):
    form = ProgressForm(data(evidence_link=link))
    assert not form.is_valid()
    assert "evidence_link" in form.errors
