"""The shared command-line contract checker, run against the installed `segtui`."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHECKER = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "cli_contract.py"


@pytest.mark.skipif(not CHECKER.exists(), reason="../shared/conformance is not here")
def test_cli_contract_passes(tmp_path):
    # The checker calls `segtui` from PATH: put this interpreter's scripts folder first.
    bin_dir = Path(sys.executable).parent
    assert shutil.which("segtui", path=str(bin_dir)), "segtui is not installed in this environment"
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", TMPDIR=str(tmp_path))
    p = subprocess.run([sys.executable, str(CHECKER)], capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "0 failed" in p.stdout
