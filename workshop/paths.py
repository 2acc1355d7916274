"""Where templates, static files, plans and migrations live, in a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The wheel ships ``name`` inside the package; a checkout keeps it at the top level."""
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / name


TEMPLATES_DIR = resource_dir("templates")
STATIC_DIR = resource_dir("static")
PLANS_DIR = resource_dir("sessions")
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
TRANSLATIONS_DIR = PACKAGE_DIR / "translations"
DEMO_PLAN = PLANS_DIR / "denktank-cloudstrategie.yaml"
