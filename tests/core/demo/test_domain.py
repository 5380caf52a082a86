"""The offline demo end to end: mailhop's own pipeline against the demo domain on loopback.

No mocks: real DNS packets validated from the demo's anchor, real TLS verified with the
demo's CA and DANE, real sign-ins through mailhop's login test. The demo needs only
127.0.0.1, so these run inside the lab's namespace and outside it alike.
"""

from __future__ import annotations

import asyncio
import io
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mailhop.core.account.profile import default_directory
from mailhop.core.account.secrets import Password, SecretNotFound, SecretStore, account_refs
from mailhop.core.account.setup import SetupOutcome, SetupStatus, run_setup
from mailhop.core.common.address import parse_address
from mailhop.core.common.model import Service
from mailhop.core.demo.domain import DEMO_ADDRESS, DEMO_DOMAIN, DemoDomain, start_demo
from mailhop.core.demo.walk import EXPORTS, run_demo_cli
from mailhop.core.discover.parse_mtasts import MtaStsMode
from mailhop.core.discover.report import Status
from mailhop.core.export.formats import export_format
from mailhop.core.export.lint import Format, lint
from mailhop.core.net import connect
from mailhop.core.policy.plan import Tier
from mailhop.core.probe.dane_records import DaneOutcome
from mailhop.core.run.check import check
from mailhop.core.run.discovery import discover
from mailhop.core.verdict.verdict import Level

if TYPE_CHECKING:
    from mailhop.core.account.approval import ApprovalRequest
    from mailhop.core.run.check import CheckReport
    from tests.keyring_session import KeyringSession

pytest_plugins = ("tests.keyring_session",)


@pytest.fixture
def demo() -> Iterator[DemoDomain]:
    with start_demo() as running:
        yield running


def checked(demo: DemoDomain) -> CheckReport:
    address = parse_address(demo.address, allow_test_domains=demo.allow_test_domains)
    return asyncio.run(check(address, demo.options))


def setup_with(demo: DemoDomain, report: CheckReport, password: str) -> SetupOutcome:
    async def never(request: ApprovalRequest) -> bool:
        raise AssertionError(f"the demo needs no approval, yet asked for {request.unicode}")

    async def typed() -> Password:
        return Password(password)

    return asyncio.run(
        run_setup(
            report,
            ask_approval=never,
            ask_password=typed,
            store=demo.store,
            extra_ca_file=demo.options.extra_ca_file,
            profile_dir=demo.profile_dir,
        )
    )


def test_discovery_gives_a_tier_a_plan_without_waiting_on_any_source(demo: DemoDomain) -> None:
    address = parse_address(demo.address, allow_test_domains=True)
    report = asyncio.run(discover(address, demo.options))
    sending = report.plan.for_service(Service.SUBMISSION).best
    assert sending is not None and sending.tier is Tier.A
    assert (sending.hostname, sending.port) == (f"mail.{demo.domain}", 465)
    assert report.plan.access[0].tier is Tier.A and report.plan.access[0].port == 993
    assert not report.phase2 and not report.stopped_early
    assert not [a for a in report.attempts if a.status in (Status.TIMED_OUT, Status.FAILED)]
    assert report.elapsed < demo.options.soft_deadline  # no source sat on a deadline


def test_check_is_ok_with_dane_matching_every_server(demo: DemoDomain) -> None:
    report = checked(demo)
    assert report.verdict.level is Level.OK
    assert {p.entry.port for p in report.probes} == {465, 587, 993, 143}
    for probe in report.probes:
        assert probe.failure is None, probe.failure
        assert probe.dane.outcome is DaneOutcome.MATCHED and probe.pkix.valid, probe.endpoint
    (relay,) = report.relay
    assert relay.probe is not None and relay.probe.dane.outcome is DaneOutcome.MATCHED
    assert (relay.mta_sts_mode, relay.mta_sts_match) == (MtaStsMode.ENFORCE, True)


def test_setup_keeps_the_password_in_the_demo_keyring_only(
    demo: DemoDomain, secret_service: KeyringSession
) -> None:
    outcome = setup_with(demo, checked(demo), demo.password.reveal())
    assert outcome.status is SetupStatus.SAVED, outcome.message
    assert [login.ok for login in outcome.logins] == [True, True]
    assert outcome.keyring_name == "the demo keyring (in memory, gone when the demo ends)"
    assert {ref.service for ref in outcome.stored} == {
        f"mailhop:imap:{DEMO_ADDRESS}",
        f"mailhop:submission:{DEMO_ADDRESS}",
    }
    assert set(demo.keyring.services()) == {(r.service, r.username) for r in outcome.stored}
    for ref in outcome.stored:
        assert demo.store.fetch(ref).reveal() == demo.password.reveal()
    assert outcome.profile_path is not None and outcome.profile_path.parent == demo.profile_dir
    assert demo.password.reveal() not in outcome.profile_path.read_text("utf-8")
    real = SecretStore()  # the session's real Secret Service keyring: untouched
    for ref in account_refs(DEMO_ADDRESS):
        with pytest.raises(SecretNotFound):
            real.fetch(ref)


def test_a_wrong_password_is_refused_by_the_servers_and_nothing_is_kept(
    demo: DemoDomain,
) -> None:
    outcome = setup_with(demo, checked(demo), "not-the-demo-password")
    assert outcome.status is SetupStatus.LOGIN_FAILED
    (login,) = outcome.logins
    assert not login.ok and "AUTHENTICATIONFAILED" in login.server_said
    assert demo.keyring.services() == ()
    assert not list(demo.profile_dir.iterdir())


def test_the_cli_walk_through_exits_0_and_writes_exports_that_lint_clean(
    tmp_path: Path, secret_service: KeyringSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the real profile folder
    out = io.StringIO()
    started = time.monotonic()
    code = run_demo_cli(out, interactive=False, export_dir=tmp_path)
    elapsed = time.monotonic() - started
    text = out.getvalue()
    assert code == 0, text
    assert "Verdict: OK" in text and "signed in" in text and "sign-in failed" not in text
    assert "The demo types its own password for you" in text
    shown = re.search(r"password '([^']+)' \(made for this run", text)
    assert shown is not None, text  # the run's password, as the walk-through shows it
    names = [export_format(fmt).filename.format(local="you", domain=DEMO_DOMAIN) for fmt in EXPORTS]
    assert sorted(names) == sorted(path.name for path in tmp_path.iterdir() if path.is_file())
    for name in names:
        assert shown[1].encode() not in (tmp_path / name).read_bytes()
    # the settings sheet is prose: the linter knows the two formats clients read
    for name, kind in zip(names[:2], (Format.AUTOCONFIG, Format.MOBILECONFIG), strict=True):
        report = lint((tmp_path / name).read_bytes(), name)
        assert report.format is kind and report.ok, report.problems
        assert f"{name} (" in text and "lint: ok" in text
    assert elapsed < 5.0, f"the walk-through took {elapsed:.2f} s"  # about 0.5 s unloaded
    real = SecretStore()
    for ref in account_refs(DEMO_ADDRESS):
        with pytest.raises(SecretNotFound):
            real.fetch(ref)
    assert not default_directory().exists()
    assert not (tmp_path / "config").exists()


def test_interactive_takes_a_typed_password_and_shows_the_refusal() -> None:
    out = io.StringIO()
    prompts: list[str] = []
    code = run_demo_cli(
        out,
        interactive=True,
        read_secret=lambda prompt: prompts.append(prompt) or "a-wrong-guess",
        read_line=lambda prompt: prompts.append(prompt) or "",
    )
    assert code == 6, out.getvalue()
    assert "sign-in failed" in out.getvalue() and "a-wrong-guess" not in out.getvalue()
    assert len(prompts) == 2 and "Enter for the demo's" in prompts[0]


def test_everything_stops_and_is_removed_when_the_demo_ends() -> None:
    with start_demo() as demo:
        folder = demo.profile_dir.parent
        ports = dict(demo.ports)
        assert connect.dial_port("127.0.0.1", 993) == ports[993]
        assert "****" in repr(demo) and demo.password.reveal() not in repr(demo)
    assert not folder.exists()
    assert connect._port_map == {}
    assert not [t for t in threading.enumerate() if t.name == "mailhop-demo"]
    for port in ports.values():
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
