"""source_tlsa.tlsa: DANE's TLSA records for a server behind an alias (RFC 7671 section 7,
RFC 7672 section 2.2.2), against the lab's tree of zones signed by real signers.

    mx-alias.knot-rsa.test    CNAME mx.knot-ecdsa.test       TLSA only at the target
    mx-alias2.knot-rsa.test   CNAME mta-sts.knot-ecdsa.test  TLSA only at the alias's name
    half-alias.knot-rsa.test  CNAME mx.plain.test (unsigned) TLSA at the alias's name, signed
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from mailhop.core.common.address import parse_address
from mailhop.core.discover.report import Attempt, Auth, Status, TlsaQuestion
from mailhop.core.discover.source_context import SourceContext
from mailhop.core.discover.source_tlsa import tlsa
from mailhop.core.dns.dnssec import TrustAnchor
from mailhop.core.dns.resolver import Resolver, Upstream
from mailhop.core.net.fetch import Fetcher
from tests.lab import signers
from tests.lab.lab import LabInfo


@pytest.fixture(scope="module")
def world(lab: LabInfo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mapping[str, str]]:
    with signers.world(lab, tmp_path_factory.mktemp("signers")) as facts:
        yield facts


def ask(world: Mapping[str, str], host: str, port: int = 25) -> Attempt:
    anchor = TrustAnchor.from_text(Path(world["trust_anchor_file"]).read_text())
    started = time.monotonic()
    resolver = Resolver(Upstream(world["resolver"]), anchor, deadline=started + 10)
    ctx = SourceContext(
        address=parse_address("postmaster@knot-rsa.test", allow_test_domains=True),
        registrable="knot-rsa.test",
        resolver=resolver,
        fetcher=Fetcher(resolve=resolver.addresses, ssl_context=ssl.create_default_context()),
        ispdb_url="https://ispdb.invalid/",
        started=started,
        deadline=started + 10,
    )
    return asyncio.run(tlsa(ctx, host, port))


def records(attempt: Attempt) -> tuple[str, ...]:
    return attempt.records[0].records if attempt.records else ()


def test_an_alias_whose_chain_is_signed_takes_the_tlsa_of_its_target(
    world: Mapping[str, str],
) -> None:
    attempt = ask(world, "mx-alias.knot-rsa.test")
    assert (attempt.status, attempt.auth) == (Status.FOUND, Auth.DNSSEC_SECURE)
    assert records(attempt) == (f"3 1 1 {signers.TLSA_DIGEST}",)
    assert attempt.target == "_25._tcp.mx.knot-ecdsa.test TLSA"
    assert "mx.knot-ecdsa.test" in attempt.detail and "DANE applies" in attempt.detail
    # The question stays the one the plan asked, so the probe of this host finds it.
    assert attempt.payload_as(TlsaQuestion) == TlsaQuestion("mx-alias.knot-rsa.test", 25)


def test_with_none_at_the_target_the_alias_s_own_name_is_asked_next(
    world: Mapping[str, str],
) -> None:
    attempt = ask(world, "mx-alias2.knot-rsa.test")
    assert (attempt.status, attempt.auth) == (Status.FOUND, Auth.DNSSEC_SECURE)
    assert records(attempt) == (f"3 1 1 {signers.ALIAS_TLSA_DIGEST}",)
    assert "none at its target mta-sts.knot-ecdsa.test" in attempt.detail


def test_a_half_signed_alias_chain_means_no_dane_even_with_signed_tlsa(
    world: Mapping[str, str],
) -> None:
    attempt = ask(world, "half-alias.knot-rsa.test")
    assert attempt.auth is not Auth.DNSSEC_SECURE
    assert attempt.records[0].dnssec.value == "insecure"
    assert "DANE does not apply" in attempt.detail and "RFC 7672" in attempt.records[0].reason
