"""DNS with mailhop's own DNSSEC validation: the resolver, the chain of trust, denial proofs."""
