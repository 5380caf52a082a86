"""The `mailhop` command as a person meets it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mailhop.core import __version__
from mailhop.core.cli import main as cli
from mailhop.core.common.model import AuthMethod, Security
from tests.lab.lab import LabInfo


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailhop.gui.launcher", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_version_names_the_program_and_its_version() -> None:
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"mailhop {__version__}"
    assert __version__ == "0.1.0"


def test_help_says_what_mailhop_is_for() -> None:
    done = run("--help")
    assert done.returncode == 0
    assert "usage: mailhop" in done.stdout
    assert "email address" in done.stdout


def test_no_arguments_opens_the_window_or_says_why_it_cannot() -> None:
    headless = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    for args in ([], ["gui"], ["demo"]):
        done = subprocess.run(
            [sys.executable, "-m", "mailhop.gui.launcher", *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=headless,
        )
        assert done.returncode == cli.EXIT_USAGE, (args, done.stderr)
        assert "cannot open the window: there is no display" in done.stderr
        assert "mailhop demo --cli" in done.stderr and "Traceback" not in done.stderr


def test_unknown_option_is_a_usage_error() -> None:
    done = run("--no-such-option")
    assert done.returncode == cli.EXIT_USAGE
    assert "unrecognized arguments" in done.stderr


def test_version_does_not_load_the_network_stack() -> None:
    code = (
        "import sys\n"
        "from mailhop.gui import launcher\n"
        "try:\n    launcher.main(['--version'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('dns.resolver', 'PySide6', 'cryptography.x509')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().endswith("[]"), done.stdout + done.stderr


# -- mailhop discover -------------------------------------------------------------------


def test_discover_refuses_a_bad_address_with_its_own_exit_code() -> None:
    done = run("discover", "not an address")
    assert done.returncode == cli.EXIT_BAD_ADDRESS
    assert done.stderr.startswith("mailhop: ")
    assert "Traceback" not in done.stderr


def test_discover_refuses_test_domains_unless_allowed() -> None:
    done = run("discover", "alice@healthy.test")
    assert done.returncode == cli.EXIT_BAD_ADDRESS
    assert ".test" in done.stderr


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--resolver", "dns.example", "must be an IP address"),
        ("--resolver", "127.0.0.1:99999", "port must be 1-65535"),
        ("--trust-anchor", "/nonexistent/anchor", "cannot read the trust anchor"),
        ("--ca-file", "/nonexistent/ca.pem", "cannot read the CA file"),
        ("--ispdb-url", "http://ispdb.example/", "must be https://"),
        ("--deadline", "0", "deadline must be between"),
    ],
)
def test_discover_option_errors_are_usage_errors(option: str, value: str, message: str) -> None:
    done = run("discover", "alice@example.com", option, value)
    assert done.returncode == cli.EXIT_USAGE
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_discover_help_documents_exit_codes_and_shared_options() -> None:
    done = run("discover", "--help")
    assert done.returncode == 0
    for option in ("--resolver", "--trust-anchor", "--ca-file", "--ispdb-url", "--json"):
        assert option in done.stdout
    assert "exit codes:" in done.stdout


def lab_options(lab: LabInfo) -> list[str]:
    return [
        "--resolver",
        f"{lab.resolver}:{lab.resolver_port}",
        "--trust-anchor",
        lab.fact("dns", "trust_anchor_file"),
        "--ca-file",
        str(lab.ca_file),
        "--ispdb-url",
        "https://ispdb.test/v1.1/",
        "--allow-test-domains",
    ]


def test_discover_json_follows_its_schema(lab: LabInfo) -> None:
    done = run("discover", "alice@healthy.test", "--json", *lab_options(lab))
    assert done.returncode == cli.EXIT_OK, done.stderr
    report = json.loads(done.stdout)
    assert report["schema"] == "mailhop.discover/1"
    assert set(report["services"]) == {"submission", "imap", "pop3", "relay"}
    best = report["services"]["imap"][0]
    assert (best["host"], best["port"], best["security"], best["tier"]) == (
        "mail.healthy.test",
        993,
        "implicit-tls",
        "A",
    )
    assert {s["source"] for s in best["sources"]} >= {"srv", "autoconfig", "pacc"}
    statuses = {a["status"] for a in report["attempts"]}
    assert statuses <= {"found", "nothing", "failed", "timed-out", "skipped"}
    assert done.stderr == ""  # no progress when stderr is not a terminal


def test_discover_text_names_servers_tiers_and_sources(lab: LabInfo) -> None:
    done = run("discover", "alice@healthy.test", "--progress", *lab_options(lab))
    assert done.returncode == cli.EXIT_OK
    assert "mail.healthy.test:465  TLS, tier A, DANE" in done.stdout
    assert "from DNS SRV record, DNSSEC-signed" in done.stdout
    assert "Outgoing mail (submission)" in done.stdout
    assert "DNS SRV record: found" in done.stderr  # live progress on request


def test_discover_exit_code_says_approval_is_needed(lab: LabInfo) -> None:
    done = run("discover", "erin@unsigned.test", *lab_options(lab))
    assert done.returncode == cli.EXIT_NEEDS_APPROVAL
    assert "tier C" in done.stdout


def test_discover_idn_address_stays_one_a_label(lab: LabInfo) -> None:
    done = run("discover", "jo@faß.test", "--json", *lab_options(lab))
    report = json.loads(done.stdout)
    assert report["address"] == "jo@xn--fa-hia.test"
    assert report["address_unicode"] == "jo@faß.test"
    targets = [a["target"] for a in report["attempts"]] + [
        hop for a in report["attempts"] for hop in a["hops"]
    ]
    assert all("faß" not in t and "fass" not in t for t in targets)
    assert any("xn--fa-hia.test" in t for t in targets)


# -- mailhop check ----------------------------------------------------------------------


def test_check_prints_the_three_legs_and_exits_ok(lab: LabInfo) -> None:
    done = run("check", "alice@healthy.test", *lab_options(lab))
    assert done.returncode == cli.EXIT_OK, done.stdout + done.stderr
    out = done.stdout
    assert "Verdict: OK" in out and "no password used" in out
    for leg in ("outgoing server (submission)", "Server -> server", "access, IMAP"):
        assert leg in out
    assert "DANE-EE" in out and "key pin (SPKI SHA-256)" in out


def test_check_exit_code_says_blocked_and_why(lab: LabInfo) -> None:
    done = run("check", "jo@strip.cases.test", *lab_options(lab), "--deadline", "4")
    assert done.returncode == cli.EXIT_BLOCKED
    assert "Verdict: BLOCKED" in done.stdout
    assert "does not offer encryption (STARTTLS)" in done.stdout


def test_check_json_is_a_superset_of_discover(lab: LabInfo) -> None:
    done = run("check", "alice@healthy.test", "--json", *lab_options(lab))
    report = json.loads(done.stdout)
    assert report["schema"] == "mailhop.check/1"
    assert {"services", "findings", "attempts"} <= set(report)  # discover's fields
    verdict = report["verdict"]
    assert verdict["level"] == "ok"
    chosen = verdict["access"]["chosen"]
    assert (chosen["host"], chosen["port"], chosen["authenticated_by"]) == (
        "mail.healthy.test",
        993,
        "dane-ee",
    )
    assert len(chosen["certificate"]["spki_sha256"]) == 64
    assert verdict["relay"]["hosts"][0]["mta_sts_mode"] == "enforce"


LONG_DOMAIN = ".".join(["d" * 63, "o" * 63, "m" * 63, "a" * 44, "longnames.test"])  # 251


@pytest.mark.parametrize(
    ("address", "exit_code"),
    [
        # _submissions._tcp., autoconfig., _mta-sts. ... before it pass 255 octets; guessing
        # then tries its MX host (the 253-octet host), which answers but fails the checks
        (f"jo@{LONG_DOMAIN}", cli.EXIT_BLOCKED),
        # SRV names a 253-octet host: every _PORT._tcp.HOST TLSA name is too long
        ("jo@srvlong.longnames.test", cli.EXIT_BLOCKED),
    ],
)
def test_check_on_names_at_the_dns_length_limit_is_an_ordinary_outcome(
    lab: LabInfo, address: str, exit_code: int
) -> None:
    done = run("check", address, "--json", *lab_options(lab), "--deadline", "4")
    assert "internal error" not in done.stdout + done.stderr
    assert done.returncode == exit_code, done.stderr
    report = json.loads(done.stdout)
    tlsa = [a for a in report["attempts"] if a["source"] == "tlsa"]
    assert tlsa and all(a["status"] == "failed" for a in tlsa)
    assert all("could not look up the TLSA record" in a["detail"] for a in tlsa)
    assert all("more than DNS allows (255)" in a["detail"] for a in tlsa)


# -- mailhop profiles / recheck ---------------------------------------------------------


def test_profiles_and_recheck_report_differences_and_change_nothing(
    lab: LabInfo, tmp_path: Path
) -> None:
    import asyncio
    from dataclasses import replace

    from mailhop.core.account.account import choose, profile_from_check
    from mailhop.core.account.profile import save_profile
    from mailhop.core.common.address import parse_address
    from mailhop.core.run.check import check
    from tests.core.run.test_discovery import options

    done = run("profiles", "--profile-dir", str(tmp_path))
    assert done.returncode == 0 and "No saved accounts" in done.stdout
    address = parse_address("alice@healthy.test", allow_test_domains=True)
    report = asyncio.run(check(address, options(lab)))
    profile = profile_from_check(report, choose(report), usernames_used=(address.ascii,) * 2)
    stale = replace(
        profile, incoming=replace(profile.incoming, port=143, security=Security.STARTTLS)
    )
    path = save_profile(stale, tmp_path)
    before = path.read_bytes()
    done = run("profiles", "--profile-dir", str(tmp_path))
    assert "alice@healthy.test" in done.stdout and "mail.healthy.test:143" in done.stdout
    done = run("recheck", "alice@healthy.test", "--profile-dir", str(tmp_path), *lab_options(lab))
    assert done.returncode == cli.EXIT_NEEDS_APPROVAL, done.stdout + done.stderr
    assert "changed port (143 -> 993)" in done.stdout
    assert "changed security (starttls -> implicit-tls)" in done.stdout
    assert "Nothing was changed" in done.stdout
    assert path.read_bytes() == before


# -- mailhop export ---------------------------------------------------------------------


def test_export_writes_each_format_from_a_saved_profile(tmp_path: Path) -> None:
    import plistlib
    from dataclasses import replace

    from mailhop.core.account.profile import save_profile
    from tests.core.account.test_profile import PROFILE

    save_profile(replace(PROFILE, address="jo@export.test"), tmp_path)
    common = ("jo@export.test", "--profile-dir", str(tmp_path), "--allow-test-domains")
    done = run("export", *common, "--format", "thunderbird")
    assert done.returncode == 0 and "<clientConfig" in done.stdout
    done = run("export", *common, "--format", "thunderbird-userjs")
    assert 'user_pref("mail.server.server1.hostname", "mail.example.com");' in done.stdout
    done = run("export", *common, "--format", "sheet")
    assert "mail.example.com" in done.stdout and "993" in done.stdout
    target = tmp_path / "jo.mobileconfig"
    done = run("export", *common, "--format", "apple", "--output", str(target))
    assert done.returncode == 0, done.stderr
    payload = plistlib.loads(target.read_bytes())["PayloadContent"][0]
    assert payload["IncomingMailServerHostName"] == "mail.example.com"
    for text in (done.stdout, target.read_text()):
        assert "Password</key>\n\t\t\t<string>" not in text


def test_export_explains_what_a_format_cannot_say(tmp_path: Path) -> None:
    from dataclasses import replace

    from mailhop.core.account.profile import save_profile
    from tests.core.account.test_profile import PROFILE

    oauth = replace(
        PROFILE,
        address="jo@export.test",
        oauth2=True,
        incoming=replace(PROFILE.incoming, auth_method=AuthMethod.OAUTH2),
        outgoing=replace(PROFILE.outgoing, auth_method=AuthMethod.OAUTH2),
    )
    save_profile(oauth, tmp_path)
    common = ("--profile-dir", str(tmp_path), "--allow-test-domains")
    done = run("export", "jo@export.test", *common, "--format", "apple")
    assert done.returncode == cli.EXIT_NOT_SET_UP
    assert "OAuth2" in done.stderr and "Traceback" not in done.stderr
    done = run("export", "nobody@export.test", *common, "--format", "sheet")
    assert done.returncode == cli.EXIT_USAGE and "no saved account" in done.stderr


def test_export_every_format_runs_and_holds_no_password(tmp_path: Path) -> None:
    from dataclasses import replace

    from mailhop.core.account.profile import save_profile
    from mailhop.core.account.secrets import lookup_command_line, secret_ref
    from tests.core.account.test_profile import PROFILE

    save_profile(replace(PROFILE, address="jo@export.test"), tmp_path)
    common = ("jo@export.test", "--profile-dir", str(tmp_path), "--allow-test-domains")
    command = lookup_command_line(secret_ref("jo@export.test", "imap"))
    from mailhop.core.export.formats import FORMATS

    for fmt in sorted(item.name for item in FORMATS):
        done = subprocess.run(
            [sys.executable, "-m", "mailhop.gui.launcher", "export", *common, "--format", fmt],
            capture_output=True,
            timeout=60,
        )
        assert done.returncode == 0, (fmt, done.stderr)
        if fmt == "k9-qr-png":
            assert done.stdout.startswith(b"\x89PNG\r\n"), fmt
        elif fmt == "k9-qr-svg":
            assert b"<svg" in done.stdout, fmt
        else:
            assert b"mail.example.com" in done.stdout or fmt == "outlook-reg", fmt
        if fmt in ("aerc", "mbsync", "neomutt"):
            assert command.encode() in done.stdout, fmt
    out = tmp_path / "evolution"
    done = run("export", *common, "--format", "evolution", "--output", str(out))
    assert done.returncode == 0 and len(list(out.iterdir())) == 3


def test_export_choices_are_every_format_of_the_export_table() -> None:
    import argparse

    from mailhop.core.cli.parser import build_parser
    from mailhop.core.export.formats import FORMATS

    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    export = commands.choices["export"]
    (fmt,) = (a for a in export._actions if a.dest == "format")
    assert sorted(fmt.choices or ()) == sorted(item.name for item in FORMATS)


def test_lint_passes_mailhops_own_export_and_flags_a_plaintext_file(tmp_path: Path) -> None:
    from mailhop.core.export.thunderbird import autoconfig_xml
    from tests.core.account.test_profile import PROFILE

    good = tmp_path / "config-v1.1.xml"
    good.write_bytes(autoconfig_xml(PROFILE))
    done = run("lint", str(good))
    assert done.returncode == 0 and "0 problem(s)" in done.stdout
    bad = tmp_path / "bad.xml"
    bad.write_bytes(autoconfig_xml(PROFILE).replace(b">SSL<", b">plain<"))
    done = run("lint", str(bad), "--json")
    assert done.returncode == cli.EXIT_NEEDS_APPROVAL
    codes = {p["code"] for p in json.loads(done.stdout)["problems"]}
    assert "socket-plain" in codes


def test_no_control_character_reaches_the_terminal_even_where_a_call_site_forgot(
    tmp_path: Path,
) -> None:
    # A file name in the profile folder is a value from outside; `profiles` prints it.
    hostile = tmp_path / "evil\x1b[2J\x1b]0;pwned\x07\u202enosj.json"
    hostile.write_text("{")
    done = run("profiles", "--profile-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    for shown in (done.stdout, done.stderr):
        assert not any(ch in shown for ch in "\x1b\x07\u202e"), repr(shown)
    assert "evil\\x1b[2J" in done.stdout


def test_a_bug_is_one_line_with_its_exit_code_never_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> int:
        raise RuntimeError("the details may hold what the person typed")

    monkeypatch.delenv("MAILHOP_DEBUG", raising=False)
    assert cli.guarded(broken) == cli.EXIT_INTERNAL
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == (
        "mailhop: internal error (RuntimeError); this is a bug in mailhop, please report it "
        "(MAILHOP_DEBUG=1 shows the details)."
    )
    monkeypatch.setenv("MAILHOP_DEBUG", "1")
    assert cli.guarded(broken) == cli.EXIT_INTERNAL
    assert "Traceback" in capsys.readouterr().err


def test_interrupt_is_a_line_and_exit_130(capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted() -> int:
        raise KeyboardInterrupt

    assert cli.guarded(interrupted) == cli.EXIT_INTERRUPTED
    assert capsys.readouterr().err.strip() == "mailhop: interrupted; nothing more was done."


# -- a damaged profile file (issue 12) --------------------------------------------------


def test_a_damaged_profile_is_named_with_its_reason_and_hides_no_other(tmp_path: Path) -> None:
    from dataclasses import replace

    from mailhop.core.account.profile import save_profile
    from tests.core.account.test_profile import PROFILE

    save_profile(
        replace(PROFILE, address="jo@export.test", address_unicode="jo@export.test"), tmp_path
    )
    good = (tmp_path / "jo@export.test.json").read_text("utf-8")
    # json reads 1e999 as an infinite float; int(inf) raised OverflowError.
    infinite = tmp_path / "kim@export.test.json"
    infinite.write_text(good.replace('"port": 993', '"port": 1e999'), "utf-8")
    deep = tmp_path / "lee@export.test.json"
    deep.write_text("[" * 100_000, "utf-8")  # json recursed: RecursionError
    done = run("profiles", "--profile-dir", str(tmp_path))
    assert done.returncode == 0 and "internal error" not in done.stderr, done.stderr
    assert "jo@export.test" in done.stdout and "(3 account(s)" in done.stdout
    unreadable = [line for line in done.stdout.splitlines() if "(unreadable)" in line]
    assert len(unreadable) == 2, done.stdout
    assert str(infinite) in unreadable[0] and "too large" in unreadable[0]
    assert str(deep) in unreadable[1] and "nested more than" in unreadable[1]
    common = ("kim@export.test", "--profile-dir", str(tmp_path), "--allow-test-domains")
    for command in (("export", "--format", "thunderbird"), ("recheck",)):
        done = run(*command, *common)
        assert done.returncode == cli.EXIT_USAGE and "internal error" not in done.stderr
        assert done.stderr.count("\n") == 1 and str(infinite) in done.stderr, done.stderr


def test_check_json_carries_the_servers_alerts_as_their_own_words(lab: LabInfo) -> None:
    done = run("check", "jo@alert.loginwords.test", "--json", *lab_options(lab))
    data = json.loads(done.stdout)
    alerts = [alert for probe in data["probes"] for alert in probe["alerts"]]
    assert alerts, done.stdout[:2000]
    for alert in alerts:
        assert alert["protocol"] == "IMAP" and alert["host"] == "alert.loginwords.test"
        # The greeting's ESC and bidi override arrive escaped, the HTML as literal text.
        assert "<b>Maintenance</b>" in alert["text"]
        assert "\x1b" not in alert["text"] and "\u202e" not in alert["text"]
        assert "\\x1b[2J" in alert["text"]


def test_lint_reads_no_further_than_the_cap() -> None:
    # An endless file (a device, a FIFO, a huge download) is refused at 64 KiB, not read whole.
    done = subprocess.run(
        [sys.executable, "-m", "mailhop.gui.launcher", "lint", "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == cli.EXIT_NEEDS_APPROVAL, done.stderr
    assert "[too-large]" in done.stdout
