"""The XLSX downloads of the programmes pages (beside their CSVs): one answer for every room."""

from __future__ import annotations

import tempfile

from django.http import FileResponse

from qicop.integrations import spreadsheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(sheets, filename: str) -> FileResponse:
    """``sheets`` ((title, header, rows) each, header in the reader's language) as an XLSX attachment,
    spooled to disk past 10 MB."""
    spooled = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115 - streamed back
    spreadsheet.write_people_workbook(sheets, spooled)
    spooled.seek(0)
    return FileResponse(spooled, content_type=XLSX, as_attachment=True, filename=filename)
