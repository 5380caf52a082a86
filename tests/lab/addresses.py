"""Fixed addresses of the lab's infrastructure on 127.0.0.0/8.

Scenario hosts bring their own addresses (each scenario file names them); only the shared
services live here. Clients in tests connect from 127.0.0.1, which no server uses, so Dovecot
never mistakes a test connection for a "secured" local one (LAB-NOTES.md).
"""

RESOLVER = "127.0.0.53"  # Unbound: validating recursive resolver, the one mailhop is pointed at
AUTHORITATIVE = "127.0.0.54"  # Knot: serves the lab root, test. and every scenario zone
AUTHORITATIVE_NAME = "ns.test."  # the name every delegation in the lab points at
DNS_PORT = 53
