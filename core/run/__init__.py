"""Wiring the stages: discovery's schedule, the check (discover, probe, verdict), the options."""
