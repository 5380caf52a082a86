"""`mailhop publish` as a person runs it: the program, its options, its files and exit codes."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from mailhop.core.common.model import Service
from mailhop.core.export.lint import lint
from mailhop.core.publish.compose import prepare
from mailhop.core.publish.gather import ServerSpec
from mailhop.core.publish.request import PublishRequest
from tests.core.run.test_discovery import options
from tests.lab import publish as lab_publish
from tests.lab.lab import LabInfo
from tests.test_cli import lab_options, run

SERVERS = ["--pop3", "mail.pubpop.test", "--submission", "mail.pubpop.test"]


def test_publish_writes_the_records_readme_and_linted_files(lab: LabInfo, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run("publish", "pubpop.test", "--pop3", "mail.pubpop.test", "--submission",
               "mail.pubpop.test", "--mx", "mail.pubpop.test", "--output", str(out),
               *lab_options(lab))  # fmt: skip
    assert done.returncode == 0, done.stderr
    names = {path.name for path in out.iterdir()}
    assert {"zones.txt", "records.txt", "README.txt", "mta-sts.txt"} <= names
    assert {
        "user-agent-configuration.json",
        "autodiscover.xml",
        "pubpop.test.mobileconfig",
    } <= names
    zones = (out / "zones.txt").read_text()
    assert "_pop3s._tcp.pubpop.test. 3600 IN SRV 20 1 995 mail.pubpop.test." in zones
    assert "_imaps._tcp.pubpop.test. 3600 IN SRV 0 0 0 ." in zones
    assert "_995._tcp.mail.pubpop.test. 3600 IN TLSA 3 1 1 " in zones
    for name in names - {"zones.txt", "records.txt", "README.txt"}:
        assert lint((out / name).read_bytes(), name).ok, name
    assert "mta-sts.pubpop.test/.well-known/mta-sts.txt" in (out / "README.txt").read_text()


def test_publish_refuses_a_server_without_tls_and_writes_nothing(
    lab: LabInfo, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = run("publish", "pubpop.test", "--imap", "strip.hostile-mail.test:143",
               "--output", str(out), *lab_options(lab))  # fmt: skip
    assert done.returncode == 5
    assert "strip.hostile-mail.test:143" in done.stdout and "[no-tls]" in done.stdout
    assert not out.exists()


def test_verify_names_the_lines_to_add_and_exits_1_while_they_are_missing(lab: LabInfo) -> None:
    lab_publish.withdraw(lab, ["pubpop.test"])
    done = run("publish", "pubpop.test", *SERVERS, "--verify", *lab_options(lab))
    assert done.returncode == 1, done.stderr
    assert "missing add: _submissions._tcp.pubpop.test. 3600 IN SRV 0 1 465" in " ".join(
        done.stdout.split()
    )
    pacc = "https://ua-auto-config.pubpop.test/.well-known/user-agent-configuration.json"
    assert f"missing {pacc}" in " ".join(done.stdout.split())


def test_a_usage_error_names_what_is_missing() -> None:
    done = run("publish", "pubpop.test", "--allow-test-domains")
    assert done.returncode == 2
    assert "--imap" in done.stderr


def test_verify_alone_takes_the_servers_the_domain_names_and_finds_nothing_missing(
    lab: LabInfo,
) -> None:
    request = PublishRequest(
        "pubimap.test",
        (
            ServerSpec(Service.IMAP, "mail.pubimap.test"),
            ServerSpec(Service.SUBMISSION, "mail.pubimap.test"),
            ServerSpec(Service.RELAY, "mail.pubimap.test"),
        ),
    )
    published = asyncio.run(prepare(request, options(lab), datetime.now(UTC)))
    documents = {url: item.body for item in published.files.files for url in item.urls}
    lab_publish.publish(lab, ["pubimap.test"], published.zone_text.splitlines(), documents)
    done = run("publish", "pubimap.test", "--verify", *lab_options(lab))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Nothing is missing." in done.stdout
    assert "authenticated _993._tcp.mail.pubimap.test. 3600 IN TLSA 3 1 1 " in done.stdout
    assert "mail.pubimap.test:25 (relay, starttls): tier A, dane-ee" in done.stdout


def test_a_next_key_file_adds_its_tlsa_line_beside_the_current_one(
    lab: LabInfo, tmp_path: Path
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (tmp_path / "next.pem").write_bytes(pem)
    out = tmp_path / "out"
    next_key = f"mail.pubpop.test={tmp_path / 'next.pem'}"
    done = run("publish", "pubpop.test", *SERVERS, "--output", str(out),
               "--next-key", next_key, *lab_options(lab))  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = (out / "zones.txt").read_text().splitlines()
    wanted = f"_995._tcp.mail.pubpop.test. 3600 IN TLSA 3 1 1 {hashlib.sha256(spki).hexdigest()}"
    assert wanted in lines
    assert len([line for line in lines if line.startswith("_995._tcp.")]) == 2
    assert "--next-key" in (out / "README.txt").read_text()


def test_an_oauth2_issuer_that_is_not_https_is_a_usage_error() -> None:
    done = run("publish", "pubpop.test", "--allow-test-domains", "--pop3", "mail.pubpop.test",
               "--oauth2", "http://login.pubpop.test/")  # fmt: skip
    assert done.returncode == 2
    assert "--oauth2 is not https" in done.stderr
