"""The main script as ``python FILE`` reads it: source text, or a compiled ``.pyc``.

CPython compiles a script named on its command line with its *file* tokenizer
(``_PyTokenizer_FromFile``, ``Parser/tokenizer.c``), not with the string tokenizer behind
``compile()``.  The two disagree on a file's bytes: the file tokenizer reads the file line by
line, looks for a BOM and a coding declaration on the first two lines (``check_bom``,
``check_coding_spec``), refuses a line that is not UTF-8 when no encoding was declared
(``ensure_utf8``) and a line with a NUL byte (``tok_nextc``), each error naming the file and
the line; ``compile()`` refuses any NUL byte in the whole string, naming nothing.  And a
file that is compiled bytecode runs as it is (``maybe_pyc_file`` and ``run_pyc_file`` in
``Python/pythonrun.c``).

``compile_script`` reads the bytes as the file tokenizer does, raises what it raises, and
hands ``compile()`` text it can no longer tell from a file.
"""

from __future__ import annotations

import codecs
import importlib.util
import marshal
import sys
import traceback
import types

# The first bytes of a UTF-8 file may be this mark (``check_bom``).
BOM = codecs.BOM_UTF8

# A character that stops the tokenizer at once wherever it appears outside a string
# ("invalid non-printable character U+0001"): put where a bad line was, it shows whether
# CPython's tokenizer would have read that line before giving up (``_first_error``).
_STOP = "\x01\n"

# A name that is no file's (``compile_script``).
_NO_FILE = "<gilsim: the script, decoded>"

# The bytes of an encoding's name in a coding line (``get_coding_spec``).
_SPEC_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def is_pyc(source: bytes, filename: str) -> bool:
    """Whether ``python FILE`` takes the file for compiled bytecode: its name ends in
    ``.pyc``, or its first two bytes are those of this version's magic number
    (``maybe_pyc_file``, ``Python/pythonrun.c``)."""
    return filename.endswith(".pyc") or source[:2] == importlib.util.MAGIC_NUMBER[:2]


def load_pyc(source: bytes) -> types.CodeType:
    """The code object of a ``.pyc`` file: after the 16-byte header, whose first word must
    be this version's magic number (``run_pyc_file``, ``Python/pythonrun.c``).  Raises
    ``RuntimeError`` with CPython's message otherwise."""
    if len(source) < 4 and sys.version_info >= (3, 13):
        # 3.13 reads the magic number with ``PyMarshal_ReadLongFromFile``'s own check.
        raise EOFError("EOF read where not expected")
    if source[:4] != importlib.util.MAGIC_NUMBER:
        raise RuntimeError("Bad magic number in .pyc file")
    try:
        code = marshal.loads(source[16:])
    except (EOFError, ValueError, TypeError):
        code = None
    if not isinstance(code, types.CodeType):
        raise RuntimeError("Bad code object in .pyc file")
    return code


def compile_script(source: bytes, filename: str) -> types.CodeType:
    """Compile a script's bytes as ``python FILE`` compiles them (``pyrun_file``): the same
    code, or the same ``SyntaxError``."""
    text, encoding, bad = _read_lines(source, filename)
    if bad is not None:
        raise _first_error(text, bad, filename)
    # UTF-8 (by default, by a BOM or by a coding line): the bytes are what the parser sees,
    # and bytes that are UTF-8 in shape only fail where ``compile()`` fails them ("(unicode
    # error) ...").  Another encoding: the text it decodes to (``compile()`` ignores the
    # coding line of a string).
    try:
        if encoding in (None, "utf-8"):
            return compile(source, filename, "exec", dont_inherit=True)
        return compile("".join(text), filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        if _at_end_of_file(exc, text):
            exc.offset = 0
        if encoding in (None, "utf-8"):
            raise
    # The parser takes the text of an error's line from the file, if there is one, and
    # decodes it with the tokenizer's encoding (``_PyErr_ProgramDecodedTextObject``):
    # UTF-8 for ``compile()``, the declared one for ``python FILE``.  Under a name that
    # is no file it takes the decoded line it holds, as CPython does here.
    try:
        compile("".join(text), _NO_FILE, "exec", dont_inherit=True)
    except SyntaxError as exc:
        exc.filename = filename
        if _at_end_of_file(exc, text):
            exc.offset = 0
        raise
    raise AssertionError("compiled the second time")  # pragma: no cover


# The tokenizer's own errors, which it places itself (``_Pypegen_tokenizer_error``).
_TOKENIZER_ERRORS = frozenset(
    {
        "unindent does not match any outer indentation level",
        "inconsistent use of tabs and spaces in indentation",
        "too many levels of indentation",
        "unexpected character after line continuation character",
    }
)


def _at_end_of_file(exc: SyntaxError, text: list[str]) -> bool:
    """Whether the parser placed ``exc`` at the end of the file, on a token with no column
    (``_PyPegen_raise_error``, ``Parser/pegen_errors.c``).  Its column is then how far the
    tokenizer had read on the last line: all of it for ``compile()``, which holds the
    whole text, nothing for ``python FILE``, whose buffer was emptied to read past the end
    (``tok_underflow_file``), which gives offset 0 and no caret."""
    if exc.end_offset not in (-1, None) or exc.msg in _TOKENIZER_ERRORS or not text:
        return False
    last = text[-1].encode("utf-8", "surrogateescape")
    read = len(last) if last.endswith(b"\n") else len(last) + 1  # a newline is made up
    return exc.lineno == len(text) and exc.offset == read


def _first_error(text: list[str], bad: SyntaxError, filename: str) -> SyntaxError:
    """The error CPython reports for a file whose line ``bad.lineno`` cannot be read
    (``text``: the lines before it).  The tokenizer reads lines as the parser asks for
    tokens; an error in the lines before stops it first only if it is the tokenizer's own
    (an indentation, a bad character) or an unexpected indent, which end the parse at
    once.  Any other syntax error makes the parser tokenize the rest of the file first,
    which meets the bad line (``_PyPegen_set_syntax_error``, ``Parser/pegen_errors.c``).
    So: compile the lines before with a stop in place of the bad one, and see which
    comes first."""
    # Lines declared UTF-8 may hold bytes that are not (kept as surrogates): back to bytes.
    before = ("".join(text) + _STOP).encode("utf-8", "surrogateescape")
    try:
        compile(before, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        lineno = bad.lineno if bad.lineno is not None else len(text) + 1
        earlier = exc.lineno is not None and exc.lineno <= len(text) and exc.lineno < lineno
        # An unterminated triple-quoted string runs over the bad line: CPython reads it.
        if earlier and not str(exc.msg).startswith("unterminated triple-quoted"):
            return exc
    return bad


def _read_lines(source: bytes, filename: str) -> tuple[list[str], str | None, SyntaxError | None]:
    """The lines the file tokenizer reads (its newlines made ``\\n``), the encoding the file
    declares (None: UTF-8 by default), and the error at the first line it refuses (None if
    none; then the lines are the whole file).  Modelled on ``tok_underflow_file`` and
    ``tok_nextc`` in ``Parser/tokenizer.c``."""
    encoding: str | None = None
    data = source
    if data.startswith(BOM):
        data, encoding = data[len(BOM) :], "utf-8"  # ``check_bom``
    # ``_Py_UniversalNewlineFgetsWithSize`` reads ``\r\n`` and ``\r`` as ``\n``.
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").splitlines(keepends=True)
    text: list[str] = []
    seeking = True
    for lineno, line in enumerate(lines, start=1):
        if seeking and lineno <= 2:
            # ``check_coding_spec`` reads the line as a C string: up to a NUL byte.
            spec, seeking = _coding_spec(line.split(b"\0")[0])
            if spec is not None:
                problem = _declare(spec, encoding, lines[lineno:])
                if problem is not None:
                    return text, encoding, SyntaxError(problem)
                encoding = spec
                if encoding != "utf-8":
                    # The rest is read through the codec (``fp_setreadl``); the coding line
                    # itself was read raw and holds nothing but a comment.
                    decoded = b"".join(lines[lineno:]).decode(encoding)
                    rest = decoded.splitlines(keepends=True)
                    text.append(line.decode("latin-1"))
                    return _check_nul(text, rest, lineno, encoding, filename)
        if encoding is None:
            badchar = _ensure_utf8(line)
            if badchar is not None:
                return (
                    text,
                    encoding,
                    SyntaxError(
                        f"Non-UTF-8 code starting with '\\x{badchar:02x}' in file {filename} "
                        f"on line {lineno}, but no encoding declared; "
                        "see https://peps.python.org/pep-0263/ for details"
                    ),
                )
        decoded_line = line.decode("utf-8", "surrogateescape")
        if "\0" in decoded_line:
            return text, encoding, _null_bytes(decoded_line, lineno, filename)
        text.append(decoded_line)
    return text, encoding, None


def _check_nul(
    text: list[str], rest: list[str], first: int, encoding: str, filename: str
) -> tuple[list[str], str | None, SyntaxError | None]:
    """The lines after a coding line, decoded: the first with a NUL is refused."""
    for lineno, line in enumerate(rest, start=first + 1):
        if "\0" in line:
            return text, encoding, _null_bytes(line, lineno, filename)
        text.append(line)
    return text, encoding, None


def _null_bytes(line: str, lineno: int, filename: str) -> SyntaxError:
    """``tok_nextc``'s error for a line with a NUL byte: its text is the line up to the NUL,
    as the tokenizer's C string holds it (``_syntaxerror_range``)."""
    shown = line.split("\0")[0].split("\n")[0]
    return SyntaxError(
        "source code cannot contain null bytes", (filename, lineno, 0, shown, lineno, 0)
    )


def _declare(spec: str, bom: str | None, rest: list[bytes]) -> str | None:
    """What is wrong with a coding declaration (None: nothing), as ``check_coding_spec``
    words it.  With a BOM the file is UTF-8 and may say only that."""
    if bom is not None:
        return None if spec == bom else f"encoding problem: {spec} with BOM"
    if spec == "utf-8":
        return None
    # ``fp_setreadl`` opens the file with the codec and reads on: an unknown codec, or
    # bytes it cannot decode, fail there.
    try:
        b"".join(rest).decode(spec)
    except (LookupError, UnicodeDecodeError):
        return f"encoding problem: {spec}"
    return None


def _coding_spec(line: bytes) -> tuple[str | None, bool]:
    """The encoding a line declares (``get_coding_spec``: ``coding:`` or ``coding=`` in a
    comment that is the whole line), normalised (``get_normal_name``); and whether a later
    line may still declare one (only after a blank or comment-only line)."""
    size = len(line)
    i = 0
    while i < size - 6 and line[i] in b" \t\f":
        i += 1
    if i < size - 6 and line[i : i + 1] == b"#":
        while i < size - 6:
            if line[i : i + 6] == b"coding" and line[i + 6 : i + 7] in (b":", b"="):
                begin = i + 7
                while line[begin : begin + 1] in (b" ", b"\t"):
                    begin += 1
                end = begin
                while end < size and line[end] in _SPEC_CHARS:
                    end += 1
                if begin < end:
                    return _normal_name(line[begin:end].decode("ascii")), False
            i += 1
    code = line.split(b"#")[0].strip(b" \t\f\r\n")
    return None, not code


def _normal_name(name: str) -> str:
    """``get_normal_name``: the names CPython spells its own way for UTF-8 and Latin-1."""
    low = name[:12].lower().replace("_", "-")
    if low == "utf-8" or low.startswith("utf-8-"):
        return "utf-8"
    latin = ("latin-1", "iso-8859-1", "iso-latin-1")
    if low in latin or low.startswith(tuple(f"{n}-" for n in latin)):
        return "iso-8859-1"
    return name


def _ensure_utf8(line: bytes) -> int | None:
    """The first byte of a line, up to a NUL, that starts no UTF-8 character (None if
    none): ``ensure_utf8``."""
    try:
        line.split(b"\0")[0].decode("utf-8")
    except UnicodeDecodeError as exc:
        return line[exc.start]
    return None


def format_error(exc: BaseException) -> str:
    """The lines ``python FILE`` prints for an error found before the script runs: for a
    ``SyntaxError`` before 3.13, as the C printer writes them (``print_exception`` and
    ``print_error_text``, ``Python/pythonrun.c``), which differs from ``traceback``'s: it
    strips tabs as well as spaces before the text, and gives the subclasses
    (``IndentationError``, ``TabError``) one caret.  From 3.13 the interpreter prints
    through ``traceback`` itself."""
    if not isinstance(exc, SyntaxError) or sys.version_info >= (3, 13):
        return "".join(traceback.format_exception_only(type(exc), exc))
    lines = []
    if isinstance(exc.lineno, int):
        filename = exc.filename if exc.filename is not None else "<string>"
        lines.append(f'  File "{filename}", line {exc.lineno}\n')
        if exc.text is not None:
            lines.append(_error_text(exc))
    message = "" if exc.msg is None else str(exc.msg)
    name = type(exc).__qualname__
    if type(exc).__module__ != "builtins":
        name = f"{type(exc).__module__}.{name}"
    lines.append(f"{name}: {message}\n" if message else f"{name}\n")
    return "".join(lines)


def _error_text(exc: SyntaxError) -> str:
    """The error's line and its carets (``print_error_text``), which works on the line's
    UTF-8 bytes with the offsets of its characters, as CPython does."""
    assert exc.text is not None and isinstance(exc.lineno, int)
    text = exc.text.encode("utf-8", "surrogatepass").split(b"\0")[0]
    offset = exc.offset if isinstance(exc.offset, int) else -1
    end_offset = -1
    if type(exc) is SyntaxError and isinstance(exc.end_offset, int):
        end_offset = exc.end_offset
        end_lineno = exc.end_lineno if isinstance(exc.end_lineno, int) else exc.lineno
        if end_lineno > exc.lineno:
            end_offset = len(text)
        end_offset = min(end_offset, len(text) + 1)
    carets = end_offset - offset if end_offset > 0 and end_offset > offset else 1
    offset -= 1
    while text[:1] in (b" ", b"\t", b"\f") and text:
        text, offset = text[1:], offset - 1
    length = len(text) - 1 if text.endswith(b"\n") else len(text)
    offset = min(offset, length)
    while (newline := text.find(b"\n")) != -1 and newline < offset:
        text, length, offset = text[newline + 1 :], length - newline - 1, offset - newline - 1
    shown = "    " + text.decode("utf-8", "replace")
    if text[length : length + 1] != b"\n":
        shown += "\n"
    if offset < 0:
        return shown
    return shown + "    " + " " * offset + "^" * carets + "\n"
