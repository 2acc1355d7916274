"""`make audit`: pip-audit over the venv's resolved dependencies; a known vulnerability fails.

pip-audit asks a vulnerability service (PyPI's JSON API, or OSV with WORKSHOP_AUDIT_SERVICE=osv).
When that service cannot be reached, pip-audit skips every package and reports "no known
vulnerabilities"; this wrapper says so loudly instead of passing quietly, and fails when
WORKSHOP_AUDIT_REQUIRED=1 (set it where the service is reachable, e.g. in CI with internet).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def main() -> int:
    """Run the audit and turn its JSON into an exit code and a short report."""
    service = os.environ.get("WORKSHOP_AUDIT_SERVICE", "pypi")
    result = subprocess.run(
        [
            str(BIN / "pip-audit"),
            "--skip-editable",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--vulnerability-service",
            service,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stderr or result.stdout, file=sys.stderr)
        return _unchecked(f"pip-audit gave no report (exit {result.returncode})")
    deps = report.get("dependencies", [])
    vulnerable = [d for d in deps if d.get("vulns")]
    checked = [d for d in deps if "skip_reason" not in d]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    if vulnerable:
        return 1
    if not checked:
        return _unchecked(f"the {service} vulnerability service answered for no package")
    print(f"pip-audit: {len(checked)} packages checked against {service}, none known vulnerable")
    return 0


def _unchecked(reason: str) -> int:
    print(f"WARNING: dependencies NOT audited: {reason}.", file=sys.stderr)
    return 1 if os.environ.get("WORKSHOP_AUDIT_REQUIRED") == "1" else 0


if __name__ == "__main__":
    sys.exit(main())
