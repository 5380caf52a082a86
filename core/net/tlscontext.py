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

``diagnostic_context()`` is the one context that does not verify. It exists only to read a
certificate that ``client_context`` already refused (expired, wrong name, unknown issuer),
so that mailhop can explain the refusal and match the key against DANE records; nothing
that carries a secret ever goes over a session it made (the mail probe has no way to send
one, see proto_base.py).
"""

from __future__ import annotations

import functools
import ssl
import warnings
from pathlib import Path

from ..common.errors import UsageError

__all__ = ["MINIMUM_VERSION", "client_context", "diagnostic_context", "version_check_context"]

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


@functools.lru_cache(maxsize=1)
def diagnostic_context() -> ssl.SSLContext:
    """A context that accepts any certificate: ONLY for reading a certificate we already
    refused; never used for anything that carries a secret.

    Still TLS 1.2 at least (a server that only speaks TLS 1.0/1.1 is a finding of its own)
    and still SNI, so the server presents the same chain it gave the verifying context.
    Built once and shared, as ``client_context`` is.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = MINIMUM_VERSION
    context.check_hostname = False  # before verify_mode: OpenSSL refuses the other order
    context.verify_mode = ssl.CERT_NONE
    return context


@functools.lru_cache(maxsize=1)
def version_check_context() -> ssl.SSLContext:
    """TLS 1.0 and 1.1 only, no verification: ONLY to learn that a server speaks nothing
    newer; a session made with it is closed right after the handshake, unused.

    ``@SECLEVEL=0``: OpenSSL 3 refuses to sign a TLS 1.0/1.1 handshake at any higher level.
    Where the system's OpenSSL has those versions compiled out, the handshake simply fails
    and the probe reports the original handshake failure.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():  # the ssl module deprecates these versions, rightly
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    return context


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
        raise UsageError(f"extra CA file {path} holds no readable PEM certificate") from exc
    except FileNotFoundError as exc:
        raise UsageError(f"extra CA file {path} does not exist") from exc
    except OSError as exc:
        raise UsageError(f"extra CA file {path} cannot be read: {exc.strerror or exc}") from exc
