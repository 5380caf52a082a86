"""Thunderbird headless with Marionette: run JavaScript in its chrome (privileged) context, so a
test reads what Thunderbird itself made of a file (its account manager, its prefs, its own
autoconfig reader) rather than what a re-implementation of its parser would make of it.

Marionette's wire protocol is length-prefixed JSON (``<len>:[0, id, command, params]``,
answered by ``[1, id, error, result]``); these few lines are all a test needs of it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.realclients.thunderbird_headless import HARNESS_PREFS, stop_group


class Marionette:
    def __init__(self, port: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.stream = self.sock.makefile("rb")
        self.count = 0
        self._read()  # the server's hello
        self.call("WebDriver:NewSession", {})
        self.call("Marionette:SetContext", {"value": "chrome"})

    def _read(self) -> Any:
        size = b""
        while (char := self.stream.read(1)) != b":":
            if not char:
                raise ConnectionError("Marionette closed the connection")
            size += char
        return json.loads(self.stream.read(int(size)))

    def call(self, command: str, params: dict[str, Any]) -> Any:
        self.count += 1
        body = json.dumps([0, self.count, command, params]).encode()
        self.sock.sendall(str(len(body)).encode() + b":" + body)
        _, _, error, result = self._read()
        if error:
            raise RuntimeError(f"{command}: {error.get('message')}")
        return result

    def script(self, source: str, *args: Any) -> Any:
        """Run ``source`` (a function body; ``arguments`` holds ``args``) in chrome context."""
        return self.call("WebDriver:ExecuteScript", {"script": source, "args": list(args)})["value"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def thunderbird_scripted(folder: Path, user_js_text: str) -> Iterator[Marionette]:
    """A new profile in ``folder`` holding ``user_js_text``, Thunderbird headless on it with
    Marionette on a free port; stopped (its own process group) on exit."""
    port = _free_port()
    profile = folder / "profile"
    profile.mkdir(parents=True)
    # Offline from the start: the account is read, never used, so no connection fails and no
    # password prompt (a modal window) holds up Marionette's session.
    harness = [
        *HARNESS_PREFS,
        'user_pref("offline.startup_state", 3);',
        f'user_pref("marionette.port", {port});',
    ]
    (profile / "user.js").write_text(user_js_text + "\n".join(harness) + "\n")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")
    }
    env.update({"HOME": str(folder), "MOZ_CRASHREPORTER_DISABLE": "1"})
    command = ["thunderbird", "--headless", "--no-remote", "--profile", str(profile)]
    # -remote-allow-system-access: Marionette's chrome context (Thunderbird 140 and later)
    command += ["--marionette", "-remote-allow-system-access"]
    with (folder / "thunderbird.log").open("wb") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        yield Marionette(port)
    finally:
        stop_group(process)
