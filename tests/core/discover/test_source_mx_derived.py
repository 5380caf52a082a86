"""Which domains an MX host's provider is asked about (issue 21): pure, no network."""

from __future__ import annotations

import pytest

from mailhop.core.discover.source_mx_derived import MAX_MX_DOMAINS, mx_lookup_domains


@pytest.mark.parametrize(
    ("mx_host", "domains"),
    [
        # Microsoft 365's customer MX: the business suffix first, never the suffix "com".
        (
            "contoso-com.mail.protection.outlook.com",
            ("mail.protection.outlook.com", "protection.outlook.com", "outlook.com"),
        ),
        ("aspmx.l.google.com", ("l.google.com", "google.com")),
        ("mx.provider.test", ("provider.test",)),
        ("provider.test", ("provider.test",)),  # an MX at the registrable domain itself
        ("mx.example.co.uk", ("example.co.uk",)),  # never co.uk: a public suffix
        ("MX.Example.COM.", ("example.com",)),
        ("test", ()),  # a public suffix has no provider
    ],
)
def test_from_the_mx_hosts_parent_down_to_its_registrable_domain(
    mx_host: str, domains: tuple[str, ...]
) -> None:
    assert mx_lookup_domains(mx_host) == domains


def test_a_very_deep_mx_host_costs_a_bounded_number_of_questions() -> None:
    host = ".".join(f"l{i}" for i in range(60)) + ".example.com"
    asked = mx_lookup_domains(host)
    assert len(asked) == MAX_MX_DOMAINS
    assert asked[0] == host.split(".", 1)[1]  # the most specific kept
    assert asked[-1] == "example.com"
