"""Probing servers: protocol engines, the probe session, certificates and DANE, the probe record."""
