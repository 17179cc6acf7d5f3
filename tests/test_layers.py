"""The layers of the project hold: ``lint-imports`` keeps every contract of pyproject.toml.

CI runs ``lint-imports`` as a lint step too; this test makes the README's test command (``pytest``)
fail on an import that breaks a layer as well, so nobody learns of it only after pushing. The
contracts: epi is plain Python, core imports no other app, tasks no domain app, nothing imports the
demo, and the apps depend downward (``[tool.importlinter]``).
"""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = {
    "epi-is-plain-python",
    "core-imports-no-app",
    "tasks-is-generic",
    "nothing-imports-the-demo",
    "layers",
}
#: The console script ``lint-imports``, run by the interpreter running the tests so that it reads
#: the same installation whatever is first on PATH.
LINT_IMPORTS = (
    "import sys; from importlinter.cli import lint_imports_command; "
    "sys.exit(lint_imports_command())"
)


def test_every_contract_is_configured():
    """A contract quietly dropped from pyproject.toml would let its layer rot unnoticed."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    ids = {c["id"] for c in config["tool"]["importlinter"]["contracts"]}
    assert ids >= CONTRACTS


def test_the_imports_keep_every_contract():
    result = subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
