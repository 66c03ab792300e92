"""The reliability matrix (issue 7): faults, bad inputs and hostile files against the real CLI and API.

Run it as tests (``pytest tests/reliability``) or as the README table
(``python -m tests.reliability``, which runs the same tests and prints, per category, the cases
tried, how they were handled and how many files were lost or changed: the answer must be 0).
"""
