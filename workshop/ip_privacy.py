"""IP addresses in logs: cut to their network (IPv4 /24, IPv6 /48) so no person is identified."""

from __future__ import annotations

import ipaddress
import logging
import re

# Candidates only; ipaddress decides what really is an address (times like 12:30:05 are not).
_IPV4 = r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)"
_IPV6 = (
    r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
    r"(?::(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\d)"
)
_CANDIDATE = re.compile(f"{_IPV6}|{_IPV4}")


def truncate_ip(address: str) -> str:
    """The address's network: 192.168.1.77 → 192.168.1.0, 2001:db8:1:2::5 → 2001:db8:1::."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return "::ffff:" + truncate_ip(str(ip.ipv4_mapped))
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def _replace(match: re.Match[str]) -> str:
    text = match.group(0)
    try:
        return truncate_ip(text)
    except ValueError:
        return text


def scrub(text: str) -> str:
    """The text with every IPv4 and IPv6 address in it truncated."""
    return _CANDIDATE.sub(_replace, text)


class TruncateIPs(logging.Filter):
    """A handler filter: every record's message (and traceback) leaves with truncated IPs."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Put the filter on every handler of the logger (default: the root logger), once."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, TruncateIPs) for f in handler.filters):
            handler.addFilter(TruncateIPs())
