"""A plain (non-editable) install carries everything the worksheet reads at run time."""
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_holds_the_themes_and_the_stylesheet(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    str(ROOT), "-w", str(tmp_path)], check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("segtui-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    themes = {Path(n).name for n in names if n.startswith("segtui/themes/")}
    assert {"segtui-dark.toml", "segtui-light.toml", "segtui-ansi.toml"} <= themes
    assert "segtui/tui/app.tcss" in names
    # Every theme in the source tree is in the wheel.
    assert {p.name for p in (ROOT / "segtui" / "themes").glob("*.toml")} <= themes
