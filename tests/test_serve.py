"""`workbench serve`: every path behind the token, the screen served and driven with it."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import GUARD, ROOT, SEEDS

from workbench.cli.serve import UNAUTHORIZED

aiohttp = pytest.importorskip("aiohttp")
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(GUARD), str(ROOT)]), "PYTHONIOENCODING": "utf-8"}
TOKEN = "a-token-from-a-file-0123456789"
PATHS = ["/", "/ws", "/static/js/textual.js", "/static/", "/static/css/xterm.css", "/download/x", "/elsewhere"]


def workbench(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=120
    )


def prepare(root: Path) -> None:
    """The articles prepared as `translate` leaves them without a model (it says so, status 1)."""
    workbench("translate", cwd=root)
    assert len(list((root / "translations").glob("*.en.json"))) == len(list(SEEDS.glob("*.txt")))


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("served") / "project"
    shutil.copytree(SEEDS, root / "seeds")
    prepare(root)
    return root


class Served:
    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url
        self.origin = re.match(r"http://[^/]+", url).group(0)  # type: ignore[union-attr]
        self.token = url.partition("token=")[2]


def start(root: Path, *args: str) -> Served:
    process = subprocess.Popen(
        [sys.executable, "-m", "workbench", "serve", "--port", "0", *args],
        cwd=root, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # the server prints its URL once it listens
    match = re.search(r"http://\S+", line)
    if match is None:
        process.kill()
        raise AssertionError(f"no URL from serve: {line!r} {process.stderr.read() if process.stderr else ''}")
    return Served(process, match.group(0))


def stop(served: Served) -> None:
    served.process.terminate()
    try:
        served.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        served.process.kill()
        raise


@pytest.fixture
def server(prepared: Path) -> Iterator[Served]:
    served = start(prepared, "--user", "alice")
    yield served
    stop(served)


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), dict(error.headers)


async def websocket_status(url: str, **kwargs: object) -> int:
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url, **kwargs):
                return 101
        except aiohttp.WSServerHandshakeError as error:
            return error.status


def test_every_path_answers_401_without_the_right_token(server: Served) -> None:
    wrong = server.token[:-1] + ("x" if server.token[-1] != "x" else "y")
    for path in PATHS:
        for query, headers in [
            ("", {}),
            (f"?token={wrong}", {}),
            ("?token=", {}),
            ("?token=%C3%A9%00", {}),
            ("", {"Authorization": f"Bearer {wrong}"}),
            ("", {"Cookie": f"workbench_token={wrong}"}),
            ("", {"Cookie": f"workbench_token={server.token[:8]}"}),
        ]:
            status, body, answered = get(server.origin + path + query, headers)
            assert (status, body) == (401, UNAUTHORIZED), (path, query, headers)
            assert "Set-Cookie" not in answered
    ws = server.origin.replace("http:", "ws:") + "/ws"
    assert asyncio.run(websocket_status(ws)) == 401
    assert asyncio.run(websocket_status(ws + f"?token={wrong}")) == 401
    assert asyncio.run(websocket_status(ws, headers={"Cookie": f"workbench_token={wrong}"})) == 401


def test_the_token_opens_the_page_and_its_files_from_this_server_only(server: Served) -> None:
    status, _, headers = get(server.url)
    assert status == 302 and headers["Location"] == "/"  # the token leaves the address bar
    cookie = headers["Set-Cookie"].split(";")[0]
    assert cookie == f"workbench_token={server.token}"
    assert "HttpOnly" in headers["Set-Cookie"] and "SameSite=Strict" in headers["Set-Cookie"]
    status, page, _ = get(server.origin + "/", {"Cookie": cookie})
    assert status == 200 and "data-session-websocket-url" in page
    hosts = set(re.findall(r"(?:https?|wss?)://([^/\"'\s]+)", page)) - {"www.w3.org"}  # the SVG namespace
    assert hosts == {server.origin.removeprefix("http://")}
    for asset in re.findall(r"(?:href|src)=\"([^\"]+)\"|url\(\"([^\"]+)\"\)", page):
        url = asset[0] or asset[1]
        assert get(url, {"Cookie": cookie})[0] == 200, url
        assert get(url)[0] == 401, url
    assert get(server.origin + "/static/js/textual.js", {"Authorization": f"Bearer {server.token}"})[0] == 200


async def drive(url: str, cookie: str, keys: list[str], until: str) -> bytes:
    """Open the screen's websocket, wait for `until` on it, type `keys`, wait for the app to end."""
    seen = b""
    async with aiohttp.ClientSession() as session, session.ws_connect(
        url + "?width=160&height=45", headers={"Cookie": cookie}
    ) as ws:
        deadline = time.monotonic() + 60
        while until.encode("utf-8") not in seen:
            message = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
            assert message.type == aiohttp.WSMsgType.BINARY, message
            seen += message.data
        for key in keys:
            await ws.send_str(json.dumps(["stdin", key]))
            await asyncio.sleep(0.5)
        while True:  # the app quits, the server closes the websocket
            message = await ws.receive(timeout=60)
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                return seen
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data


def test_the_screen_is_driven_through_the_server_as_the_named_user(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(SEEDS, root / "seeds")
    prepare(root)
    document = root / "translations" / "000_a82796ccd2587049.en.json"
    data = json.loads(document.read_text(encoding="utf-8"))
    first = data["segments"][0]
    # a machine translation put there as translate would, so that `a` has something to accept
    first.update(mt="Zoom bars Russian public bodies from its services", status="machine", model="by-hand")
    document.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "token").write_text(TOKEN + "\n", encoding="utf-8")
    served = start(root, "--token-file", str(tmp_path / "token"), "--user", "alice")
    try:
        assert TOKEN not in served.url  # a token from a file is not printed
        ws = served.origin.replace("http:", "ws:") + "/ws"
        asyncio.run(drive(ws, f"workbench_token={TOKEN}", ["a", "q"], until="Articles"))
    finally:
        stop(served)
    segment = json.loads(document.read_text(encoding="utf-8"))["segments"][0]
    assert segment["target"] == "Zoom bars Russian public bodies from its services"
    assert segment["status"] == "reviewed"
    assert segment["author"] == "alice"


def test_listening_beyond_loopback_needs_a_token_file(prepared: Path, tmp_path: Path) -> None:
    result = workbench("serve", "--host", "0.0.0.0", "--port", "0", cwd=prepared)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "workbench: --host 0.0.0.0 would let other machines reach the review screen: give a token you share "
        "with them in --token-file, or listen on 127.0.0.1."
    )
    (tmp_path / "short").write_text("secret\n", encoding="utf-8")
    for name in ("short", "missing"):
        result = workbench("serve", "--port", "0", "--token-file", str(tmp_path / name), cwd=prepared)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith(f"workbench: cannot read the token file {tmp_path / name}") or (
            result.stderr.startswith(f"workbench: the token file {tmp_path / name} must hold one token")
        )
        assert len(result.stderr.strip().splitlines()) == 1


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason="no system Chromium and chromedriver (Debian: apt-get install chromium chromium-driver); no browser is downloaded",
)
def test_a_headless_chromium_shows_the_article_list(server: Served, tmp_path: Path) -> None:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # without WebGL xterm.js draws the terminal as text in the page, which can be read back
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-3d-apis", "--window-size=1400,900", "--no-first-run", "--disable-extensions",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    title = (SEEDS / "000_a82796ccd2587049.txt").read_text(encoding="utf-8").splitlines()[0].strip()
    try:
        browser.get(served_url := server.url)
        assert browser.current_url == server.origin + "/", served_url  # redirected, the token gone from it
        WebDriverWait(browser, 60).until(lambda b: "Articles" in b.find_element("tag name", "body").text)
        WebDriverWait(browser, 30).until(lambda b: title in b.find_element("tag name", "body").text)
        text = browser.find_element("tag name", "body").text
        shot = tmp_path / "review-screen.png"
        assert browser.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000
        assert "Госорганы" in text  # the Russian article is in the list too
    finally:
        browser.quit()


async def type_into(ws, keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    for key in keys:
        await ws.send_str(json.dumps(["stdin", key]))
        await asyncio.sleep(0.4)


async def open_tab(session, url: str, cookie: str):  # type: ignore[no-untyped-def]
    ws = await session.ws_connect(url + "?width=160&height=45", headers={"Cookie": cookie})
    seen = b""
    deadline = time.monotonic() + 60
    while b"Articles" not in seen:
        message = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
        seen += message.data if message.type == aiohttp.WSMsgType.BINARY else b""
    return ws


async def two_tabs_and_a_closed_one(url: str, cookie: str) -> None:
    async with aiohttp.ClientSession() as session:
        alice, bob = await open_tab(session, url, cookie), await open_tab(session, url, cookie)
        await type_into(alice, ["e", "\x01", "Alice's title", "\x13", "y"])  # Ctrl+A, Ctrl+S, yes over QA
        await type_into(bob, ["e", "\x01", "Bob's title", "\x13", "y"])  # typed over a version gone stale
        await type_into(alice, ["q"])
        await type_into(bob, ["q"])
        third = await open_tab(session, url, cookie)
        await type_into(third, ["down", "e", "\x01", "typed, then the tab closed"])
        await third.close()  # the browser tab goes away, nobody quits
        await asyncio.sleep(3)
        for ws in (alice, bob):
            await ws.close()


def test_two_tabs_editing_one_segment_keep_both_texts_and_a_closed_tab_keeps_its_typing(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(SEEDS, root / "seeds")
    prepare(root)
    (tmp_path / "token").write_text(TOKEN + "\n", encoding="utf-8")
    served = start(root, "--token-file", str(tmp_path / "token"), "--user", "alice")
    try:
        ws = served.origin.replace("http:", "ws:") + "/ws"
        asyncio.run(two_tabs_and_a_closed_one(ws, f"workbench_token={TOKEN}"))
    finally:
        stop(served)
    workbench("export", "--format", "jsonl", "-o", str(tmp_path / "out.jsonl"), cwd=root)  # folds what is left
    segments = json.loads((root / "translations" / "000_a82796ccd2587049.en.json").read_text(encoding="utf-8"))["segments"]
    first = segments[0]
    kept = {first["target"], *(v["target"] for v in first["conflicts"]), *(v["target"] for v in first["history"])}
    assert {"Alice's title", "Bob's title"} <= kept  # neither text is lost
    assert first["target"] in {"Alice's title", "Bob's title"} and first["status"] == "reviewed"
    drafts = [s["draft"]["text"] for s in segments if s.get("draft")]
    assert "typed, then the tab closed" in drafts


async def send_malformed(url: str, cookie: str) -> None:
    async with aiohttp.ClientSession() as session:
        ws = await open_tab(session, url, cookie)
        await ws.send_str("null")  # not the list textual-serve asserts
        await ws.receive(timeout=30)  # the session is closed, not the server
        await ws.close()


def test_a_malformed_message_ends_its_session_not_the_server(prepared: Path, tmp_path: Path) -> None:
    (tmp_path / "token").write_text(TOKEN + "\n", encoding="utf-8")
    served = start(prepared, "--token-file", str(tmp_path / "token"))
    try:
        ws = served.origin.replace("http:", "ws:") + "/ws"
        asyncio.run(send_malformed(ws, f"workbench_token={TOKEN}"))
        assert get(served.origin + "/", {"Cookie": f"workbench_token={TOKEN}"})[0] == 200  # still serving
    finally:
        stop(served)
    assert served.process.stderr is not None
    assert "Traceback" not in served.process.stderr.read()
