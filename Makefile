# One task runner, used the same way on a laptop and by .ci/run.
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
RUN := $(UV) run --locked

.PHONY: init demo test lint types pytest bench serve clean

init:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --locked
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent vendor

demo: init
	$(RUN) fupin demo

test: init lint types pytest

lint:
	$(RUN) ruff check src tests benchmarks
	$(RUN) ruff format --check src tests benchmarks

types:
	$(RUN) mypy

pytest:
	$(RUN) pytest --cov=fupin --cov-report=term:skip-covered --cov-fail-under=85

bench: init
	$(RUN) python -m benchmarks.run_all

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache fupin.db fupin.db-wal fupin.db-shm
