"""mailhop's one client-side TLS context: every HTTPS fetch and every mail probe uses it.

DESIGN.md section 4, rule 3: certificates are verified every time, with the operating
system's trust store, plus extra anchors only when the user or a test configures them,
and TLS 1.2 at least. Python's defaults already verify for ``create_default_context``,
but a library handed no context (imaplib, smtplib, a bare ``SSLContext``) does not, so
mailhop builds this context once and passes it everywhere explicitly.

Extra anchors are *added* to the system store, never a replacement for it: a lab or a
company CA must not make the public web untrusted. A file that cannot be read or holds
no PEM certificate is a ValueError naming the file: a trust setting that silently did
nothing would make a person believe a server is verified against an anchor it is not.
"""

from __future__ import annotations

import functools
import ssl
from pathlib import Path

__all__ = ["MINIMUM_VERSION", "client_context"]

MINIMUM_VERSION = ssl.TLSVersion.TLSv1_2  # RFC 8996 retired TLS 1.0 and 1.1


def client_context(extra_ca_file: Path | None = None) -> ssl.SSLContext:
    """The context for `extra_ca_file`, built once per file version and then shared.

    Loading the OS trust store costs about 20 ms, on the path from address to verdict;
    a context is not changed after it is built, so every run in a process can share it.
    A changed or replaced extra CA file (new mtime or size) gets a new context.
    """
    if extra_ca_file is None:
        return _cached_context(None, 0, 0)
    try:
        stat = extra_ca_file.stat()
    except OSError:
        return _build_context(extra_ca_file)  # let the builder say what is wrong
    return _cached_context(extra_ca_file, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _cached_context(extra_ca_file: Path | None, mtime_ns: int, size: int) -> ssl.SSLContext:
    return _build_context(extra_ca_file)


def _build_context(extra_ca_file: Path | None) -> ssl.SSLContext:
    """A verifying client context: OS trust store, host name check, TLS 1.2 minimum.

    ``extra_ca_file`` (PEM, one or more certificates) adds trust anchors; it is read once,
    here, so a broken file fails at setup rather than as a confusing TLS error later.
    """
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    context.minimum_version = MINIMUM_VERSION
    # create_default_context sets both already; stated again so the promise of rule 3
    # does not rest on a default that a future Python could change.
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    if extra_ca_file is not None:
        _load_anchors(context, extra_ca_file)
    return context


def _load_anchors(context: ssl.SSLContext, path: Path) -> None:
    try:
        context.load_verify_locations(cafile=path)
    except ssl.SSLError as exc:  # before OSError: SSLError is one
        raise ValueError(f"extra CA file {path} holds no readable PEM certificate") from exc
    except FileNotFoundError as exc:
        raise ValueError(f"extra CA file {path} does not exist") from exc
    except OSError as exc:
        raise ValueError(f"extra CA file {path} cannot be read: {exc.strerror or exc}") from exc
