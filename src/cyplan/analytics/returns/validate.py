"""Validate a statutory return without loading it: every problem, with where it is.

:func:`validate_return` reads a return the way ``cyplan returns load`` does (same readers, same
field checks and collection-year checks) and, for the SSDA903, runs the DfE validation rules
that bear on the indicators the engine computes (:data:`SSDA903_RULES`). It writes nothing:
the tables live in an in-memory DuckDB database for the length of the call. Identifiers are
pseudonymised with a key made for the call, so no report can be linked to anything stored.

A web view can call it directly::

    findings = validate_return("ssda903", path, la="E09000006", year=2024)
    errors = [f for f in findings if f.severity == "error"]

Each :class:`Finding` has the file, row (CSV row number, header = 1; or XML element path),
field, rule (a DfE rule number such as ``"383"``, or the readers' rule names), message and
severity (``error`` or ``warning``). The DfE rules keep DfE's number and message text.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in a return: where it is, which rule, what it says, how serious."""

    file: str
    row: str
    field: str
    rule: str
    message: str
    severity: str = ERROR

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.row}: {self.field}: [{self.rule}] {self.message} ({self.severity})"
        )


@dataclass(frozen=True)
class Rule:
    """A DfE SSDA903 validation rule run as SQL over the return's tables.

    ``sql`` selects ``_FILE`` and ``_ROW`` of the rows that break the rule. Tables: ``e`` (the
    episodes, with ``prev_*`` / ``next_*`` columns of the child's previous and next episode
    in this return, by DECOM), ``header``, ``oc2``, ``oc3``, ``cohort12`` (children looked
    after continuously for 12 months at 31 March), ``last_e`` (the previous year's episodes).
    """

    number: str
    message: str
    field: str
    sql: str
    needs: tuple[str, ...] = ("e",)
    severity: str = ERROR
    topic: str = ""


TEMP = "('T0', 'T1', 'T2', 'T3', 'T4')"

SSDA903_RULES: tuple[Rule, ...] = (
    Rule(
        "501",
        "A new episode has started before the end date of the previous episode.",
        "DECOM",
        "SELECT _FILE, _ROW FROM e WHERE has_prev AND (prev_dec IS NULL OR decom < prev_dec)",
        topic="episode chains: overlaps",
    ),
    Rule(
        "433",
        "The reason for new episode suggests that this is a continuation episode, but the "
        "episode does not start on the same day as the last episode finished.",
        "RNE",
        "SELECT _FILE, _ROW FROM e WHERE has_prev AND rne IN ('P', 'T', 'L', 'U', 'B') "
        "AND prev_dec IS NOT NULL AND decom <> prev_dec",
        topic="episode chains: gaps",
    ),
    Rule(
        "431",
        "The reason for new episode is started to be looked after, but the previous episode "
        "ended on the same day.",
        "RNE",
        "SELECT _FILE, _ROW FROM e WHERE has_prev AND rne = 'S' AND prev_dec = decom",
        topic="episode chains: period of care",
    ),
    Rule(
        "388",
        "Reason episode ceased is coded new episode begins, but there is no continuation episode.",
        "REC",
        "SELECT _FILE, _ROW FROM e WHERE rec = 'X1' AND dec IS NOT NULL "
        "AND (NOT has_next OR next_decom <> dec)",
        topic="episode chains: REC X1",
    ),
    Rule(
        "217",
        "Children who are placed for adoption with current foster carers (placement types A3 "
        "or A5) must have a reason for new episode of S, T or U.",
        "RNE",
        "SELECT _FILE, _ROW FROM e WHERE place IN ('A3', 'A5') AND decom >= DATE '2015-04-01' "
        "AND coalesce(rne NOT IN ('S', 'T', 'U'), true)",
        topic="RNE and PLACE",
    ),
    Rule(
        "336",
        "Child does not have a foster placement immediately prior to being placed for adoption.",
        "PLACE",
        "SELECT _FILE, _ROW FROM e WHERE has_prev AND place IN ('A3', 'A5') "
        "AND coalesce(prev_place NOT IN "
        "('A3', 'A4', 'A5', 'A6', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6'), true)",
        topic="RNE and PLACE",
    ),
    Rule(
        "225",
        "Reason for placement change must be recorded.",
        "REASON_PLACE_CHANGE",
        f"SELECT _FILE, _ROW FROM e WHERE has_next AND rec = 'X1' AND reason_place_change IS NULL "
        f"AND coalesce(place NOT IN {TEMP}, true) AND next_rne IN ('P', 'B', 'T', 'U') "
        f"AND coalesce(next_place NOT IN {TEMP}, true)",
        topic="reasons for placement change",
    ),
    Rule(
        "226",
        "Reason for placement change is not required.",
        "REASON_PLACE_CHANGE",
        f"SELECT _FILE, _ROW FROM e WHERE place IN {TEMP} "
        "AND (reason_place_change IS NOT NULL OR prev_reason_place_change IS NOT NULL)",
        topic="reasons for placement change",
    ),
    Rule(
        "383",
        "A child in a temporary placement must subsequently return to his/her normal placement.",
        "PLACE",
        f"SELECT _FILE, _ROW FROM e WHERE place IN {TEMP} AND has_prev AND has_next "
        "AND (coalesce(next_rne <> 'P', true) "
        "     OR next_place IS DISTINCT FROM prev_place)",
        topic="temporary placements",
    ),
    Rule(
        "REC-DEC",
        "A date episode ceased (DEC) needs a reason episode ceased (REC), and a reason needs "
        "a date.",
        "REC",
        "SELECT _FILE, _ROW FROM e WHERE (dec IS NULL) <> (rec IS NULL)",
        topic="REC and DEC together",
    ),
    Rule(
        "190",
        "Child has not been looked after continuously for at least 12 months at 31 March but "
        "one or more data items relating to children looked after for 12 months have been "
        "completed.",
        "CHILD",
        "SELECT _FILE, _ROW FROM oc2 WHERE child NOT IN (SELECT child FROM cohort12)",
        needs=("e", "oc2"),
        topic="OC2 eligibility",
    ),
    Rule(
        "191",
        "Child has been looked after continuously for at least 12 months at 31 March but one "
        "or more data items relating to children looked after for 12 months have been left "
        "blank.",
        "HEALTH_ASSESSMENT",
        """SELECT o._FILE, o._ROW FROM oc2 o JOIN cohort12 c ON c.child = o.child
           WHERE o.convicted IS NULL OR o.health_check IS NULL OR o.immunisations IS NULL
              OR o.teeth_check IS NULL OR o.health_assessment IS NULL
              OR o.substance_misuse IS NULL
           UNION ALL
           SELECT e._FILE, e._ROW FROM e JOIN cohort12 c ON c.child = e.child
           WHERE e.is_current AND e.child NOT IN (SELECT child FROM oc2)""",
        needs=("e", "oc2"),
        topic="OC2 eligibility",
    ),
    Rule(
        "1007",
        "Care leaver information is not required for 17- or 18-year olds who are still looked "
        "after [on their 17th or 18th birthday.]",
        "IN_TOUCH",
        """SELECT o._FILE, o._ROW FROM oc3 o
           WHERE o.age_at_end IN (17, 18)
             AND o.child IN (SELECT child FROM e WHERE is_current)""",
        needs=("e", "oc3"),
        topic="OC3 eligibility",
    ),
    Rule(
        "1002",
        "This child has no previous episodes of care, therefore should not have care leaver "
        "information recorded. [NOTE: This tool can only test the current and previous year "
        "data loaded into the tool - this check may generate false positives if a child had "
        "episodes prior to last year's collection.]",
        "CHILD",
        """SELECT o._FILE, o._ROW FROM oc3 o
           WHERE o.child NOT IN (SELECT child FROM e)
             AND o.child NOT IN (SELECT child FROM last_e)""",
        needs=("e", "oc3", "last_e"),
        severity=WARNING,
        topic="OC3 eligibility",
    ),
    Rule(
        "HEADER-EPISODES",
        "This child is in the header but has no episode in the return: the header lists the "
        "children looked after during the year.",
        "CHILD",
        "SELECT _FILE, _ROW FROM header WHERE child NOT IN (SELECT child FROM e)",
        needs=("e", "header"),
        topic="header against episodes",
    ),
    *(
        Rule(
            f"503{letter}",
            f"The {what} in the first episode does not match open episode at end of last year.",
            column.upper(),
            f"""SELECT f._FILE, f._ROW FROM e f JOIN last_open l ON l.child = f.child
                WHERE f.first_in_return AND f.decom = l.decom
                  AND f.{column} IS DISTINCT FROM l.{column}""",
            needs=("e", "last_e"),
            topic="previous year's return",
        )
        for letter, what, column in (
            ("A", "reason for new episode", "rne"),
            ("B", "legal status", "ls"),
            ("C", "category of need", "cin"),
            ("D", "placement type", "place"),
            ("F", "Ofsted URN", "urn"),
        )
    ),
    Rule(
        "OPEN-LAST-YEAR",
        "This child's episode was open at the end of last year's return but the child is not "
        "in this year's episodes: the child will not count as looked after this year.",
        "CHILD",
        "SELECT _FILE, _ROW FROM last_open WHERE child NOT IN (SELECT child FROM e)",
        needs=("e", "last_e"),
        topic="previous year's return",
    ),
)
"""The DfE SSDA903 rules implemented (docs/returns.md lists them and the ones not yet).
``REC-DEC``, ``HEADER-EPISODES`` and ``OPEN-LAST-YEAR`` are cyplan's own (no DfE number
found for them); the others keep DfE's number and message."""

_READER_AS_DFE = {
    # The readers' own check that DfE numbers: DEC before DECOM is rule 356.
    ("DEC", "end_before_start"): (
        "356",
        "The date the episode ceased is before the date the same episode started.",
    ),
}


def validate_return(
    kind: str,
    path: str | os.PathLike[str],
    *,
    la: str,
    year: int | None = None,
    previous: str | os.PathLike[str] | None = None,
    today: date | None = None,
) -> list[Finding]:
    """Every problem in the return at ``path`` (``kind`` ssda903, cin or annex-a), in order.

    ``previous`` (SSDA903 only) is last year's return, for the DfE comparisons (503A-F,
    1002). Nothing is written anywhere.
    """
    from .pseudonymise import Pseudonymiser

    pseudonymiser = Pseudonymiser(os.urandom(32))  # this call only: nothing can be linked
    if kind == "ssda903":
        return _validate_ssda903(Path(path), la, year, previous, today, pseudonymiser)
    if kind == "cin":
        from .cin import read_cin_census

        result = read_cin_census(
            path, pseudonymiser=pseudonymiser, skip_invalid=True, today=today, year=year
        )
    elif kind == "annex-a":
        from .annex_a import read_annex_a

        result = read_annex_a(path, pseudonymiser=pseudonymiser, skip_invalid=True, today=today)
    else:
        raise ValueError(f"unknown return {kind!r}: ssda903, cin or annex-a")
    return [_from_problem(p) for p in result.problems]


def _from_problem(problem) -> Finding:
    number, message = _READER_AS_DFE.get(
        (problem.field, problem.rule), (problem.rule, problem.message)
    )
    return Finding(problem.file, str(problem.row), problem.field, number, message, ERROR)


def _validate_ssda903(path, la, year, previous, today, pseudonymiser) -> list[Finding]:
    from .ssda903 import read_ssda903

    result = read_ssda903(
        path,
        pseudonymiser=pseudonymiser,
        skip_invalid=True,
        today=today,
        year=year,
        row_labels=True,
    )
    findings = [_from_problem(p) for p in result.problems]
    if not result.ok or "episodes" not in result.tables:
        return findings
    last = None
    if previous is not None:
        last = read_ssda903(
            previous,
            pseudonymiser=pseudonymiser,
            skip_invalid=True,
            today=today,
            year=year - 1 if year else None,
            row_labels=True,
        )
        findings += [
            Finding(f.file, f.row, f.field, f.rule, f.message, WARNING)
            for f in (_from_problem(p) for p in last.problems)
        ]
    found = run_rules(result.tables, last.tables if last and last.ok else None, year)
    if any(s.table == "episodes" for s in result.skipped_rows):
        # A child whose only episode row was unusable would look absent from the episodes:
        # the header check waits until every episode row can be read.
        found = [f for f in found if f.rule != "HEADER-EPISODES"]
    return findings + found


def run_rules(tables: dict, last_tables: dict | None, year: int | None) -> list[Finding]:
    """Run :data:`SSDA903_RULES` over read tables (with ``_ROW`` / ``_FILE`` columns)."""
    import duckdb

    episodes = tables["episodes"]
    if year is None:
        years = [y for y in episodes.column("YEAR").to_pylist() if y is not None]
        year = max(years) if years else date.today().year
    con = duckdb.connect(":memory:")
    try:
        available = _prepare(con, tables, last_tables, int(year))
        findings = []
        for rule in SSDA903_RULES:
            if not all(name in available for name in rule.needs):
                continue
            for file, row in con.execute(f"SELECT DISTINCT * FROM ({rule.sql}) r").fetchall():
                findings.append(Finding(file, row, rule.field, rule.number, rule.message,
                                        rule.severity))  # fmt: skip
        return sorted(findings, key=lambda f: (f.file, _row_key(f.row), f.rule))
    finally:
        con.close()


def _row_key(row: str):
    return (0, int(row), "") if row.isdigit() else (1, 0, row)


def _prepare(con, tables: dict, last_tables: dict | None, year: int) -> set[str]:
    """Register the tables the rules query; return their names."""
    end = f"DATE '{year}-03-31'"
    start = f"DATE '{year - 1}-04-01'"
    con.register("_episodes", tables["episodes"])
    con.execute(f"""
        CREATE TEMP TABLE e AS
        SELECT *, lag(dec) OVER w AS prev_dec, lag(place) OVER w AS prev_place,
               lag(reason_place_change) OVER w AS prev_reason_place_change,
               lead(decom) OVER w AS next_decom, lead(rne) OVER w AS next_rne,
               lead(place) OVER w AS next_place,
               row_number() OVER w > 1 AS has_prev,
               row_number() OVER w < count(*) OVER (PARTITION BY child) AS has_next,
               row_number() OVER w = 1 AS first_in_return,
               (decom <= {end} AND (dec IS NULL OR dec > {end})
                AND coalesce(ls NOT IN ('V3', 'V4'), true)) AS is_current
        FROM (SELECT "CHILD" AS child, "DECOM" AS decom, "DEC" AS dec, "RNE" AS rne,
                     "LS" AS ls, "CIN" AS cin, "PLACE" AS place, "REC" AS rec,
                     "REASON_PLACE_CHANGE" AS reason_place_change, "URN" AS urn,
                     _FILE, _ROW FROM _episodes) x
        WINDOW w AS (PARTITION BY child ORDER BY decom)
    """)  # fmt: skip
    available = {"e"}
    # Children looked after continuously for 12 months at 31 March: open at the end of the
    # year (not V3/V4) in a chain of episodes with no gap that began by 1 April (the same
    # reading as the health and dental indicators).
    con.execute(f"""
        CREATE TEMP TABLE cohort12 AS
        WITH periods AS (
            SELECT *, sum(CASE WHEN rne = 'S' OR (has_prev AND prev_dec IS NOT NULL
                                                  AND decom > prev_dec) THEN 1 ELSE 0 END)
                      OVER (PARTITION BY child ORDER BY decom ROWS UNBOUNDED PRECEDING) AS p
            FROM e
        ),
        starts AS (SELECT child, p, min(decom) AS began FROM periods GROUP BY ALL)
        SELECT DISTINCT periods.child FROM periods JOIN starts USING (child, p)
        WHERE periods.is_current AND starts.began <= {start}
    """)  # fmt: skip
    if "header" in tables:
        con.register("_header", tables["header"])
        con.execute('CREATE TEMP TABLE header AS SELECT "CHILD" AS child, _FILE, _ROW FROM _header')
        available.add("header")
    if "oc2" in tables:
        con.register("_oc2", tables["oc2"])
        con.execute("""
            CREATE TEMP TABLE oc2 AS SELECT "CHILD" AS child, "CONVICTED" AS convicted,
                "HEALTH_CHECK" AS health_check, "IMMUNISATIONS" AS immunisations,
                "TEETH_CHECK" AS teeth_check, "HEALTH_ASSESSMENT" AS health_assessment,
                "SUBSTANCE_MISUSE" AS substance_misuse, _FILE, _ROW FROM _oc2
        """)  # fmt: skip
        available.add("oc2")
    if "oc3" in tables:
        con.register("_oc3", tables["oc3"])
        age = (
            f'(year({end}) - year("DOB") - CASE WHEN month({end}) * 100 + day({end}) '
            f'< month("DOB") * 100 + day("DOB") THEN 1 ELSE 0 END)'
        )
        con.execute(
            f'CREATE TEMP TABLE oc3 AS SELECT "CHILD" AS child, {age} AS age_at_end, '
            "_FILE, _ROW FROM _oc3"
        )
        available.add("oc3")
    if last_tables and "episodes" in last_tables:
        con.register("_last", last_tables["episodes"])
        con.execute("""
            CREATE TEMP TABLE last_e AS SELECT "CHILD" AS child, "DECOM" AS decom, "DEC" AS dec,
                "RNE" AS rne, "LS" AS ls, "CIN" AS cin, "PLACE" AS place, "URN" AS urn,
                _FILE, _ROW FROM _last
        """)  # fmt: skip
        con.execute("""
            CREATE TEMP TABLE last_open AS SELECT * FROM last_e WHERE dec IS NULL
            QUALIFY row_number() OVER (PARTITION BY child ORDER BY decom DESC) = 1
        """)  # fmt: skip
        available.add("last_e")
    return available
