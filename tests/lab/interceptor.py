"""An HTTPS interceptor with its own CA: what a captive portal or a filtering proxy does.

Every TCP connection to port 443 made by processes of one group is redirected (nftables DNAT in
the lab's namespace, matched on the socket's group, so the other tests running at the same
time see the real lab) to a TLS server that answers any server name with a certificate made
on the spot for that name by a CA no one trusts ("captive portal CA"). The mail ports are left
alone, as a hotel's portal often does.

    with https_interceptor(folder) as group:
        subprocess.run(["setpriv", f"--regid={group}", "--clear-groups", "mailhop", ...])
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from . import netns
from .certs import _authority, _issue
from .procs import LabError, run

__all__ = ["INTERCEPTED_GROUP", "https_interceptor"]

INTERCEPTED_GROUP = 4242  # no account has it: only the process started with it is redirected
ADDRESS = "127.0.99.1"  # in no scenario
PORT = 8443
TABLE = "mailhop_interceptor"


def _ruleset(group: int) -> str:
    return (
        f"table ip {TABLE} {{\n"
        "  chain output {\n"
        "    type nat hook output priority -100; policy accept;\n"
        f"    meta skgid {group} tcp dport 443 dnat to {ADDRESS}:{PORT}\n"
        "  }\n"
        "}\n"
    )


class _Portal:
    """The TLS side: a fresh certificate for each server name asked, from the portal's CA."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.now = dt.datetime.now(dt.UTC)
        self.ca = _authority("captive portal CA", None, self.now)
        self.contexts: dict[str, ssl.SSLContext] = {}
        self.lock = threading.Lock()
        self.default = self._context("portal.invalid")
        self.default.sni_callback = self._pick
        self.listener = socket.create_server((ADDRESS, PORT))
        self.listener.settimeout(0.2)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.seen: list[str] = []  # the server names the interceptor was asked for

    def _context(self, name: str) -> ssl.SSLContext:
        with self.lock:
            if name not in self.contexts:
                issued = _issue(self.folder, name, "unknown-ca", self.now, self.ca, self.ca)
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain(issued.chain_file, issued.key_file)
                self.contexts[name] = context
            return self.contexts[name]

    def _pick(self, conn: ssl.SSLObject | ssl.SSLSocket, name: str | None, _: object) -> None:
        if name:
            self.seen.append(name)
            conn.context = self._context(name)

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        with suppress(OSError), self.default.wrap_socket(conn, server_side=True) as tls:
            tls.recv(1)  # the client refuses the certificate; nothing more comes

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.listener.close()


@contextmanager
def https_interceptor(folder: Path, group: int = INTERCEPTED_GROUP) -> Iterator[int]:
    """Redirect port 443 of processes in `group` to the portal while the block runs."""
    if not netns.inside():
        raise LabError("the interceptor's nftables rule belongs in the lab's namespace only")
    portal = _Portal(folder)
    portal.thread.start()
    run(["nft", "-f", "-"], input_text=_ruleset(group))
    try:
        yield group
    finally:
        run(["nft", "delete", "table", "ip", TABLE])
        portal.close()
