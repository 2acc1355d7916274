"""Logs keep only the network of an IP address (IPv4 /24, IPv6 /48)."""

from __future__ import annotations

import logging

import pytest

from workshop.ip_privacy import TruncateIPs, scrub, truncate_ip


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("192.168.1.77", "192.168.1.0"),
        ("10.0.0.255", "10.0.0.0"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1::"),
        ("2a02:a44f:88ee:1::5", "2a02:a44f:88ee::"),
        ("::ffff:10.1.2.3", "::ffff:10.1.2.0"),
    ],
)
def test_addresses_are_cut_to_their_network(address: str, network: str) -> None:
    assert truncate_ip(address) == network


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("client 192.168.1.77 at 12:30:05", "client 192.168.1.0 at 12:30:05"),
        ("raddr=('2001:db8:1:2::5', 51234)", "raddr=('2001:db8:1::', 51234)"),
        ("from 10.0.0.9.", "from 10.0.0.0."),
        ("GET /static/app.1.2.3.css HTTP/1.1 200", "GET /static/app.1.2.3.css HTTP/1.1 200"),
        (
            "version 1.2.3.4.5 at 2026-01-02 12:00:00,123",
            "version 1.2.3.4.5 at 2026-01-02 12:00:00,123",
        ),
    ],
)
def test_scrub_changes_addresses_and_nothing_else(line: str, expected: str) -> None:
    assert scrub(line) == expected


def test_the_filter_rewrites_messages_arguments_and_tracebacks() -> None:
    try:
        raise ConnectionError("reset by 203.0.113.9")
    except ConnectionError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "peer %s said %s", ("198.51.100.23", "hi"), None
        )
        import sys

        record.exc_info = sys.exc_info()
    assert TruncateIPs().filter(record)
    text = logging.Formatter().format(record)
    assert "peer 198.51.100.0 said hi" in text and "reset by 203.0.113.0" in text
    assert "198.51.100.23" not in text and "203.0.113.9" not in text
