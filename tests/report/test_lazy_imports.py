"""``trendlib --help`` loads the report command's registration, not the report machinery behind it."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

# what building the CLI must not import: the report modules that pull in pandas, provenance, papermill, ...
HEAVY = ["trendlib.report.exhibits", "trendlib.report.runner", "trendlib.report.render", "trendlib.report.index",
         "trendlib.report.kernels", "trendlib.report.sweep", "trendlib.report.notebook", "trendlib.report.page",
         "trendlib.provenance", "trendlib._io", "pandas", "matplotlib", "papermill"]

_PROBE = """
import json, sys
{code}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""

CASES = {
    "import trendlib.cli": "import trendlib.cli",
    "import trendlib.report": "import trendlib.report",
    "trendlib --help": "import contextlib, io, trendlib.cli\n"
                       "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
                       "    try:\n"
                       "        trendlib.cli.main(['--help'])\n"
                       "    except SystemExit as exc:\n"
                       "        assert exc.code == 0, exc.code\n"
                       "assert 'report' in out.getvalue(), out.getvalue()",
}


def _imported(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", _PROBE.format(code=code, heavy=HEAVY)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case", sorted(CASES))
def test_cli_does_not_import_the_report_machinery(case):
    assert _imported(CASES[case]) == [], f"{case} imports heavy modules"


def test_the_public_names_still_resolve_on_first_use():
    code = ("import trendlib.report as r\n"
            "from trendlib.report.exhibits import Exhibits\n"
            "assert r.Exhibits is Exhibits and 'Exhibits' in dir(r) and r.__all__ == ['Exhibits']")
    assert "trendlib.report.exhibits" in _imported(code)


def test_an_unknown_name_is_an_attribute_error():
    import trendlib.report

    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        trendlib.report.Nope  # noqa: B018 - the access is the test
