"""connect.loopback_ports: the demo's map from published ports to the ports its servers got.

Real sockets on 127.0.0.1; no mocks. The map must reach every connect path (asyncio streams,
a protocol of the caller's, and other threads) and must refuse anything but loopback.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from mailhop.core.net import connect
from mailhop.core.net.connect import dial_port, loopback_ports, open_connection, open_transport


async def _listener() -> tuple[asyncio.Server, int, list[bytes]]:
    heard: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        heard.append(await reader.readline())
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], heard


def test_without_a_map_every_port_is_itself() -> None:
    assert dial_port("127.0.0.1", 993) == 993
    assert dial_port("192.0.2.1", 25) == 25


def test_streams_and_transports_go_to_the_mapped_port_and_only_while_mapped() -> None:
    async def run() -> list[bytes]:
        server, port, heard = await _listener()
        async with server:
            with loopback_ports({("127.0.0.1", 993): port}):
                _, writer, peer = await open_connection("mail.demo.test", 993, ["127.0.0.1"])
                assert peer == "127.0.0.1"
                writer.write(b"streams\r\n")
                await writer.drain()
                writer.close()
                transport, _, _ = await open_transport(
                    "mail.demo.test", 993, ["127.0.0.1"], asyncio.Protocol
                )
                transport.write(b"transport\r\n")
                await asyncio.sleep(0.05)
                transport.close()
            assert dial_port("127.0.0.1", 993) == 993
            for _ in range(50):
                if len(heard) == 2:
                    break
                await asyncio.sleep(0.01)
        return heard

    assert sorted(asyncio.run(run())) == [b"streams\r\n", b"transport\r\n"]


def test_the_map_is_seen_from_other_threads() -> None:
    seen: list[int] = []
    with loopback_ports({("::1", 587): 40587}):
        thread = threading.Thread(target=lambda: seen.append(dial_port("::1", 587)))
        thread.start()
        thread.join()
    assert seen == [40587]
    assert dial_port("::1", 587) == 587


@pytest.mark.parametrize(
    ("key", "target", "complaint"),
    [
        (("192.0.2.1", 25), 2525, "only loopback"),
        (("10.0.0.1", 443), 8443, "only loopback"),
        (("localhost", 443), 8443, "does not appear to be an IPv4 or IPv6 address"),
        (("127.0.0.1", 0), 8443, "1-65535"),
        (("127.0.0.1", 443), 70000, "1-65535"),
    ],
)
def test_anything_but_a_loopback_address_and_a_real_port_is_refused(
    key: tuple[str, int], target: int, complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint), loopback_ports({key: target}):
        pass
    assert connect._port_map == {}


def test_two_maps_cannot_claim_one_port_and_a_failure_lifts_the_map() -> None:
    with loopback_ports({("127.0.0.1", 25): 2525}):
        with (
            pytest.raises(ValueError, match="already mapped"),
            loopback_ports({("127.0.0.1", 25): 2626}),
        ):
            pass
        assert dial_port("127.0.0.1", 25) == 2525
    with pytest.raises(RuntimeError), loopback_ports({("127.0.0.1", 25): 2525}):
        raise RuntimeError("the demo broke")
    assert connect._port_map == {}


def _failure(*errors: OSError) -> connect.ConnectFailure:
    """What first_connected raises when each address fails with the error given."""
    addresses = [f"192.0.2.{i + 1}" for i in range(len(errors))]
    by_address = dict(zip(addresses, errors, strict=True))

    async def attempt(address: str) -> object:
        raise by_address[address]

    async def close(_: object) -> None:
        pass

    async def run() -> connect.ConnectFailure:
        try:
            await connect.first_connected("h.example", 443, addresses, attempt, close, stagger=0)
        except connect.ConnectFailure as exc:
            return exc
        raise AssertionError("connected")

    return asyncio.run(run())


def test_refused_is_a_typed_fact_only_when_every_address_refused() -> None:
    refused = ConnectionRefusedError(111, "Connection refused")
    unreachable = OSError(113, "No route to host")
    assert _failure(refused, refused).refused is True
    assert _failure(refused, unreachable).refused is False
    assert _failure(unreachable).refused is False
