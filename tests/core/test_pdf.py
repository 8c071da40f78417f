"""PDFs are rendered from the application's own files: never the network, never other local files."""

import pytest

from qicop.core.pdf import _fetcher, html_to_pdf


def test_html_becomes_a_pdf_with_accented_text():
    pdf = html_to_pdf("<h1>Relatório de avaliação — Hôpital</h1>")
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 1000


def test_the_fetcher_refuses_the_network_and_files_outside_the_application():
    fetcher = _fetcher()
    for url in ("https://example.org/logo.png", "http://127.0.0.1/", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)


def test_a_page_naming_remote_images_still_renders_without_them():
    assert html_to_pdf('<p>x<img src="https://example.org/a.png"></p>').startswith(b"%PDF-")
