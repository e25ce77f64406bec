"""End to end with a real editor: Neovim headless applies executor-lsp's quick fix and saves.

The file Neovim writes must be what ``executor-fix`` writes for the same file (it holds one finding,
so the quick fix and the command make the same change). Skipped without ``nvim``: ``.ci/run``
installs Debian's package (0.7, which has ``vim.lsp.start_client``) where it can.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the language server needs the lsp extra (pygls)")

NVIM = shutil.which("nvim")
SCRIPT = Path(__file__).with_name("lsp_neovim.lua")
SOURCE = "import requests\n\n\nasync def main(url):\n    return requests.get(url).json()\n"
TIMEOUT = 90


@pytest.mark.skipif(NVIM is None, reason="nvim is not installed (apt-get install neovim)")
def test_neovim_applies_the_quick_fix(tmp_path: Path) -> None:
    assert NVIM is not None
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    path = tmp_path / "app.py"
    path.write_text(SOURCE, encoding="utf-8")
    expected = subprocess.run(
        [sys.executable, "-m", "flake8_executor", "-"],
        input=SOURCE.encode(),
        capture_output=True,
        cwd=tmp_path,
        timeout=TIMEOUT,
        check=True,
    ).stdout.decode()
    assert expected != SOURCE
    run = subprocess.run(
        [NVIM, "--headless", "--clean", "-n", "-c", f"luafile {SCRIPT}"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "AEX_FILE": str(path), "AEX_PYTHON": sys.executable},
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "action: Run in a thread: await asyncio.to_thread(requests.get, ...)" in run.stdout
    assert path.read_text(encoding="utf-8") == expected
