"""`workbench serve`: the review screen in a browser, through textual-serve, behind a token.

Each browser tab that connects starts its own `workbench review` process on the project in
the folder (textual-serve runs one app process per websocket), so two tabs are two review
sessions and meet each other through the store's conflict handling like two terminals.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import secrets
import shlex
import signal
import sys
from collections.abc import Awaitable, Callable
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from workbench.cli.review import SelfApprove, User
from workbench.errors import InputError
from workbench.hosts import is_loopback
from workbench.project import Project

if TYPE_CHECKING:
    from aiohttp import web

TOKEN_PARAMETER = "token"
TOKEN_COOKIE = "workbench_token"
UNAUTHORIZED = "401: this Workbench needs the token it printed when it started (the URL with ?token=).\n"


def read_token(path: Path) -> str:
    """The token in a file: its first line, which must be long enough not to be guessed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the token file {path}: {getattr(exc, 'strerror', None) or exc}.") from None
    lines = text.strip().splitlines()
    token = lines[0].strip() if lines else ""
    if len(token) < 16 or not token.isascii() or not token.isprintable() or " " in token:
        raise InputError(
            f"the token file {path} must hold one token of at least 16 printable ASCII characters without spaces "
            "(for example from `python3 -c 'import secrets; print(secrets.token_urlsafe())'`)."
        )
    return token


def given_token(request: web.Request) -> str:
    """The token a request carries: in the URL, an Authorization header, or the cookie."""
    if TOKEN_PARAMETER in request.query:
        return request.query[TOKEN_PARAMETER]
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials:
        return credentials.strip()
    return request.cookies.get(TOKEN_COOKIE, "")


def token_middleware(token: str) -> Callable[..., Awaitable[web.StreamResponse]]:
    """In front of every route, static files and the websocket included: no token, a 401
    and nothing else. A token in the URL becomes a cookie (HttpOnly, SameSite=Strict) and
    the URL is cleaned, so that the page's own requests (scripts, fonts, the websocket,
    which textual-serve's page builds without any token) carry it and it leaves the
    address bar and the history."""
    from aiohttp import web

    expected = token.encode("utf-8")

    @web.middleware
    async def check(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        if not hmac.compare_digest(given_token(request).encode("utf-8", "surrogateescape"), expected):
            return web.Response(status=401, text=UNAUTHORIZED, headers={"Cache-Control": "no-store"})
        if TOKEN_PARAMETER in request.query and request.method == "GET" and request.path == "/":
            rest = request.rel_url.without_query_params(TOKEN_PARAMETER)
            response = web.HTTPFound(str(rest))
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict", path="/")
            return response
        answer = await handler(request)
        answer.headers.setdefault("Cache-Control", "no-store")
        answer.headers.setdefault("Referrer-Policy", "no-referrer")
        return answer

    return check


def review_command_line(project: Project, user: str, allow_self_approve: bool = False) -> str:
    """The shell command textual-serve starts for each browser session (it runs it through
    the shell): this Python, this project, this user."""
    review = [sys.executable, "-m", "workbench", "review", "--user", user]
    review += ["--allow-self-approve"] if allow_self_approve else []
    return f"cd {shlex.quote(str(project.root))} && exec {shlex.join(review)}"


def make_server(command: str, token: str, title: str) -> Any:
    """textual-serve's Server with the token in front of it and our page (no web font from
    the network). The Server exposes its aiohttp application only through `_make_app`
    (textual-serve 1.1); tests/test_serve.py fails if a new version stops calling it."""
    import aiohttp_jinja2
    import jinja2
    from textual_serve.server import Server

    templates = Path(str(files("workbench") / "data" / "serve"))

    class GuardedServer(Server):
        async def _make_app(self) -> web.Application:
            app: web.Application = await super()._make_app()
            app.middlewares.insert(0, token_middleware(token))
            aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(templates))
            return app

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            # textual-serve's builds the URLs from the host and port it was given, not the ones
            # the browser used (a port of 0, a name for the host): the cookie would not follow
            origin = request.url.origin()
            websocket = origin.with_scheme("wss" if origin.scheme == "https" else "ws")
            context = {
                "font_size": 16,
                "app_websocket_url": str(websocket.with_path("/ws")),
                "config": {"static": {"url": str(origin.with_path("/static/"))}},
                "application": {"name": self.title},
                "ping_url": "",
            }
            return aiohttp_jinja2.render_template("app_index.html", request, context)

        async def on_startup(self, app: web.Application) -> None:
            """textual-serve prints a banner here; `serve` prints the one URL itself."""

        async def _process_messages(self, websocket: web.WebSocketResponse, app_service: Any) -> None:
            # textual-serve asserts the shape of what a browser sends: a malformed message
            # ends that one session (its app saves what was typed), not with a traceback
            try:
                await super()._process_messages(websocket, app_service)
            except (AssertionError, ValueError, TypeError, IndexError, KeyError, AttributeError):
                await websocket.close(code=1003, message=b"malformed message")

    return GuardedServer(command, title=title)


async def run_server(server: Any, host: str, port: int, announce: Callable[[int], None]) -> None:
    from aiohttp import web

    app = await server._make_app()
    # browser sessions still open at Ctrl+C get textual-serve's "quit" (the app saves what
    # was typed, as on SIGHUP) within this time
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=10.0, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}.") from None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    announce(runner.addresses[0][1])
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; other than loopback needs --token-file.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port to listen on (0: any free port).")
    ] = 8000,
    token_file: Annotated[
        Path | None,
        typer.Option("--token-file", help="Read the token from this file instead of making a new one at each start."),
    ] = None,
    user: User = None,
    allow_self_approve: SelfApprove = False,
) -> None:
    """Serve the review screen to a browser, behind a secret token, on 127.0.0.1 by default."""
    from workbench.review.session import default_user

    project = Project.here()
    if not project.seeds.is_dir() and not project.translations.is_dir():
        raise InputError(f"{project.root} is not a Workbench project: it has neither seeds/ nor translations/.")
    if not is_loopback(host) and token_file is None:
        raise InputError(
            f"--host {host} would let other machines reach the review screen: give a token you share "
            "with them in --token-file, or listen on 127.0.0.1."
        )
    token = read_token(token_file) if token_file is not None else secrets.token_urlsafe(32)
    name = (user or "").strip() or default_user()
    server = make_server(review_command_line(project, name, allow_self_approve), token, f"Workbench: {project.root.name}")

    def announce(bound: int) -> None:
        where = f"[{host}]" if ":" in host else host
        if token_file is None:
            print(f"Open http://{where}:{bound}/?{TOKEN_PARAMETER}={token}", flush=True)
        else:
            print(f"Open http://{where}:{bound}/?{TOKEN_PARAMETER}=TOKEN with the token in {token_file}", flush=True)
        print(f"Reviewing {project.root} as {name}; Ctrl+C stops the server.", file=sys.stderr, flush=True)

    asyncio.run(run_server(server, host, port, announce))


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
