"""Foundations every stage shares: the address, words, findings, the untrusted-bytes boundary."""
