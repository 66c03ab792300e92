"""A real headless Chromium driven over the Chrome DevTools protocol, for the reader-page checks.

Serves a folder on 127.0.0.1 (a real HTTP server), opens each page at 1280 px and reports,
per page: horizontal overflow of the page, tables wider than their column, figures narrower
than the text width, broken images, console errors and exceptions, and every network
request that is not to the loopback server (the pages must load nothing from outside).

Chromium comes from Debian (``apt-get install chromium``); ``find_chromium()`` returns
None when it is not installed, and the tests skip with that instruction.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

INSTALL_HINT = ("headless Chromium is not installed: `apt-get update && apt-get install -y chromium` "
                "(Debian; .ci/run does this) to run the browser check")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
         "--window-size=1280,900", "--remote-debugging-port=0", "--remote-allow-origins=*"]
WIDTH = 1280

# what the page itself reports (run in the page after load)
_MEASURE = """(() => {
  const vw = document.documentElement.clientWidth;
  const out = {scrollWidth: document.documentElement.scrollWidth, viewport: vw, tables: [], images: [], narrow: []};
  for (const t of document.querySelectorAll('table')) {
    if (t.closest('details') && !t.closest('details').open) continue;
    const r = t.getBoundingClientRect();
    if (r.right > vw + 1 || t.scrollWidth > t.clientWidth + 1)
      out.tables.push({right: Math.round(r.right), scroll: t.scrollWidth, client: t.clientWidth,
                       head: (t.querySelector('th,td') || {}).textContent || ''});
  }
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) out.images.push(img.src.slice(0, 80));
    const box = img.closest('.jp-OutputArea-output, figure, .jp-RenderedImage');
    if (box && img.naturalWidth > 0) {
      const avail = box.clientWidth;
      if (img.getBoundingClientRect().width < 0.9 * avail) out.narrow.push(
        {width: Math.round(img.getBoundingClientRect().width), avail: avail});
    }
  }
  return JSON.stringify(out);
})()"""


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name) or (f"/usr/bin/{name}" if os.path.exists(f"/usr/bin/{name}") else None)
        if path:
            return path
    return None


@contextlib.contextmanager
def serve(folder: Path):
    """A real HTTP server on 127.0.0.1 serving ``folder``; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


class Browser:
    """One Chromium process and one tab, driven over its DevTools websocket."""

    def __init__(self, executable: str):
        import websocket  # websocket-client

        self._profile = tempfile.mkdtemp(prefix="trendlib-chromium-")
        self._proc = subprocess.Popen([executable, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self._profile) / "DevToolsActivePort"
        _wait_for(lambda: port_file.is_file() and port_file.read_text(encoding="utf-8").strip(), 60, "Chromium to start")
        port = port_file.read_text(encoding="utf-8").split()[0]
        targets = _wait_for(lambda: [t for t in self._targets(port) if t.get("type") == "page"], 30,
                            "a Chromium tab")
        self._ws = websocket.create_connection(targets[0]["webSocketDebuggerUrl"], timeout=60,
                                               suppress_origin=True)
        self._ids = itertools.count(1)
        self.events: list[dict] = []
        for method in ("Page.enable", "Runtime.enable", "Log.enable", "Network.enable"):
            self.call(method)
        self.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=900, deviceScaleFactor=1, mobile=False)

    @staticmethod
    def _targets(port: str) -> list[dict]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
                return json.loads(r.read())
        except OSError:
            return []

    def call(self, method: str, **params):
        msg_id = next(self._ids)
        self._ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self._ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def _pump_until(self, method: str, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(e.get("method") == method for e in self.events):
                return
            self._ws.settimeout(max(deadline - time.monotonic(), 0.1))
            self.events.append(json.loads(self._ws.recv()))
        raise TimeoutError(f"no {method} within {timeout} s")

    def check(self, url: str, *, allowed_prefix: str) -> dict:
        """Open ``url`` and return what is wrong with it (empty lists = fine)."""
        self.events = []
        self.call("Page.navigate", url=url)
        self._pump_until("Page.loadEventFired", 120)
        measured = json.loads(self.call("Runtime.evaluate", expression=_MEASURE, returnByValue=True)["result"]["value"])
        self.call("Runtime.evaluate", expression="1")  # drain late console events
        problems = {"overflow": [], "tables": measured["tables"], "images": measured["images"],
                    "narrow_figures": measured["narrow"], "console": [], "network": []}
        if measured["scrollWidth"] > measured["viewport"] + 1:
            problems["overflow"].append(f"page is {measured['scrollWidth']} px wide at {measured['viewport']} px")
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                problems["console"].append(" ".join(str(a.get("value", a.get("description", ""))) for a in p["args"]))
            elif m == "Runtime.exceptionThrown":
                problems["console"].append(p["exceptionDetails"].get("text", "exception"))
            elif m == "Log.entryAdded" and p["entry"]["level"] == "error":
                if not p["entry"].get("url", "").endswith("/favicon.ico"):  # the browser's own request
                    problems["console"].append(p["entry"].get("text", ""))
            elif m == "Network.requestWillBeSent":
                req = p["request"]["url"]
                if not req.startswith((allowed_prefix, "data:", "about:")):
                    problems["network"].append(req)
        return problems

    def close(self):
        with contextlib.suppress(Exception):
            self._ws.close()
        self._proc.terminate()
        try:
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        shutil.rmtree(self._profile, ignore_errors=True)
