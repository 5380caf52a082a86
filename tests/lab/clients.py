"""Stdlib clients that reach a lab host by its address while verifying it by its name.

The tests of our own servers may run without the lab's DNS (MAILHOP_LAB_PARTS=pyservers), so
they connect to a host's address and pass its name for SNI and the certificate check, with
the lab root as the only trust anchor. imaplib, poplib and smtplib connect to the name they
verify; the small subclasses here split the two. Every socket has a timeout.
"""

from __future__ import annotations

import http.client
import imaplib
import poplib
import smtplib
import socket
import ssl
import time
from pathlib import Path

TIMEOUT = 5.0


def tls_context(ca_file: Path) -> ssl.SSLContext:
    """Verifying client context trusting the lab root only (TLS 1.2 minimum by default)."""
    return ssl.create_default_context(cafile=str(ca_file))


def tls_connect(
    context: ssl.SSLContext, name: str, address: str, port: int, timeout: float = TIMEOUT
) -> ssl.SSLSocket:
    sock = socket.create_connection((address, port), timeout=timeout)
    try:
        return context.wrap_socket(sock, server_hostname=name)
    except BaseException:
        sock.close()
        raise


def read_until(sock: socket.socket, marker: bytes, timeout: float = TIMEOUT) -> bytes:
    """Bytes until `marker` has arrived (or the peer closed, or the deadline passed)."""
    deadline = time.monotonic() + timeout
    data = b""
    while marker not in data:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        if not chunk:
            break
        data += chunk
    return data


def read_for(sock: socket.socket, seconds: float) -> tuple[bytes, bool]:
    """Everything that arrives within `seconds`; and whether the peer closed meanwhile."""
    deadline = time.monotonic() + seconds
    data = b""
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        if not chunk:
            return data, True
        data += chunk
    return data, False


def http_connection(
    context: ssl.SSLContext,
    name: str,
    address: str,
    scheme: str = "https",
    timeout: float = TIMEOUT,
) -> http.client.HTTPConnection:
    if scheme == "http":
        return http.client.HTTPConnection(address, 80, timeout=timeout)
    connection = http.client.HTTPSConnection(name, 443, context=context, timeout=timeout)
    connection.sock = tls_connect(context, name, address, 443, timeout)
    return connection


class IMAP4(imaplib.IMAP4):
    def __init__(self, name: str, address: str, port: int = 143) -> None:
        self._address = address
        super().__init__(name, port, timeout=TIMEOUT)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        return socket.create_connection((self._address, self.port), timeout)


class IMAP4_SSL(imaplib.IMAP4_SSL):
    def __init__(self, context: ssl.SSLContext, name: str, address: str, port: int = 993) -> None:
        self._address = address
        super().__init__(name, port, ssl_context=context, timeout=TIMEOUT)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        return tls_connect(self.ssl_context, self.host, self._address, self.port, TIMEOUT)


class POP3(poplib.POP3):
    def __init__(self, name: str, address: str, port: int = 110) -> None:
        self._address = address
        super().__init__(name, port, timeout=TIMEOUT)

    def _create_socket(self, timeout: float) -> socket.socket:
        return socket.create_connection((self._address, self.port), timeout)


class POP3_SSL(poplib.POP3_SSL):
    def __init__(self, context: ssl.SSLContext, name: str, address: str, port: int = 995) -> None:
        self._address = address
        self._context = context
        super().__init__(name, port, timeout=TIMEOUT, context=context)

    def _create_socket(self, timeout: float) -> socket.socket:
        return tls_connect(self._context, self.host, self._address, self.port, TIMEOUT)


class SMTP(smtplib.SMTP):
    def __init__(self, name: str, address: str, port: int = 587) -> None:
        self._address = address
        super().__init__(name, port, local_hostname="client.test", timeout=TIMEOUT)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return socket.create_connection((self._address, port), timeout)


class SMTP_SSL(smtplib.SMTP_SSL):
    def __init__(self, context: ssl.SSLContext, name: str, address: str, port: int = 465) -> None:
        self._address = address
        super().__init__(name, port, local_hostname="client.test", timeout=TIMEOUT, context=context)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return tls_connect(self.context, host, self._address, port, timeout)
