"""PDF documents with WeasyPrint, for intranet deployments: nothing is ever fetched from outside.

Every document is rendered from our own HTML. Its resources may only be inline `data:` URIs or
files under the app's own static folder (e.g. /static/css/print.css); any other URL — http(s),
file paths elsewhere, ftp — is refused before a connection is made, and the refusal is logged.
Chinese text needs the 'Noto Sans CJK SC' font (Debian fonts-noto-cjk) and libharfbuzz-subset0,
without which WeasyPrint embeds whole CJK fonts and a one-page brief takes ~14 s instead of ~0.3 s.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher

STATIC_PREFIX = "/static/"


class LocalOnlyFetcher(URLFetcher):
    """A URL fetcher that serves `data:` URIs and our own static files, and refuses the rest."""

    def __init__(self, static_folder: str) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, timeout=2)
        self.static_root = Path(static_folder).resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if path is not None and path.is_relative_to(self.static_root) and path.is_file():
            return super().fetch(path.as_uri(), headers)
        self.refused.append(url)
        current_app.logger.warning("PDF: refused to fetch %s (only the app's own static files are used)", url)
        raise ValueError(f"external resources are not fetched: {url}")


def render_pdf(html: str, fetcher: LocalOnlyFetcher | None = None) -> bytes:
    """The PDF of `html`; relative URLs such as /static/… resolve to the app's static folder."""
    static = Path(current_app.static_folder).resolve()
    fetcher = fetcher or LocalOnlyFetcher(current_app.static_folder)
    base_url = static.parent.as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
