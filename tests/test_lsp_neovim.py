"""End to end with a real editor: Neovim headless applies executor-lsp's quick fix and saves.

The file Neovim writes must be what ``executor-fix`` writes for the same file (it holds one finding,
so the quick fix and the command make the same change). And the block of ``docs/editors.md`` for
the Neovim that is installed, copied into ``init.lua`` as a user would, gets the server's
diagnostics. Skipped without ``nvim``: ``.ci/run`` installs Debian's package (0.7, which has
``vim.lsp.start_client`` and no ``vim.fs``) where it can.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs_blocks import DOCS, blocks

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


# What each Neovim needs: 0.11's vim.lsp.config/enable, 0.8's vim.lsp.start, 0.7's start_client.
_BLOCK_FOR = (((0, 11), "vim.lsp.config("), ((0, 8), "vim.lsp.start({"), ((0, 7), "start_client"))
# Run after init.lua, on the opened file: wait for diagnostics, print them, quit.
_WAIT = """
local ok = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 50)
if not ok then
  io.stderr:write('no diagnostics\\n')
  vim.cmd('cquit 3')
end
for _, d in ipairs(vim.diagnostic.get(0)) do
  io.stdout:write('diagnostic: ' .. d.code .. '\\n')
end
vim.cmd('qall!')
"""


def _nvim_version() -> tuple[int, int]:
    assert NVIM is not None
    first = subprocess.run([NVIM, "--version"], capture_output=True, text=True).stdout
    found = re.search(r"v(\d+)\.(\d+)", first)
    assert found, first
    return int(found.group(1)), int(found.group(2))


@pytest.mark.skipif(NVIM is None, reason="nvim is not installed (apt-get install neovim)")
def test_the_editors_page_block_for_this_neovim(tmp_path: Path) -> None:
    assert NVIM is not None
    version = _nvim_version()
    marker = next(marker for since, marker in _BLOCK_FOR if version >= since)
    [config] = [text for text in blocks(DOCS / "editors.md", "lua") if marker in text]
    (tmp_path / "init.lua").write_text(config, encoding="utf-8")
    (tmp_path / "wait.lua").write_text(_WAIT, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    bin_dir = str(Path(sys.executable).parent)  # executor-lsp, as the block names it
    run = subprocess.run(
        [
            NVIM,
            "--headless",
            "-n",
            "-i",
            "NONE",
            "-u",
            "init.lua",
            "app.py",
            "-c",
            "luafile wait.lua",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT,
        check=False,
    )
    assert run.returncode == 0, f"Neovim {version}: {run.stdout}{run.stderr}"
    assert "diagnostic: AEX100" in run.stdout
