"""Getting a client ID (core/account/oauth_client.py) from the lab's authorization server:
a client ID, or a typed failure whose code the flow decides on."""

from __future__ import annotations

import dataclasses
import time

from mailhop.core.account.oauth_client import register
from mailhop.core.account.oauth_discover import IssuerMetadata
from mailhop.core.account.oauth_result import FlowCode
from mailhop.core.common.failure import Failure
from tests.core.account.test_oauth_flow import ISSUER, metadata, run
from tests.lab.lab import LabInfo

__all__ = ["metadata"]  # the lab issuer's metadata, a fixture shared with the flow's tests

REDIRECT = "http://127.0.0.1:9/callback"


def registered(lab: LabInfo, metadata: IssuerMetadata) -> str | Failure[FlowCode]:
    return run(  # type: ignore[no-any-return]
        lab, lambda fetcher, _: register(fetcher, metadata, REDIRECT, time.monotonic() + 5)
    )


def test_dynamic_registration_gives_a_client_id(lab: LabInfo, metadata: IssuerMetadata) -> None:
    client_id = registered(lab, metadata)
    assert isinstance(client_id, str) and client_id


def test_no_registration_endpoint_is_a_failure_asking_for_a_client_id(
    lab: LabInfo, metadata: IssuerMetadata
) -> None:
    failed = registered(lab, dataclasses.replace(metadata, registration_endpoint=None))
    assert isinstance(failed, Failure) and failed.code is FlowCode.NEEDS_CLIENT_ID
    assert "--oauth-client-id" in failed.message and failed.trace is None


def test_a_refused_registration_is_a_failure_with_the_status(
    lab: LabInfo, metadata: IssuerMetadata
) -> None:
    nowhere = dataclasses.replace(metadata, registration_endpoint=f"{ISSUER}/no-such-endpoint")
    failed = registered(lab, nowhere)
    assert isinstance(failed, Failure) and failed.code is FlowCode.REGISTRATION_FAILED
    assert "did not register mailhop (HTTP 4" in failed.message
