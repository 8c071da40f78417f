"""HTML to PDF with WeasyPrint: letters, certificates and proceedings are templates first, PDFs second."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document to PDF bytes. Nothing is fetched over the network: style must be inline
    (a <style> element), images data: URIs or files of the qicop package (e.g. its static folder)."""
    from weasyprint import HTML  # imported here: it loads Pango, which most requests never need

    return HTML(string=html, base_url=str(PACKAGE_DIR), url_fetcher=_fetcher()).write_pdf()


def _fetcher():
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        """data: URIs and the application's own files; never the network, never other local files."""

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(url.removeprefix("file://").split("?")[0]).resolve()
                if not path.is_relative_to(PACKAGE_DIR):
                    raise ValueError(f"refused to read {url}: outside the application")
            elif not url.startswith("data:"):
                raise ValueError(f"refused to fetch {url}: PDFs are rendered from local files only")
            return super().fetch(url, headers)

    return LocalOnly(allowed_protocols={"data", "file"})
