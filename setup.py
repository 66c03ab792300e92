"""Build hook: ship the notebooks inside the package.

The top-level ``notebooks/`` folder is the one source of the notebooks (users asked for that layout, and
the checkout runs them from there). A wheel must carry them too, so that an installed trendlib can render
reports from any folder: this copies ``notebooks/NN-*.ipynb`` into ``trendlib/notebooks/`` of the build.
Everything else about the package is in ``pyproject.toml``.
"""
from pathlib import Path
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_with_notebooks(build_py):
    def run(self):
        super().run()
        source = Path(__file__).resolve().parent / "notebooks"
        target = Path(self.build_lib) / "trendlib" / "notebooks"
        target.mkdir(parents=True, exist_ok=True)
        found = sorted(source.glob("[0-9][0-9]*-*.ipynb"))
        if not found:
            raise SystemExit(f"no notebooks to ship in {source}")
        for nb in found:
            shutil.copy2(nb, target / nb.name)


setup(cmdclass={"build_py": build_py_with_notebooks})
