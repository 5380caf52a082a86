"""The mass lab (mass.py) in small: distinct domains copied from their templates, validated
from the tree's own root, own servers reached at addresses of their own, black holes silent."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

from tests.lab import mass
from tests.lab.lab import LabInfo

COUNT = 40


@pytest.fixture(scope="module")
def tree(lab: LabInfo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[mass.MassLab]:
    folder = Path(tmp_path_factory.mktemp("mass"))
    with mass.mass_lab(lab, folder, COUNT) as started:
        yield started


def ask(tree: mass.MassLab, name: str, rtype: str) -> dns.message.Message:
    query = dns.message.make_query(name, rtype, want_dnssec=True)
    return dns.query.udp(query, tree.resolver, timeout=5)


def first(tree: mass.MassLab, kind: str, template: str | None = None) -> mass.MassDomain:
    return next(d for d in tree.domains if d.kind == kind and template in (None, d.template))


def test_the_plan_is_distinct_domains_one_in_ten_black_holed() -> None:
    domains = mass.plan(1000)
    assert len({d.name for d in domains}) == 1000
    assert sum(d.kind == "black-holed" for d in domains) == 100
    assert {d.kind for d in domains} == {"provider", "own", "broken", "black-holed"}
    assert mass.plan(1000) == domains  # the same list for the same count


def test_a_provider_domain_names_the_shared_servers_and_validates(tree: mass.MassLab) -> None:
    item = first(tree, "provider", "hosted.test")
    answer = ask(tree, item.name, "MX")
    assert answer.flags & dns.flags.AD
    assert [str(rr.exchange) for rr in answer.answer[0]] == ["mx.provider.test."]


def test_an_own_server_has_its_own_address_that_reaches_the_template_server(
    tree: mass.MassLab,
) -> None:
    items = [d for d in tree.domains if d.kind == "own" and d.template == "healthy.test"][:2]
    addresses = []
    for item in items:
        answer = ask(tree, f"mail.{item.name}", "A")
        assert answer.flags & dns.flags.AD
        addresses.append(answer.answer[0][0].address)
    assert len(set(addresses)) == 2 and all(a.startswith("127.100.") for a in addresses)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((addresses[0], 993), timeout=5) as raw,
        context.wrap_socket(raw) as tls,
    ):
        assert tls.recv(64).startswith(b"* OK")  # the lab's Dovecot, sent on by nftables


def test_a_black_holed_domain_drops_every_packet(tree: mass.MassLab) -> None:
    item = first(tree, "black-holed")
    answer = ask(tree, f"mail.{item.name}", "A")
    address = answer.answer[0][0].address
    assert address.startswith("127.150.")
    with pytest.raises(TimeoutError):
        socket.create_connection((address, 993), timeout=0.5)


def test_a_bogus_copy_fails_validation(tree: mass.MassLab) -> None:
    item = first(tree, "broken", "bogus.test")
    assert ask(tree, item.name, "MX").rcode() == dns.rcode.SERVFAIL
