# The README's commands. Each one sets up .venv itself on a fresh machine.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.obhut-installed
DEMO_CONFIG ?= examples/demo/obhut.yaml

# A venv whose Python no longer runs (moved, upgraded away) is rebuilt from scratch.
ifneq ($(shell $(PY) -c 'import sys; print(sys.version_info >= (3, 12))' 2>/dev/null),True)
$(shell rm -f $(STAMP))
endif

.PHONY: demo test lint bench check-python clean venv

demo: $(STAMP)
	$(VENV)/bin/obhut demo

test: $(STAMP) lint
	@sh scripts/ensure-browser
	@sh scripts/ensure-tools
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) -m bench

venv: $(STAMP)

# Reinstall whenever the dependencies change or the venv is not a working Python >= 3.12.
$(STAMP): pyproject.toml scripts/ensure-venv scripts/find-python
	@sh scripts/ensure-venv $(VENV)
	@# compat: a plain path entry instead of an import hook, which costs every start 70 ms
	$(PY) -m pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
	@touch $@

check-python:
	@sh scripts/find-python

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build *.egg-info
