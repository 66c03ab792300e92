"""The one call that turns a notebook's two parameters into its inputs.

Every notebook declares the same two parameters, with typed defaults so that papermill's
``--help-notebook`` and a plain ``papermill -p`` / ``-f params.yaml`` run work::

    study_file: str = "studies/invasion-2022.yaml"  # the study: a study YAML, or the study.json the runner writes
    output_dir: str = ""  # where figures/, tables/ and results go ('' = outputs/dev/<study>/ of the study's project)

and then calls ``study, exhibits = trendlib.open_study(study_file, output_dir, notebook="NN-name")``.
``trendlib report`` validates the study and writes it as ``study.json`` into the report folder, where the
kernel runs, and passes ``study_file="study.json"``, ``output_dir="."``: the notebooks read exactly the
study the runner checked, and no path of the machine shows in the executed notebook.
"""
from __future__ import annotations

from pathlib import Path

from trendlib.study import Study, StudyError, load_study, project_root

__all__ = ["open_study", "find_study_file", "NOTEBOOK_PARAMETERS"]

#: the parameters every notebook declares, with the values the report runner passes
NOTEBOOK_PARAMETERS = {"study_file": "study.json", "output_dir": "."}


def find_study_file(study_file: str | Path) -> Path:
    """Where ``study_file`` is: an absolute path as given; a relative one in the working folder, else in
    the nearest folder above it that holds it (so ``studies/x.yaml`` is found from the repository root
    and from ``notebooks/`` alike, as Jupyter runs notebooks in their own folder)."""
    path = Path(study_file).expanduser()
    if path.is_absolute():
        if not path.is_file():
            raise StudyError(f"study file {str(study_file)!r} does not exist")
        return path
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / path).is_file():
            return folder / path
    raise StudyError(f"study file {str(study_file)!r} was not found in the working folder or any folder "
                     "above it; pass its path with -p study_file PATH")


def open_study(study_file: str, output_dir: str = "", *, notebook: str):
    """The validated study and the notebook's :class:`~trendlib.report.exhibits.Exhibits`.

    ``study_file``: a study YAML (validated as ``trendlib report`` does) or the ``study.json`` the report
    runner writes. ``output_dir``: where the notebook's figures, tables and results go; ``""`` means
    ``outputs/dev/<study name>/`` in the study's project folder (:func:`trendlib.study.project_root`).
    ``notebook``: the notebook's name (``"10-event-study"``), which names its part of results.json.
    Data paths are resolved against the study file, never against the working folder.
    """
    from trendlib.report.exhibits import Exhibits

    if not isinstance(study_file, str) or not study_file.strip():
        raise StudyError(f"notebook parameter 'study_file' = {study_file!r}; expected the path of a study file")
    if not isinstance(output_dir, str):
        raise StudyError(f"notebook parameter 'output_dir' = {output_dir!r} has type "
                         f"{type(output_dir).__name__}; expected str")
    path = find_study_file(study_file)
    study = Study.from_json_file(path) if path.suffix == ".json" else load_study(path)
    out = Path(output_dir) if output_dir else project_root(path) / "outputs" / "dev" / study.name
    return study, Exhibits.for_study(study, out, notebook=notebook)
