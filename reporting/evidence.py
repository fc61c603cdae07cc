"""Evidence files (佐证材料): checked by type, content and size; served only to those with rights."""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# What a file of each type starts with: its extension alone proves nothing.
SIGNATURES = {
    "pdf": [b"%PDF-"],
    "png": [b"\x89PNG\r\n\x1a\n"],
    "jpg": [b"\xff\xd8\xff"],
    "jpeg": [b"\xff\xd8\xff"],
    "docx": [b"PK\x03\x04"],
    "xlsx": [b"PK\x03\x04"],
    "doc": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
    "xls": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
}


def validate_evidence(upload) -> None:
    """Raise a ValidationError (in the user's language) unless ``upload`` is an allowed file."""
    extension = PurePosixPath(upload.name or "").suffix.lower().lstrip(".")
    allowed = settings.EVIDENCE_EXTENSIONS
    if extension not in allowed:
        raise ValidationError(
            _("不支持的文件类型 .%(ext)s；可上传：%(allowed)s。")
            % {"ext": extension or "?", "allowed": pgettext("list separator", "、").join(allowed)}
        )
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("文件过大（%(size)s MB）；单个佐证材料不超过 %(limit)s MB。")
            % {"size": round(upload.size / 1048576, 1), "limit": limit // 1048576}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES.get(extension, [])):
        raise ValidationError(_("文件内容与扩展名 .%(ext)s 不符，请上传真实的文件。") % {"ext": extension})
