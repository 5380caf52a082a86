"""Secrets: the masked password, the one naming scheme, and a real keyring that refuses fakes.

The keyring tests run against gnome-keyring's Secret Service on a private D-Bus session bus
(tests/keyring_session.py), not a file or memory backend; other tools' view of the entries is
checked with libsecret's own ``secret-tool``.
"""

from __future__ import annotations

import copy
import json
import logging
import pickle
import shlex
import subprocess
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from keyring.backends import SecretService, fail, null
from keyring.errors import PasswordSetError

from mailhop.core.account.secrets import (
    InvalidPassword,
    KeyringDenied,
    KeyringLocked,
    KeyringMissing,
    Password,
    SecretNotFound,
    SecretRef,
    SecretStore,
    SecretStoreError,
    account_refs,
    lookup_command,
    lookup_command_line,
    secret_ref,
)
from mailhop.core.common.model import Service

if TYPE_CHECKING:
    from tests.keyring_session import KeyringSession, PlaintextKeyring

pytest_plugins = ("tests.keyring_session",)  # the keyring fixtures

# Quotes, a $ and non-ASCII: all must survive the keyring and a shell round trip.
SECRET = "correct horse 'battery' $taple \u00e9\u00df"  # noqa: S105
OTHER = "an older password"
INSTALL_HINT = "Install gnome-keyring (or KWallet) and log in to a desktop session"


def everything_about(exc: BaseException) -> str:
    """An exception as every reader could see it: message, chain, notes, and frame locals."""
    plain = "".join(traceback.format_exception(exc))
    with_locals = "".join(
        traceback.TracebackException.from_exception(exc, capture_locals=True).format()
    )
    return f"{exc}\n{exc!r}\n{plain}\n{with_locals}"


# -- Password ---------------------------------------------------------------------------------


def test_a_password_never_shows_itself() -> None:
    password = Password(SECRET)
    shown = [
        repr(password),
        str(password),
        f"{password}",
        f"{password!r}",
        f"{password!s}",
        f"{password:>40}",
        "{}".format(password),  # noqa: UP032
        "%s %r" % (password, password),  # noqa: UP031  (the old way must be masked too)
        repr([password]),
        repr({"password": password}),
    ]
    assert all(SECRET not in text for text in shown)
    assert repr(password) == "Password(****)"
    assert password.reveal() == SECRET


def test_logging_never_shows_a_password(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("mailhop.test")
    password = Password(SECRET)
    with caplog.at_level(logging.DEBUG):
        log.debug("password %s", password)
        log.info("password %r", password)
        log.warning(f"password {password}")
        log.error("settings", extra={"password": password})
        try:
            raise RuntimeError("login failed", password)
        except RuntimeError:
            log.exception("with the password in the exception's arguments")
    handler = logging.StreamHandler()
    rendered = "\n".join(handler.format(record) for record in caplog.records)
    assert "Password(****)" in rendered
    assert SECRET not in rendered
    assert SECRET not in caplog.text


def test_a_traceback_never_shows_a_password() -> None:
    def log_in(password: Password) -> None:
        raise ConnectionError(f"server closed the connection after {password}")

    with pytest.raises(ConnectionError) as caught:
        log_in(Password(SECRET))
    assert SECRET not in everything_about(caught.value)


def test_a_password_cannot_be_pickled_copied_out_or_serialised() -> None:
    password = Password(SECRET)
    with pytest.raises(TypeError, match="cannot be pickled") as caught:
        pickle.dumps(password)
    assert SECRET not in everything_about(caught.value)
    with pytest.raises(TypeError):
        pickle.dumps({"nested": [password]})
    assert copy.copy(password) is password
    assert copy.deepcopy([password])[0] is password
    with pytest.raises(TypeError):
        json.dumps(password)
    with pytest.raises(AttributeError):
        password._text = "changed"  # type: ignore[misc]
    assert not hasattr(password, "__dict__")


def test_passwords_compare_by_content_and_are_not_hashable() -> None:
    assert Password(SECRET) == Password(SECRET)
    assert Password(SECRET) != Password(SECRET + "x")
    assert Password(SECRET) != SECRET  # a str is never a Password
    with pytest.raises(TypeError):
        hash(Password(SECRET))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("pass\x00word", "NUL"),
        ("pass\rword", "line break"),
        ("pass\nword", "line break"),
        ("password\r\n", "line break"),
    ],
)
def test_what_mail_protocols_cannot_carry_is_refused(text: str, words: str) -> None:
    with pytest.raises(InvalidPassword, match=words) as caught:
        Password(text)
    assert isinstance(caught.value, ValueError)
    if text:
        assert "pass" not in str(caught.value).replace("password", "")


def test_only_text_makes_a_password() -> None:
    with pytest.raises(TypeError):
        Password(b"bytes")  # type: ignore[arg-type]


# -- naming -----------------------------------------------------------------------------------


def test_one_naming_scheme_per_account_and_protocol() -> None:
    assert secret_ref("jo@example.com", "imap") == SecretRef(
        "mailhop:imap:jo@example.com", "jo@example.com"
    )
    assert secret_ref("jo@xn--fa-hia.de", Service.SUBMISSION) == SecretRef(
        "mailhop:submission:jo@xn--fa-hia.de", "jo@xn--fa-hia.de"
    )
    assert [r.service for r in account_refs("jo@example.com")] == [
        "mailhop:imap:jo@example.com",
        "mailhop:pop3:jo@example.com",
        "mailhop:submission:jo@example.com",
        "mailhop:oauth2:jo@example.com",  # an OAuth2 account's refresh token: forget removes it
    ]


@pytest.mark.parametrize(
    ("address", "protocol"),
    [
        ("jo@example.com", "relay"),
        ("jo@example.com", "smtp"),
        ("jo", "imap"),
        ("jo@", "imap"),
        ("jo @example.com", "imap"),
        ("jo@example.com\n", "imap"),
    ],
)
def test_names_outside_the_scheme_are_refused(address: str, protocol: str) -> None:
    with pytest.raises(ValueError):
        secret_ref(address, protocol)


def test_lookup_commands_for_other_tools() -> None:
    ref = secret_ref("o'neil@example.com", "imap")
    assert lookup_command(ref, "linux") == (
        "secret-tool",
        "lookup",
        "service",
        "mailhop:imap:o'neil@example.com",
        "username",
        "o'neil@example.com",
    )
    assert lookup_command(ref, "darwin") == (
        "security",
        "find-generic-password",
        "-s",
        "mailhop:imap:o'neil@example.com",
        "-a",
        "o'neil@example.com",
        "-w",
    )
    assert lookup_command(ref, "win32")[:2] == ("keyring", "get")
    line = lookup_command_line(ref, "linux")
    assert tuple(shlex.split(line)) == lookup_command(ref, "linux")
    assert lookup_command_line(ref, "win32") == (
        "keyring get mailhop:imap:o'neil@example.com o'neil@example.com"
    )


# -- the real keyring ---------------------------------------------------------------------------


def items_of(session: KeyringSession, address: str) -> list[dict[str, str]]:
    return [a for a in session.stored_attributes() if a.get("username") == address]


def test_round_trip_through_the_secret_service(secret_service: KeyringSession) -> None:
    address = "round.trip@example.com"
    imap, smtp = secret_ref(address, "imap"), secret_ref(address, "submission")
    store = SecretStore()
    assert store.ensure_usable() == "the Secret Service keyring"
    assert not [a for a in secret_service.stored_attributes() if a["username"] == "mailhop"]
    store.store_all({imap: Password(SECRET), smtp: Password(OTHER)})
    assert store.fetch(imap) == Password(SECRET)
    assert store.fetch(smtp) == Password(OTHER)
    # Another tool finds the entry by the documented attributes.
    assert secret_service.secret_tool(*lookup_command(imap, "linux")[1:]) == SECRET
    assert {a["service"] for a in items_of(secret_service, address)} == {
        imap.service,
        smtp.service,
    }
    assert store.delete(imap) is True
    assert store.delete(imap) is False
    with pytest.raises(SecretNotFound, match=r"IMAP password of round\.trip@example\.com"):
        store.fetch(imap)
    assert store.delete_all(account_refs(address)) == (smtp,)
    assert items_of(secret_service, address) == []


def test_the_exported_lookup_command_reads_the_password(secret_service: KeyringSession) -> None:
    ref = secret_ref("o'neil@example.com", "imap")
    store = SecretStore()
    store.store(ref, Password(SECRET))
    try:
        # What a mail client runs as its password command (mbsync PassCmd, msmtp passwordeval).
        done = subprocess.run(
            ["sh", "-c", lookup_command_line(ref, "linux")],
            capture_output=True,
            text=True,
            env=secret_service.full_environ(),
            timeout=10,
            check=True,
        )
        assert done.stdout == SECRET
    finally:
        store.delete(ref)


def test_storing_again_replaces_the_entry(secret_service: KeyringSession) -> None:
    ref = secret_ref("again@example.com", "pop3")
    store = SecretStore()
    store.store(ref, Password(OTHER))
    store.store(ref, Password(SECRET))
    assert store.fetch(ref) == Password(SECRET)
    assert len(items_of(secret_service, "again@example.com")) == 1
    store.delete(ref)


class SecondWriteFails(SecretService.Keyring):
    """The real Secret Service backend, except that its second write in a row fails."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def set_password(self, service: str, username: str, password: str) -> None:
        self.writes += 1
        if self.writes == 2:
            raise PasswordSetError(f"refused the write of {username}")
        super().set_password(service, username, password)


def test_a_failure_half_way_leaves_nothing_half_saved(secret_service: KeyringSession) -> None:
    address = "half@example.com"
    imap, smtp = secret_ref(address, "imap"), secret_ref(address, "submission")
    store = SecretStore(SecondWriteFails())
    with pytest.raises(SecretStoreError) as caught:
        store.store_all({imap: Password(SECRET), smtp: Password(SECRET)})
    assert "SMTP submission password of half@example.com" in str(caught.value)
    assert caught.value.left_over == ()
    assert SECRET not in everything_about(caught.value)
    assert items_of(secret_service, address) == []  # the IMAP entry it wrote was removed


def test_a_failed_second_setup_restores_the_first(secret_service: KeyringSession) -> None:
    address = "restore@example.com"
    imap, smtp = secret_ref(address, "imap"), secret_ref(address, "submission")
    SecretStore().store(imap, Password(OTHER))
    store = SecretStore(SecondWriteFails())
    with pytest.raises(SecretStoreError):
        store.store_all({imap: Password(SECRET), smtp: Password(SECRET)})
    assert SecretStore().fetch(imap) == Password(OTHER)
    assert [a["service"] for a in items_of(secret_service, address)] == [imap.service]
    SecretStore().delete(imap)


def test_a_locked_keyring_is_reported_before_and_during_a_store(
    locked_secret_service: KeyringSession,
) -> None:
    store = SecretStore()
    with pytest.raises(KeyringLocked, match="locked") as before:
        store.ensure_usable()
    assert "Prompt dismissed" in str(before.value)
    assert locked_secret_service.stored_attributes() == []
    refs = account_refs("locked@example.com")
    with pytest.raises(KeyringLocked) as during:
        store.store_all({refs[0]: Password(SECRET), refs[2]: Password(SECRET)})
    assert SECRET not in everything_about(during.value)
    assert locked_secret_service.stored_attributes() == []
    with pytest.raises(KeyringLocked):
        store.fetch(refs[0])


def test_access_refused_by_the_bus_is_denied(denying_secret_service: KeyringSession) -> None:
    store = SecretStore()
    with pytest.raises(KeyringDenied, match="test entry"):
        store.ensure_usable()  # found before the person types anything
    refs = account_refs("denied@example.com")
    with pytest.raises(KeyringDenied, match="refused mailhop access") as caught:
        store.store_all({refs[0]: Password(SECRET), refs[2]: Password(SECRET)})
    assert "AccessDenied" in str(caught.value)
    assert SECRET not in everything_about(caught.value)
    assert denying_secret_service.stored_attributes() == []


# -- refused backends ---------------------------------------------------------------------------


def test_a_plaintext_backend_is_refused_with_what_to_install(
    plaintext_keyring: PlaintextKeyring,
) -> None:
    plaintext = plaintext_keyring
    plaintext.set_password("probe", "probe", "it works")  # a working backend, not a broken one
    plaintext.delete_password("probe", "probe")
    store = SecretStore(plaintext)
    with pytest.raises(KeyringMissing) as caught:
        store.ensure_usable()
    message = str(caught.value)
    assert "PlaintextKeyring, which keeps passwords unencrypted" in message
    assert INSTALL_HINT in message
    with pytest.raises(KeyringMissing):
        store.store(secret_ref("jo@example.com", "imap"), Password(SECRET))
    assert SECRET not in plaintext.file_path.read_text()


def test_a_configured_plaintext_backend_wins_over_nothing(
    secret_service: KeyringSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    # keyrings.alt is not installed: mailhop refuses the name without importing anything.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    with pytest.raises(KeyringMissing) as caught:
        SecretStore().ensure_usable()
    message = str(caught.value)
    assert "PYTHON_KEYRING_BACKEND" in message and "unencrypted" in message
    assert INSTALL_HINT in message
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.keyring_session.PlaintextKeyring")
    with pytest.raises(KeyringMissing, match="unencrypted"):
        SecretStore().ensure_usable()


def test_a_plaintext_backend_in_keyringrc_is_refused(secret_service: KeyringSession) -> None:
    config = Path(secret_service.environ["XDG_CONFIG_HOME"]) / "python_keyring" / "keyringrc.cfg"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[backend]\ndefault-keyring = keyrings.alt.file.PlaintextKeyring\n")
    try:
        with pytest.raises(KeyringMissing, match=r"keyringrc\.cfg") as caught:
            SecretStore().ensure_usable()
        assert INSTALL_HINT in str(caught.value)
        config.write_text("[backend]\ndefault-keyring = keyring.backends.SecretService.Keyring\n")
        assert SecretStore().ensure_usable() == "the Secret Service keyring"
    finally:
        config.unlink()


@pytest.mark.parametrize(
    ("backend", "words"),
    [(fail.Keyring(), "no keyring found"), (null.Keyring(), "throws every password away")],
)
def test_placeholder_backends_are_refused(backend: object, words: str) -> None:
    with pytest.raises(KeyringMissing, match=words) as caught:
        SecretStore(backend).ensure_usable()  # type: ignore[arg-type]
    assert INSTALL_HINT in str(caught.value)


@pytest.mark.parametrize("configured", [None, "keyring.backends.chainer.ChainerBackend"])
def test_without_a_session_bus_there_is_no_keyring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, configured: str | None
) -> None:
    # What CI as root has: no D-Bus session, where keyring itself would fall back to a file.
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    if configured:
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", configured)
    else:
        monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    with pytest.raises(KeyringMissing) as caught:
        SecretStore().ensure_usable()
    message = str(caught.value)
    if sys.platform.startswith("linux"):
        assert "the Secret Service keyring: " in message
        assert "DBUS_SESSION_BUS_ADDRESS" in message
    assert INSTALL_HINT in message


def test_every_keyring_error_is_a_secret_store_error() -> None:
    for kind in (KeyringMissing, KeyringLocked, KeyringDenied, SecretNotFound):
        assert issubclass(kind, SecretStoreError)
    assert not issubclass(InvalidPassword, SecretStoreError)
