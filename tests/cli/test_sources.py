"""Scripts as ``python FILE`` reads them: bytes that are not UTF-8, NUL bytes, coding lines,
BOMs, indentation errors, empty files and compiled ``.pyc`` files give under ``gilsim run``
the output, the error and the exit status of the Python gilsim runs on (``gilsim.sources``).
Each file is run both ways, by ``sys.executable``, in the same directory."""

from __future__ import annotations

import importlib.util
import marshal
import random
import subprocess
import sys
import zipfile

import pytest

BROKEN_MAGIC = b"\x00\x00\r\n"  # the magic number of no Python


def _binary() -> bytes:
    return bytes(random.Random(5).randrange(256) for _ in range(300))


# name -> the file's bytes
FILES = {
    "nul.py": b"print(1)\nx = 1\x002\nprint(2)\n",
    "nul_first.py": b"\x00print(1)\n",
    "nul_in_string.py": b'print("a\x00b")\n',
    "nul_after_syntax_error.py": b"x = = 1\nprint(1)\n\x00\n",
    "nul_after_bad_indent.py": b"x = 1\n  y = 2\n\x00\n",
    "nul_crlf.py": b"print(1)\r\n\r\nx\x00\r\n",
    "binary.py": _binary(),
    "latin1.py": 'print(1)\ns = "caf\xe9"\nprint(s)\n'.encode("latin-1"),
    "latin1_comment.py": b"print(1)\n# caf\xe9\n",
    "latin1_after_syntax_error.py": b'x = = 1\nprint(1)\n"\xe9"\n',
    "latin1_after_unclosed.py": b"x = (1,\n" + b"print(1)\n" * 5 + b'"\xe9"\n',
    "latin1_then_nul.py": b"a\xe9\x00\n",
    "nul_then_latin1.py": b"a\x00\xe9\n",
    "surrogate.py": b'print("\xed\xa0\x80")\n',
    "overlong.py": b'print("\xc0\x80")\n',
    "latin1_coding.py": '# -*- coding: latin-1 -*-\ns = "caf\xe9"\nprint(s)\n'.encode("latin-1"),
    "latin1_coding_line2.py": b'#!/usr/bin/python\n# coding: latin-1\nprint("\xe9")\n',
    "latin1_coding_line3.py": b'#!/usr/bin/python\n\n# coding: latin-1\nprint("\xe9")\n',
    "latin1_coding_after_code.py": b'print(1)\n# coding: latin-1\nprint("\xe9")\n',
    "latin1_coding_syntax_error.py": b'# coding: latin-1\nx = "\xe9" = 1\n',
    "latin1_coding_nul.py": b'# coding: latin-1\nprint("\xe9")\nx\x00\n',
    "vim_coding.py": b'# vim: set fileencoding=latin-1 :\nprint("\xe9")\n',
    "cp1252_coding.py": b'# coding: cp1252\nprint("\x80")\n',
    "unknown_coding.py": b"# coding: foo\nprint(1)\n",
    "ascii_coding_bad.py": b'# coding: ascii\nprint("\xe9")\n',
    "utf8_coding_bad.py": b'# coding: utf-8\nprint("\xe9")\n',
    "bom.py": b'\xef\xbb\xbfprint("bom")\n',
    "bom_utf8_coding.py": b'\xef\xbb\xbf# coding: utf-8\nprint("bom")\n',
    "bom_latin1_coding.py": b'\xef\xbb\xbf# coding: latin-1\nprint("bom")\n',
    "bom_syntax_error.py": b"\xef\xbb\xbfx = = 1\n",
    "bom_then_latin1.py": b'\xef\xbb\xbfprint("\xe9")\n',
    "unexpected_indent.py": b"x = 1\n    y = 2\n",
    "unindent_mismatch.py": b"if True:\n        x = 1\n    y = 2\n",
    "expected_block.py": b"if True:\nx = 1\n",
    "expected_block_def.py": b"def f():\nreturn 1\n",
    "expected_block_at_end.py": b"for x in y:\n",
    "expected_block_at_end_no_newline.py": b"for x in y:",
    "expected_block_after_blank_lines.py": b"x = 1\nif x:\n\n\n",
    "expected_except_at_end.py": b"try:\n    pass\n",
    "tab_error.py": b"if True:\n\tx = 1\n        y = 2\n",
    "tab_error_tab_line.py": b"if 1:\n        a = 1\n\tb = 2\n",
    "unexpected_indent_tabs.py": b"if True:\n\tx = 1\n\t\ty = 2\n",
    "unindent_mismatch_tabs.py": b"if True:\n\t\tx = 1\n\ty = 2\n",
    "unindent_mismatch_non_ascii.py": 'if 1:\n        x = "\xe9"\n    y = "\xe9"\n'.encode(),
    "syntax_error_non_ascii.py": 'x = "\xe9" +\n'.encode(),
    "unclosed.py": b"x = (1,\n",
    "long_line.py": b"x = " + b"1 + " * 400 + b"= 2\n",
    "empty.py": b"",
    "cr_newlines.py": b"print(1)\rprint(2)\r",
    "no_final_newline.py": b"print(1)",
}


def run_both(
    tmp_path, name: str
) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """``python NAME`` and ``python -m gilsim run NAME`` in ``tmp_path``."""

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args], capture_output=True, cwd=tmp_path, timeout=120
        )

    return run(name), run("-m", "gilsim", "run", name)


def assert_same(expected, got) -> None:
    assert (got.stdout, got.stderr, got.returncode) == (
        expected.stdout,
        expected.stderr,
        expected.returncode,
    )


@pytest.mark.parametrize("name", sorted(FILES))
def test_script_reads_as_python_reads_it(tmp_path, name):
    """Source files: the same output, the same error text, the same exit status."""
    (tmp_path / name).write_bytes(FILES[name])
    expected, got = run_both(tmp_path, name)
    assert_same(expected, got)


def test_the_errors_name_the_file_and_line(tmp_path):
    """A NUL byte and a stray Latin-1 byte are reported where they are, as CPython does."""
    for name in ("nul.py", "latin1.py"):
        (tmp_path / name).write_bytes(FILES[name])
    _, nul = run_both(tmp_path, "nul.py")
    assert nul.stderr.decode().splitlines()[0] == f'  File "{tmp_path / "nul.py"}", line 2'
    _, latin1 = run_both(tmp_path, "latin1.py")
    assert f"in file {tmp_path / 'latin1.py'} on line 2" in latin1.stderr.decode()


PROGRAM = "import sys\nprint(__file__, __cached__, sys.argv[0], __spec__)\ndef f():\n    1/0\nf()\n"


def _pyc(tmp_path, magic: bytes = importlib.util.MAGIC_NUMBER) -> bytes:
    code = compile(PROGRAM, str(tmp_path / "prog.py"), "exec")
    (tmp_path / "prog.py").write_text(PROGRAM)
    return magic + b"\x00" * 12 + marshal.dumps(code)


@pytest.mark.parametrize("name", ["prog.pyc", "compiled"])
def test_pyc_of_this_version_runs(tmp_path, name):
    """A ``.pyc`` runs, found by its name or by its magic number; ``__file__`` is the
    ``.pyc``'s path, the traceback's lines come from the source it was compiled from."""
    (tmp_path / name).write_bytes(_pyc(tmp_path))
    expected, got = run_both(tmp_path, name)
    assert b"ZeroDivisionError" in expected.stderr
    assert_same(expected, got)


@pytest.mark.parametrize(
    "content",
    [BROKEN_MAGIC + b"\x00" * 12, b"", b"ab", importlib.util.MAGIC_NUMBER + b"\x00" * 12 + b"x"],
    ids=["other-version", "empty", "short", "no-code"],
)
def test_bad_pyc_is_refused_as_python_refuses_it(tmp_path, content):
    (tmp_path / "bad.pyc").write_bytes(content)
    expected, got = run_both(tmp_path, "bad.pyc")
    assert expected.returncode == 1
    assert_same(expected, got)


def test_pyc_of_another_version(tmp_path):
    """A ``.pyc`` with another version's magic: "Bad magic number in .pyc file"."""
    other = (3, 11) if sys.version_info[:2] != (3, 11) else (3, 12)
    magic = {(3, 11): (3495).to_bytes(2, "little"), (3, 12): (3531).to_bytes(2, "little")}
    (tmp_path / "old.pyc").write_bytes(magic[other] + b"\r\n" + b"\x00" * 12)
    expected, got = run_both(tmp_path, "old.pyc")
    assert expected.stderr == b"RuntimeError: Bad magic number in .pyc file\n"
    assert_same(expected, got)


def _zip(path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("__main__.py", "print('main')\n")


@pytest.mark.parametrize("name", ["package", "app.zip", "app.py"])
def test_directory_or_zip_is_refused_in_one_line(tmp_path, name):
    """CPython runs a directory's or a zip file's ``__main__.py`` (even a zip named
    ``.py``); gilsim says in one line that it does not, status 2."""
    if name == "package":
        (tmp_path / name).mkdir()
        (tmp_path / name / "__main__.py").write_text("print('main')\n")
    else:
        _zip(tmp_path / name)
    expected, got = run_both(tmp_path, name)
    assert expected.stdout == b"main\n"
    assert got.returncode == 2 and got.stdout == b""
    lines = got.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gilsim: can't run ")
    assert "directory or zip file" in lines[0]
