"""A local stand-in for Crossref and PubMed answering with recorded responses."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

DATA = Path(__file__).resolve().parent / "data" / "lookup"
PLOS_DOI = "10.1371/journal.pone.0033693"
GUT_DOI = "10.1136/gutjnl-2016-312510"


class Routes:
    """What the fake services answer: ``path?query`` -> (status, body, delay)."""

    def __init__(self) -> None:
        self.table: dict[str, tuple[int, bytes, float]] = {}
        self.hits: list[str] = []
        self.queries: list[str] = []

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes, float]:
        key = path
        if path.endswith("efetch.fcgi"):
            key = f"efetch:{query.get('id', [''])[0]}"
        elif path.endswith("esearch.fcgi"):
            key = f"esearch:{query.get('term', [''])[0]}"
        self.hits.append(key)
        return self.table.get(key, (404, b'{"status":"error"}', 0.0))


@contextmanager
def serving() -> Iterator[tuple[str, Routes]]:
    routes = Routes()
    routes.table = {
        f"/works/{PLOS_DOI}": (
            200,
            (DATA / "crossref_10.1371_journal.pone.0033693.json").read_bytes(),
            0.0,
        ),
        "efetch:27797938": (200, (DATA / "pubmed_27797938.xml").read_bytes(), 0.0),
        "esearch:PMC5442267[pmcid]": (200, (DATA / "esearch_PMC5442267.xml").read_bytes(), 0.0),
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            routes.queries.append(url.query)
            status, body, delay = routes.answer(unquote(url.path), parse_qs(url.query))
            time.sleep(delay)
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    httpd.shutdown()
    httpd.server_close()
