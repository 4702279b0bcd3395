"""`segtui serve` in a real headless Chromium (Debian's package): the page loads, the served
worksheet draws, keys typed in the browser reach it (a new segment is made with them), and a
screenshot of the page is taken. Skips when Chromium is not installed.

The browser is driven over the DevTools protocol (aiohttp's websocket client: aiohttp comes
with textual-serve). xterm.js draws on a canvas, so the test checks what the keys did in the
database rather than reading the picture.
"""
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from segtui.models import SegmentHeader
from segtui.services import segments
from word_helpers import free_port

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


def wait_port(port: int, timeout: float = 30) -> None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


class Page:
    """Just enough of the DevTools protocol: evaluate, keys, a screenshot."""

    def __init__(self, ws):
        self.ws, self.next_id = ws, 0

    async def call(self, method, **params):
        self.next_id += 1
        await self.ws.send_str(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads((await self.ws.receive()).data)
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise AssertionError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    async def evaluate(self, expression):
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def key(self, key, code=None, vk=0, text="", modifiers=0):
        common = {"key": key, "code": code or key, "windowsVirtualKeyCode": vk, "modifiers": modifiers}
        await self.call("Input.dispatchKeyEvent", type="keyDown", text=text, **common)
        await self.call("Input.dispatchKeyEvent", type="keyUp", **common)
        await asyncio.sleep(0.05)

    async def type(self, text):
        for ch in text:
            await self.key(ch, code=f"Key{ch.upper()}" if ch.isalpha() else None, vk=ord(ch.upper()), text=ch)


async def drive(url, profile, shot):
    import aiohttp

    browser = subprocess.Popen([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                                "--remote-debugging-port=0", f"--user-data-dir={profile}",
                                "--window-size=1280,800", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        active = profile / "DevToolsActivePort"
        for _ in range(300):
            if active.exists() and active.read_text().strip():
                break
            await asyncio.sleep(0.1)
        port = int(active.read_text().split()[0])
        async with aiohttp.ClientSession() as http:
            targets = await (await http.get(f"http://127.0.0.1:{port}/json")).json()
            target = next(t for t in targets if t.get("type") == "page")
            async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                page = Page(ws)
                await page.call("Page.enable")
                await page.call("Page.navigate", url=url)
                # The page is textual-serve's, and the app's first bytes arrive in the terminal.
                for _ in range(300):
                    if await page.evaluate("document.body && document.body.classList.contains('-first-byte')"):
                        break
                    await asyncio.sleep(0.1)
                else:
                    raise AssertionError("the served worksheet never drew")
                assert await page.evaluate("document.querySelector('.textual-terminal canvas, "
                                           ".textual-terminal .xterm') !== null")
                socket_url = await page.evaluate("document.querySelector('#terminal').dataset.sessionWebsocketUrl")
                await asyncio.sleep(2.0)  # the Segments list
                await page.call("Input.dispatchMouseEvent", type="mousePressed", x=640, y=400,
                                button="left", clickCount=1)
                await page.call("Input.dispatchMouseEvent", type="mouseReleased", x=640, y=400,
                                button="left", clickCount=1)
                await page.key("n", code="KeyN", vk=78, modifiers=2)  # ctrl+n: new segment
                await asyncio.sleep(1.0)
                await page.type("Browser fair")
                await page.key("Enter", vk=13, text="\r")
                await asyncio.sleep(0.3)
                await page.key("Enter", vk=13, text="\r")  # no template: create
                await asyncio.sleep(2.0)  # the new segment's worksheet
                await page.type("a")  # add contacts: the criteria dialog; ctrl+s adds them all
                await asyncio.sleep(1.5)
                await page.key("s", code="KeyS", vk=83, modifiers=2)
                await asyncio.sleep(3.0)
                image = await page.call("Page.captureScreenshot", format="png")
                import base64

                shot.write_bytes(base64.b64decode(image["data"]))
                return socket_url
    finally:
        browser.terminate()
        try:
            browser.wait(10)
        except subprocess.TimeoutExpired:
            browser.kill()


def test_served_worksheet_in_headless_chromium(demo_db, db_path, tmp_path):
    demo_db.close()  # the served app opens the file itself
    port = free_port()
    env = dict(os.environ, SEGTUI_DB=str(db_path))
    server = subprocess.Popen([sys.executable, "-m", "segtui", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_port(port)
        shot = tmp_path / "served.png"
        socket_url = asyncio.run(drive(f"http://127.0.0.1:{port}/", tmp_path / "profile", shot))
        assert socket_url.startswith("ws")  # textual-serve's page, wired to a session
        assert shot.stat().st_size > 10_000  # a picture of the worksheet, not an empty page
        if os.environ.get("SEGTUI_SHOT"):
            shutil.copy(shot, os.environ["SEGTUI_SHOT"])  # to look at it (or for the README)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    demo_db.connect(reuse_if_open=True)
    made = SegmentHeader.get_or_none(SegmentHeader.description == "Browser fair")
    assert made is not None, "the keys typed in the browser did not reach the served worksheet"
    assert segments.count_lines(made.no) > 0  # and the worksheet's own keys worked there too
