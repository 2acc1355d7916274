"""QR codes as inline SVG, drawn on the server (no script, no other host)."""

from __future__ import annotations

import io

import segno


def qr_svg(data: str, title: str = "", scale: int = 10) -> str:
    """An accessible, scalable SVG QR code for ``data``."""
    code = segno.make(data, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=scale,
        border=2,
        xmldecl=False,
        svgns=True,
        title=title or None,
        svgclass="qr",
        lineclass=None,
        omitsize=True,
        dark="#000",
        light="#fff",
    )
    return buffer.getvalue().decode("utf-8")
