"""Drive a real headless Chromium over the DevTools protocol, with the standard library only.

Chromium started with `--remote-debugging-pipe` reads protocol messages from fd 3 and writes
them to fd 4, each one JSON text ended by a NUL byte: no websocket, no port, no extra package.
Where `unshare --net` works (root, or user namespaces), the browser runs in a network
namespace of its own with nothing in it, so the page truly has no network; the DevTools
protocol's offline mode is switched on as well, and every request the page makes is recorded.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
TIMEOUT_S = 60.0


class BrowserError(RuntimeError):
    """Chromium died, did not answer in time, or answered a command with an error."""


def no_network_prefix() -> list[str]:
    """`unshare --net` when this machine lets us make an empty network namespace."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    probe = subprocess.run([unshare, "--net", "true"], capture_output=True, check=False)
    return [unshare, "--net"] if probe.returncode == 0 else []


@dataclass
class Page:
    """One tab, attached in flat mode; `requests` holds every URL it asked for."""

    browser: Browser
    session: str
    requests: list[str] = field(default_factory=list)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        return self.browser.send(method, params, self.session)

    def open(self, url: str) -> None:
        """Navigate and wait for the load event."""
        self.send("Page.navigate", url=url)
        self.browser.wait_for("Page.loadEventFired", self.session)

    def evaluate(self, expression: str) -> Any:
        reply = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in reply:
            raise BrowserError(f"{expression!r} raised: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, out: Path, width: int = 1280) -> Path:
        """A PNG of the whole page, `width` CSS pixels wide."""
        self._viewport(width, 900)
        self._viewport(width, int(self.evaluate("document.documentElement.scrollHeight")))
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        out.write_bytes(base64.b64decode(data["data"]))
        return out

    def _viewport(self, width: int, height: int) -> None:
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def pdf(self, out: Path) -> Path:
        """A print of the page on A4, as the print stylesheet lays it out."""
        data = self.send(
            "Page.printToPDF",
            preferCSSPageSize=True,
            printBackground=True,
            paperWidth=8.27,
            paperHeight=11.69,
        )
        out.write_bytes(base64.b64decode(data["data"]))
        return out


class Browser:
    """A headless Chromium process and its protocol pipe."""

    def __init__(self, process: subprocess.Popen[bytes], to_browser: int, from_browser: int):
        self.process = process
        self._out = to_browser
        self._in = from_browser
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self.pages: list[Page] = []

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self._events.append(reply)

    def wait_for(self, event: str, session: str | None = None) -> dict[str, Any]:
        while True:
            for index, message in enumerate(self._events):
                if message.get("method") == event and message.get("sessionId") == session:
                    return self._events.pop(index)
            self._events.append(self._receive())

    def new_page(self) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        page = Page(self, session["sessionId"])
        for domain in ("Page.enable", "Network.enable", "Runtime.enable"):
            page.send(domain)
        page.send(
            "Network.emulateNetworkConditions",
            offline=True,
            latency=0,
            downloadThroughput=-1,
            uploadThroughput=-1,
        )
        self.pages.append(page)
        return page

    def requests(self, page: Page) -> list[str]:
        """Every URL the page requested so far (data: and about: URLs included)."""
        self._drain()
        for message in self._events:
            if (
                message.get("method") == "Network.requestWillBeSent"
                and message.get("sessionId") == page.session
            ):
                page.requests.append(message["params"]["request"]["url"])
        self._events = [m for m in self._events if m.get("method") != "Network.requestWillBeSent"]
        return page.requests

    def _drain(self) -> None:
        while select.select([self._in], [], [], 0.2)[0]:
            self._events.append(self._receive())

    def _receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT_S
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise BrowserError(f"chromium did not answer within {TIMEOUT_S:.0f} s")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise BrowserError(f"chromium exited (code {self.process.poll()})")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed


@contextmanager
def launch(executable: Path = CHROMIUM) -> Iterator[Browser]:
    """A fresh headless Chromium with its own profile, without network; always stopped."""
    with tempfile.TemporaryDirectory(prefix="grade-chromium-") as profile:
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        command = [*no_network_prefix(), str(executable), *FLAGS, f"--user-data-dir={profile}"]

        def on_fds_3_and_4() -> None:  # runs in the child, before exec
            reading, writing = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=on_fds_3_and_4,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        try:
            yield Browser(process, to_browser_w, from_browser_r)
        finally:
            _stop(process, to_browser_w, from_browser_r)


def _stop(process: subprocess.Popen[bytes], *fds: int) -> None:
    for fd in fds:
        os.close(fd)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
