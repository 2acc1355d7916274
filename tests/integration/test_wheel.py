"""A built wheel carries templates, static files, plans, migrations and translations, and runs
outside the checkout."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from tests.support.processes import REPO, LiveServer, workshop_env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel once (no network: the build backend is already installed)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("*.whl")
    return built


def test_wheel_contains_everything_the_app_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "workshop/templates/base.html",
        "workshop/templates/projector/wall.html",
        "workshop/static/js/realtime.js",
        "workshop/static/css/app.css",
        "workshop/sessions/denktank-cloudstrategie.yaml",
        "workshop/migrations/env.py",
        "workshop/migrations/versions/0001_initial_schema.py",
        "workshop/translations/nl/LC_MESSAGES/messages.mo",
        "workshop/translations/en/LC_MESSAGES/messages.mo",
    ):
        assert required in names, required
    assert not any(name.startswith("tests/") for name in names)


def test_installed_wheel_runs_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # Unpack the wheel into the fresh environment and borrow the dependencies already installed
    # for the tests, so this needs no network; the checkout itself stays off sys.path.
    zipfile.ZipFile(wheel).extractall(site)
    (site / "borrowed-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    located = subprocess.run(
        [str(python), "-c", "import workshop, flask; print(workshop.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=outside,
        env={"PATH": "/usr/bin:/bin"},
    ).stdout.strip()
    assert located.startswith(str(site)), located

    env = workshop_env(outside / "instance", f"sqlite:///{outside / 'instance' / 'w.db'}")
    plan = site / "workshop" / "sessions" / "denktank-cloudstrategie.yaml"
    command = [str(python), "-m", "workshop"]
    checked = subprocess.run(
        [*command, "plan", "check", str(plan)], env=env, cwd=outside, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    server = LiveServer(env, command=command, cwd=outside).start()
    try:
        demo = subprocess.run(
            [*command, "demo"], env=server.env, cwd=outside, capture_output=True, text=True
        )
        assert demo.returncode == 0, demo.stderr
        with urllib.request.urlopen(server.url + "/static/css/app.css") as response:
            assert b"--accent" in response.read()
        with urllib.request.urlopen(server.url + "/login") as response:
            assert "Inloggen" in response.read().decode()  # templates and nl catalogue found
    finally:
        server.stop()
