"""The portal's edge: which forwarded headers it believes, and who may frame its pages.

*Forwarded headers.* ``X-Forwarded-For``, ``-Proto``, ``-Host`` (and the rest of
``X-Forwarded-*``, ``Forwarded``) say where a request came from, and anybody can send them.
They are believed only from a peer listed in ``statportal.trusted_proxies`` (addresses or
networks, e.g. ``127.0.0.1 10.0.0.0/24``; empty by default: nobody). From such a peer the
tween below applies them — the client's address (the last hop of ``X-Forwarded-For``), the
scheme, the host — and from anyone else it drops them, before anything else reads the
request. When waitress's own ``trusted_proxy`` has already applied them, the peer it leaves
in ``REMOTE_ADDR`` is the client, so the leftovers are dropped too.

*Framing.* No page of the portal is meant to be shown inside another site's frame
(clickjacking): every answer says ``frame-ancestors 'none'`` in its Content-Security-Policy
(added to a policy the view set, such as a download's sandbox) and, for browsers that do not
read CSP level 2, ``X-Frame-Options: DENY``.
"""

import ipaddress
import re

from pyramid.exceptions import ConfigurationError

FORWARDED_PREFIXES = ("HTTP_X_FORWARDED_",)
FORWARDED_KEYS = ("HTTP_FORWARDED",)
HOST_RE = re.compile(r"^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")
FRAME_ANCESTORS = "frame-ancestors 'none'"


def parse_proxies(value):
    """The networks of ``statportal.trusted_proxies``; a bad entry stops the start."""
    networks = []
    for part in re.split(r"[\s,]+", value or ""):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ConfigurationError(
                f"statportal.trusted_proxies: {part!r} is not an IP address or network.") \
                from None
    return tuple(networks)


def _address(text):
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def is_trusted(networks, remote_addr):
    address = _address(remote_addr)
    return address is not None and any(address in network for network in networks)


def apply_forwarded(environ, networks):
    """Apply the forwarded headers of a trusted peer, drop everybody else's; idempotent
    (a retried request finds nothing left to apply)."""
    keys = [key for key in environ
            if key.startswith(FORWARDED_PREFIXES) or key in FORWARDED_KEYS]
    if not keys:
        return
    if is_trusted(networks, environ.get("REMOTE_ADDR")):
        hops = [hop.strip() for hop in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        client = _address(hops[-1]) if hops and hops[-1] else None
        if client is not None:
            environ["REMOTE_ADDR"] = str(client)
        proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
        if proto in ("http", "https"):
            environ["wsgi.url_scheme"] = proto
        host = environ.get("HTTP_X_FORWARDED_HOST", "").split(",")[-1].strip()
        if host and HOST_RE.match(host):
            environ["HTTP_HOST"] = host
    for key in keys:
        del environ[key]


def forwarded_tween_factory(handler, registry):
    networks = parse_proxies(registry.settings.get("statportal.trusted_proxies"))

    def forwarded_tween(request):
        apply_forwarded(request.environ, networks)
        return handler(request)
    return forwarded_tween


def framing_headers(event):
    headers = event.response.headers
    policy = headers.get("Content-Security-Policy", "")
    if "frame-ancestors" not in policy:
        headers["Content-Security-Policy"] = \
            f"{policy.rstrip('; ')}; {FRAME_ANCESTORS}" if policy.strip() else FRAME_ANCESTORS
    headers.setdefault("X-Frame-Options", "DENY")


def includeme(config):
    from pyramid.events import NewResponse
    from pyramid.tweens import INGRESS

    parse_proxies(config.registry.settings.get("statportal.trusted_proxies"))
    config.add_tween("statportal.security.edge.forwarded_tween_factory", under=INGRESS)
    config.add_subscriber(framing_headers, NewResponse)
