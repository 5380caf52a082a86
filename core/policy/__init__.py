"""From attempts to a plan: trust tiers, merged and ranked per service (pure, no I/O)."""
