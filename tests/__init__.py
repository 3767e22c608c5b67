"""PhotoSift's tests. A package so that `tests.helpers` imports the same way from every
test folder, from scripts run with `python -m`, and from child processes started with the
checkout on PYTHONPATH."""
