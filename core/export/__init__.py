"""Files for mail clients, and lint of published files by the clients' own rules."""
