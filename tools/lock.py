"""Re-resolve the locks in requirements/ and the conda file environment.yml from pyproject.toml.

    python tools/lock.py            # resolve all three locks with uv, then write environment.yml
    python tools/lock.py --check    # exit 1 if pyproject.toml changed since the locks were made

One lock per purpose, each with hashes, resolved for Linux, macOS and Windows at once (uv's
universal mode) with Python 3.11 as the floor:

    requirements/dev.txt       the report lock plus [lab], [dask], [test], [docs], [release]: what `make` installs
    requirements/report.txt    exactly what renders the reports (the base install), same versions as dev
    requirements/pandas22.txt  the report lock with pandas 2.2 instead of 3, plus [test]: the second CI pass

dev.txt is resolved first; report.txt and pandas22.txt are resolved under it (as constraints), so a
package shared by two locks has one version. environment.yml names the direct dependencies as
conda-forge packages at the report lock's versions (pip only for what conda-forge does not carry).
tests/test_locks.py checks all of it against pyproject.toml; uv comes from PyPI (`pip install uv`).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ROOT / "requirements"
PYTHON_FLOOR = "3.11"
# Each lock: the extras it adds to the base dependencies, and extra constraints it is resolved under.
PLAN: dict[str, dict] = {
    "dev": {"extras": ["lab", "dask", "test", "docs", "release"], "constraints": [],
            "purpose": "development: the report lock plus [lab], [dask], [test], [docs], [release] (`make` installs it)"},
    "report": {"extras": [], "constraints": [],
               "purpose": "exactly what renders the reports: the base install, no JupyterLab, dask or pytest"},
    "pandas22": {"extras": ["test"], "constraints": ["pandas>=2.2,<2.3"],
                 "purpose": "the report lock with pandas 2.2 (and pytest): the second pass of .ci/run"},
}

# PyPI name -> conda-forge name, where they differ (matplotlib-base: matplotlib without a Qt GUI).
CONDA_NAMES = {"matplotlib": "matplotlib-base", "nbconvert": "nbconvert-core"}
# Direct dependencies conda-forge does not carry (at the pinned version): installed by pip.
PIP_ONLY = {"pytrends"}
# Extras a conda user gets besides the base install (JupyterLab for `make lab`, pytest for `make test`).
CONDA_EXTRAS = ["lab", "test"]


def norm(name: str) -> str:
    """PEP 503 normalised package name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def inputs_digest() -> str:
    """SHA-256 of what the locks are resolved from: dependencies, extras, Python floor and the plan."""
    proj = project()
    data = {"dependencies": proj["dependencies"], "extras": proj.get("optional-dependencies", {}),
            "requires-python": proj.get("requires-python"), "plan": PLAN, "floor": PYTHON_FLOOR}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def parse_lock(text: str) -> dict[str, list[tuple[str, str]]]:
    """{normalised name: [(version, marker), ...]} of a lock (a name may repeat with other markers)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._\-]*)(?:\[[^\]]*\])?==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$", line)
        if m:
            out.setdefault(norm(m.group(1)), []).append((m.group(2), (m.group(3) or "").strip()))
    return out


def _uv() -> list[str]:
    exe = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(exe).exists():
        sys.exit("tools/lock.py needs uv: pip install uv")
    return [exe]


def _constraints_file(tmp: Path, name: str, extra: list[str], under: str | None) -> Path:
    """Constraints: the plan's own, then every pin of the lock ``under`` (without hashes)."""
    lines = list(extra)
    overridden = {norm(re.split(r"[<>=!~ ]", c)[0]) for c in extra}
    if under:
        for pkg, pins in parse_lock((LOCKS / f"{under}.txt").read_text(encoding="utf-8")).items():
            if pkg not in overridden:
                lines += [f"{pkg}=={v}" + (f" ; {m}" if m else "") for v, m in pins]
    path = tmp / f"{name}-constraints.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def compile_lock(name: str, under: str | None) -> None:
    plan = PLAN[name]
    with tempfile.TemporaryDirectory() as tmp:
        cons = _constraints_file(Path(tmp), name, plan["constraints"], under)
        cmd = _uv() + ["pip", "compile", "pyproject.toml", "--universal", "--python-version", PYTHON_FLOOR,
                       "--generate-hashes", "--no-header", "--quiet", "-c", str(cons)]
        for extra in plan["extras"]:
            cmd += ["--extra", extra]
        body = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    body = body.replace(str(cons), f"{name} constraints")
    header = (f"# requirements/{name}.txt: {plan['purpose']}.\n"
              "# Generated by tools/lock.py (`make lock`) with uv from pyproject.toml; do not edit by hand.\n"
              f"# inputs-sha256: {inputs_digest()}\n"
              f"# Install: pip install --require-hashes -r requirements/{name}.txt && pip install --no-deps .\n")
    (LOCKS / f"{name}.txt").write_text(header + body, encoding="utf-8")


def requirement_names(extras: list[str]) -> list[str]:
    from packaging.requirements import Requirement

    proj = project()
    reqs = list(proj["dependencies"])
    for extra in extras:
        reqs += proj["optional-dependencies"][extra]
    return [Requirement(r).name for r in reqs]


# The platform environment.yml is written for (its python= line); markers are evaluated against it.
CONDA_MARKER_ENV = {"python_version": PYTHON_FLOOR, "python_full_version": f"{PYTHON_FLOOR}.9",
                    "sys_platform": "linux", "os_name": "posix", "platform_system": "Linux",
                    "implementation_name": "cpython", "platform_python_implementation": "CPython"}


def pin_for(pins: list[tuple[str, str]], env: dict[str, str]) -> str:
    """The version among a lock's ``(version, marker)`` entries that applies in marker environment ``env``."""
    from packaging.markers import Marker

    for version, marker in pins:
        if not marker or Marker(marker).evaluate(env):
            return version
    raise LookupError(f"no pin applies to {env}: {pins}")


def write_environment() -> None:
    """environment.yml: direct dependencies at the report lock's versions (dev's for the extras)."""
    pins = {}
    for lock in ("dev", "report"):  # report last: its versions win (they are the same by construction)
        pins.update(parse_lock((LOCKS / f"{lock}.txt").read_text(encoding="utf-8")))
    conda, pip = [], []
    seen = set()
    for name in requirement_names(CONDA_EXTRAS):
        key = norm(name)
        if key in seen:
            continue
        seen.add(key)
        version = pin_for(pins[key], CONDA_MARKER_ENV)
        if key in PIP_ONLY:
            pip.append(f"{name}=={version}")
        else:
            conda.append(f"{CONDA_NAMES.get(key, key)}={version}")
    lines = ["# Conda environment for trendlib: conda-forge packages at the versions of requirements/report.txt",
             "# (JupyterLab, jupytext and pytest at requirements/dev.txt's); pip only for what conda-forge lacks.",
             "# Generated by tools/lock.py (`make lock`); tests/test_locks.py checks that it agrees with the locks.",
             "#   conda env create -f environment.yml && conda activate trendlib",
             "name: trendlib", "channels:", "  - conda-forge", "dependencies:", f"  - python={PYTHON_FLOOR}",
             "  - pip"]
    lines += [f"  - {c}" for c in sorted(conda)]
    lines += ["  - pip:"] + [f"      - {p}" for p in sorted(pip)] + ["      - --no-deps -e ."]
    (ROOT / "environment.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def stale() -> list[str]:
    """The locks whose recorded inputs differ from pyproject.toml now."""
    digest, out = inputs_digest(), []
    for name in PLAN:
        path = LOCKS / f"{name}.txt"
        if not path.is_file() or f"# inputs-sha256: {digest}" not in path.read_text(encoding="utf-8"):
            out.append(name)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only say whether the locks are up to date")
    args = ap.parse_args()
    if args.check:
        names = stale()
        print("locks up to date" if not names else f"stale locks (run `make lock`): {', '.join(names)}")
        return 1 if names else 0
    LOCKS.mkdir(exist_ok=True)
    compile_lock("dev", under=None)
    compile_lock("report", under="dev")
    compile_lock("pandas22", under="dev")
    write_environment()
    for name in PLAN:
        print(f"requirements/{name}.txt: {len(parse_lock((LOCKS / f'{name}.txt').read_text(encoding='utf-8')))} packages")
    print("environment.yml written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
