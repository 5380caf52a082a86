"""Black-holed hosts: every packet to their address is dropped, so a connect hangs until its
deadline, which is what an unreachable server on the internet does (a closed port on loopback
would answer at once with a reset, which is a different case).

nftables rules live in the lab's own network namespace only; outside it they would touch the
machine's loopback, so the part refuses to run there.
"""

from __future__ import annotations

import shutil

from . import netns
from .lab import ComponentState, LabContext
from .procs import LabError, run

TABLE = "mailhop_lab"


class FirewallComponent:
    name = "firewall"

    def start(self, ctx: LabContext) -> ComponentState:
        dropped = sorted(host.address for host in ctx.hosts() if host.blackhole)
        if not dropped:
            return ComponentState()
        if not netns.inside():
            raise LabError("black-holed hosts need the lab's network namespace")
        if shutil.which("nft") is None:
            raise LabError("`nft` is missing: install nftables")
        run(["nft", "-f", "-"], input_text=self.ruleset(dropped))
        return ComponentState(facts={"dropped": " ".join(dropped)})

    @staticmethod
    def ruleset(dropped: list[str]) -> str:
        addresses = ", ".join(dropped)
        return (
            f"table ip {TABLE} {{\n"
            "  chain output {\n"
            "    type filter hook output priority 0; policy accept;\n"
            f"    ip daddr {{ {addresses} }} drop\n"
            "  }\n"
            "}\n"
        )

    def stop(self, ctx: LabContext, state: ComponentState) -> None:
        if state.facts.get("dropped") and netns.inside():
            run(["nft", "delete", "table", "ip", TABLE])


COMPONENT = FirewallComponent()
