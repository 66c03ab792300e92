"""The locks in requirements/ and environment.yml agree with pyproject.toml, and with each other.

What each lock is for is in tools/lock.py. These tests read files and the installed packages'
metadata only; no registry is asked.
"""
from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import re
import sys
import tomllib

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import lock  # noqa: E402  (tools/lock.py: the one place the plan of locks is written down)

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
HEAVY_EXTRAS = {"jupyterlab", "jupytext", "dask", "distributed", "pytest", "mkdocs", "mkdocstrings"}


def _lock(name: str) -> dict[str, list[tuple[str, str]]]:
    return lock.parse_lock((ROOT / "requirements" / f"{name}.txt").read_text(encoding="utf-8"))


def _requirements(extras: list[str]) -> list[Requirement]:
    reqs = list(PROJECT["project"]["dependencies"])
    for extra in extras:
        reqs += PROJECT["project"]["optional-dependencies"][extra]
    return [Requirement(r) for r in reqs]


def _applies(marker: str, extra: str = "") -> bool:
    return not marker or Marker(marker).evaluate({"extra": extra})


def test_the_locks_were_resolved_from_this_pyproject():
    assert lock.stale() == [], "pyproject.toml changed since the locks were made: run `make lock`"


@pytest.mark.parametrize("name", list(lock.PLAN))
def test_every_pin_carries_hashes(name):
    text = (ROOT / "requirements" / f"{name}.txt").read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 4)[-1])
    pins = [e for e in entries if re.match(r"[A-Za-z0-9][\w.\-]*==", e)]
    assert len(pins) >= 20, f"{name}: only {len(pins)} pins"
    for entry in pins:
        assert "--hash=sha256:" in entry, f"{name}: {entry.splitlines()[0]} has no hash"


@pytest.mark.parametrize("name", list(lock.PLAN))
def test_each_lock_pins_its_groups_within_pyproject_ranges(name):
    plan, pins = lock.PLAN[name], _lock(name)
    extra_rules = [Requirement(c) for c in plan["constraints"]]
    for req in _requirements(plan["extras"]) + extra_rules:
        key = lock.norm(req.name)
        assert key in pins, f"{req.name} is not pinned in requirements/{name}.txt: run `make lock`"
        for version, _marker in pins[key]:
            assert req.specifier.contains(version, prereleases=True), \
                f"requirements/{name}.txt: {req.name}=={version} violates {req.specifier}"


def test_report_lock_is_the_base_install_and_pandas22_lock_is_pandas_2_2():
    report, dev, p22 = _lock("report"), _lock("dev"), _lock("pandas22")
    assert not HEAVY_EXTRAS & set(report), f"the report lock carries {sorted(HEAVY_EXTRAS & set(report))}"
    assert {"jupyterlab", "jupytext", "dask", "pytest", "mkdocs"} <= set(dev)
    assert all(v.startswith("3.") for v, _ in report["pandas"]), report["pandas"]
    assert all(v.startswith("2.2.") for v, _ in p22["pandas"]), p22["pandas"]
    assert report["pytrends"] == [("4.9.2", "")]


def test_a_package_shared_by_two_locks_has_one_version():
    dev = _lock("dev")
    for name in ("report", "pandas22"):
        for pkg, pins in _lock(name).items():
            if pkg in dev and not (name == "pandas22" and pkg == "pandas"):
                versions, dev_versions = {v for v, _ in pins}, {v for v, _ in dev[pkg]}
                assert versions <= dev_versions, \
                    f"{pkg}: requirements/{name}.txt pins {sorted(versions)}, requirements/dev.txt {sorted(dev_versions)}"


def _closure(reqs: list[Requirement]) -> set[str]:
    """Names of the installed distributions ``reqs`` pull in on this platform (markers evaluated here)."""
    seen: set[str] = set()
    todo = [(r, "") for r in reqs if _applies(str(r.marker or ""))]
    while todo:
        req, _ = todo.pop()
        key = lock.norm(req.name)
        extras = sorted(req.extras)
        tag = (key, tuple(extras))
        if tag in seen:
            continue
        seen.add(tag)
        for dep in md.distribution(req.name).requires or []:
            dreq = Requirement(dep)
            marker = str(dreq.marker or "")
            if _applies(marker) or any(_applies(marker, e) for e in extras):
                todo.append((dreq, ""))
    return {k for k, _ in seen}


def _installed_from(name: str) -> bool:
    """Whether this environment holds every package of lock ``name`` that applies here, at its version."""
    for pkg, pins in _lock(name).items():
        for version, marker in pins:
            if _applies(marker):
                try:
                    if md.version(pkg) != version:
                        return False
                except md.PackageNotFoundError:
                    return False
    return True


@pytest.mark.parametrize("name", list(lock.PLAN))
def test_each_lock_is_exactly_what_its_groups_pull_in(name):
    """No stray pin and none missing: the lock's entries for this platform are the dependency closure."""
    if not _installed_from(name):
        pytest.skip(f"this environment was not installed from requirements/{name}.txt")
    plan = lock.PLAN[name]
    want = _closure(_requirements(plan["extras"]))
    have = {pkg for pkg, pins in _lock(name).items() if any(_applies(m) for _, m in pins)}
    assert have == want, f"requirements/{name}.txt: stray {sorted(have - want)}, missing {sorted(want - have)}"


def _environment() -> tuple[dict[str, str], list[str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"], env["channels"]
    conda, pip = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep["pip"]
        else:
            name, _, version = dep.partition("=")
            conda[name] = version
    return conda, pip


def test_environment_yml_is_conda_forge_at_the_report_lock_versions():
    conda, pip = _environment()
    assert conda.pop("python") == lock.PYTHON_FLOOR and conda.pop("pip") == ""
    report, dev = _lock("report"), _lock("dev")
    expected_conda, expected_pip = {}, {"--no-deps -e ."}
    for req in _requirements(lock.CONDA_EXTRAS):
        key = lock.norm(req.name)
        source = report if key in report else dev
        version = lock.pin_for(source[key], lock.CONDA_MARKER_ENV)
        if key in lock.PIP_ONLY:
            expected_pip.add(f"{req.name}=={version}")
        else:
            expected_conda[lock.CONDA_NAMES.get(key, key)] = version
    assert conda == expected_conda, "environment.yml disagrees with requirements/: run `make lock`"
    assert set(pip) == expected_pip, f"pip entries must be only what conda-forge lacks: {pip}"
    assert "pandas" in conda and "matplotlib-base" in conda


def test_one_version_source_and_citation_carries_it():
    import trendlib

    assert "version" in PROJECT["project"]["dynamic"] and "version" not in PROJECT["project"]
    assert PROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "trendlib.__version__"}
    assert md.version("trendlib") == trendlib.__version__
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(cff["version"]) == trendlib.__version__, "CITATION.cff names another version"
    released = cff["date-released"]
    assert isinstance(released, dt.date) or dt.date.fromisoformat(str(released))


def test_build_floor_accepts_the_spdx_license_and_metadata_is_complete():
    floor = [Requirement(r) for r in PROJECT["build-system"]["requires"] if r.startswith("setuptools")]
    assert floor and not floor[0].specifier.contains("76.1") and floor[0].specifier.contains("77.0")
    proj = PROJECT["project"]
    assert proj["license"] == "MIT"
    versions = {c.rsplit(" :: ", 1)[1] for c in proj["classifiers"] if c.startswith("Programming Language :: Python :: 3.")}
    assert versions == {"3.11", "3.12", "3.13"}
    assert {"Homepage", "Source", "Issues", "Documentation"} <= set(proj["urls"])
    assert not any(c.startswith("License ::") for c in proj["classifiers"]), "SPDX license and a License classifier"
