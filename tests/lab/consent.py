"""The person at the browser, for tests: follow an authorize URL and answer the consent form.

mailhop opens the system browser on the authorization server's authorize URL and waits on its
loopback redirect (RFC 8252). In a test nobody clicks, so this plays the browser against the
lab's authorization server (oauth.py): GET the authorize URL over verified HTTPS, read the
form's hidden `request` field, POST the account's user name and password with the decision,
and return where the server redirects the browser (the loopback URL with `code` and `state`,
or `error=access_denied`). `deliver()` then makes that request to mailhop's loopback listener
as the browser would.

The lab password goes only to the authorization server, inside TLS: a canary can check that.
"""

from __future__ import annotations

import http.client
import re
import ssl
import urllib.parse
import urllib.request
from pathlib import Path

HIDDEN = re.compile(r'name="request" value="([^"]*)"')
TIMEOUT = 10.0


class ConsentError(RuntimeError):
    """The authorization server did not show its form or did not redirect."""


def _https(url: str, ca_file: Path) -> tuple[http.client.HTTPSConnection, str]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" or parts.hostname is None:
        raise ConsentError(f"not an https URL: {url}")
    context = ssl.create_default_context(cafile=str(ca_file))
    connection = http.client.HTTPSConnection(
        parts.hostname, parts.port or 443, context=context, timeout=TIMEOUT
    )
    return connection, parts.path + (f"?{parts.query}" if parts.query else "")


def answer(
    authorize_url: str, username: str, password: str, ca_file: Path, *, allow: bool = True
) -> str:
    """Sign in at the consent page and return the redirect's Location."""
    connection, target = _https(authorize_url, ca_file)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        page = response.read().decode("utf-8", "replace")
        if response.status != 200:
            raise ConsentError(f"authorize page: {response.status} {page[:200]}")
        found = HIDDEN.search(page)
        if found is None:
            raise ConsentError("authorize page: no consent form")
        request = found[1].replace("&amp;", "&")
        form = urllib.parse.urlencode(
            {
                "request": request,
                "username": username,
                "password": password,
                "decision": "allow" if allow else "deny",
            }
        )
        path = urllib.parse.urlsplit(authorize_url).path
        connection.request(
            "POST", path, form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        response = connection.getresponse()
        response.read()
        location = response.getheader("Location")
        if response.status not in (302, 303) or not location:
            raise ConsentError(f"consent: {response.status}, no redirect")
        return location
    finally:
        connection.close()


def deliver(location: str) -> str:
    """Make the browser's request to the loopback redirect; returns the page it got."""
    if not location.startswith("http://127.0.0.1:"):
        raise ConsentError(f"not a loopback redirect: {location}")
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
        location, timeout=TIMEOUT
    ) as reply:
        return str(reply.read().decode("utf-8", "replace"))
