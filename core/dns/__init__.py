"""DNS with mailhop's own DNSSEC validation: the resolver, the chain of trust, denial proofs."""

import dns._features

# mailhop asks its upstream over UDP and TCP only, never DNS over HTTPS. Left to itself,
# dnspython's query modules import their DoH stack (httpx2, httpcore2, h2, anyio: about
# 70 ms) whenever it happens to be installed, on every start of every command that
# resolves a name. Every module that imports dns.query or dns.asyncquery is in this package.
dns._features.force("doh", False)
