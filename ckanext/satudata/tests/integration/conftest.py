# -*- coding: utf-8 -*-
"""A real CKAN web server for the integration tests.

The ``portal`` fixture resets the test database and index (``clean_db``,
``clean_index``), then starts ``ckan run`` (Werkzeug, threaded, no reloader,
no debugger; :func:`serve` with ``production=True`` starts gunicorn through
``scripts/web.sh``, as ``make run`` does) on a free port of 127.0.0.1 with
the configuration and the environment of the test process (``scripts/test.sh`` exports
``CKAN_SQLALCHEMY_URL``, ``CKAN_SOLR_URL``, ``CKAN_REDIS_URL``,
``CKAN_SITE_ID`` and ``CKAN_INI``), so the server and the test share the
same database, Solr core and Redis database. Data is set up in-process with
the real actions; what is tested goes over HTTP.

The server's log is kept; :meth:`Portal.tracebacks` returns the tracebacks
it logged, and the fixture prints the end of the log when the server does not
come up. The server is terminated at teardown.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest
import requests

import ckan.plugins.toolkit as tk

from ..conftest import free_port

START_TIMEOUT = 90  # seconds: loading CKAN with its plugins on a busy 2-core machine
#: scripts/web.sh loads CKAN once to build the assets, then in each worker
PRODUCTION_START_TIMEOUT = 240
WEB_SH = Path(__file__).resolve().parents[4] / "scripts" / "web.sh"
STOP_TIMEOUT = 15


@dataclasses.dataclass
class Portal:
    url: str
    log_path: Path
    process: subprocess.Popen

    def api(self, action: str, token: Optional[str] = None, *,
            session: Optional[requests.Session] = None, timeout: float = 30,
            **data: Any) -> requests.Response:
        """POST ``data`` as JSON to ``/api/3/action/<action>`` (with the API
        token ``token``, if any)."""
        headers = {"Authorization": token} if token else {}
        return (session or requests).post(f"{self.url}/api/3/action/{action}",
                                          json=data, headers=headers, timeout=timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tracebacks(self) -> list[str]:
        """Tracebacks the server logged (an unhandled error is one)."""
        text = self.log()
        return [chunk for chunk in text.split("Traceback (most recent call last)")[1:]]


def _ini() -> str:
    return os.environ.get("CKAN_INI") or tk.config.get("__file__") or "test.ini"


def _wait_until_up(url: str, process: subprocess.Popen, log_path: Path,
                   timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            response = requests.get(f"{url}/api/3/action/status_show", timeout=5)
            if response.status_code == 200 and response.json().get("success"):
                return
            last = response.status_code
        except requests.RequestException as e:
            last = e
        time.sleep(0.25)  # polling a starting server, not waiting for a worker
    tail = log_path.read_text(errors="replace")[-4000:] if log_path.exists() else ""
    _stop(process)
    pytest.fail(f"the CKAN server at {url} did not come up within {timeout}s "
                f"(exit code {process.poll()}, last answer {last!r}); its log ends with:\n{tail}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    # the server runs in its own process group (start_new_session): end it
    # and only it
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_TIMEOUT)


@contextlib.contextmanager
def serve(log_path: Path, *, production: bool = False,
          env: Optional[dict[str, str]] = None) -> Iterator[Portal]:
    """Run ``ckan run`` on a free port of 127.0.0.1 until the block ends (its
    output goes to ``log_path``). The browser tests (tests/browser) start
    their portal with this too. ``production``: gunicorn through
    ``scripts/web.sh`` instead, as ``make run`` serves (its access log goes
    to ``logs/web-access.log`` beside ``log_path``); ``env`` is added to the
    server's environment."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    ckan_bin = Path(sys.executable).with_name("ckan")
    server_env = dict(os.environ, **(env or {}))
    server_env.setdefault("CKAN_INI", _ini())
    # the redirects (after logging in, after a form) go where it runs
    server_env["CKAN_SITE_URL"] = url
    if production:
        # web.sh runs the ckan and gunicorn of this virtualenv and keeps its
        # logs beside the server's
        server_env["SATUDATA_VENV"] = str(Path(sys.executable).parent.parent)
        server_env["SATUDATA_STATE_DIR"] = str(log_path.parent)
        command = [str(WEB_SH), str(Path(_ini()).resolve()), str(port)]
    else:
        command = [str(ckan_bin), "-c", _ini(), "run", "-H", "127.0.0.1", "-p", str(port),
                   "--disable-reloader", "--disable-debugger", "--threaded"]
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            command, stdout=log_file, stderr=subprocess.STDOUT, env=server_env,
            cwd=Path(_ini()).resolve().parent, start_new_session=True)
    try:
        _wait_until_up(url, process, log_path,
                       PRODUCTION_START_TIMEOUT if production else START_TIMEOUT)
        yield Portal(url=url, log_path=log_path, process=process)
    finally:
        _stop(process)


@pytest.fixture
def portal(clean_db, clean_index, tmp_path) -> Any:
    """A running CKAN portal on the freshly reset test database."""
    with serve(tmp_path / "ckan-server.log") as running:
        yield running
