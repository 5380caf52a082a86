"""publish: the records and files a domain should publish for the servers it runs (issue 19)."""
