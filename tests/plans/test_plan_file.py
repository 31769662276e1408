"""Checking plan files: every problem is found, with the line and column it is on."""

from textwrap import dedent

from cyplan.plans.plan_file import check_plan_text

GOOD = dedent(
    """\
    format: cyplan-plan/1
    plan:
      slug: test-plan
      title: Test plan
      area: {name: Testshire, code: E06000099}
      period: {start: 2025-04-01, end: 2028-03-31}
    organisations:
      - {id: council, name: Testshire Council, type: local authority}
    boards:
      - {id: ceb, name: Children's Executive Board, members: [council], monitors: [plan]}
    nodes:
      - id: p1
        kind: priority
        title: Early help
      - id: p1-c1
        parent: p1
        kind: commitment
        title: Help families early
      - id: p1-c1-a
        parent: p1-c1
        kind: action
        title: Run parenting courses
        measures: [Number of courses]
        target_date_text: April 2026 (AP)
        leads: [{role: Head of Early Help, organisation: council}]
    """
)


def problems(text):
    result = check_plan_text(text, "plan.yaml")
    return [(p.line, p.field, p.message) for p in result.problems]


def test_good_file_has_no_problems():
    """The reference file above is valid."""
    result = check_plan_text(GOOD, "plan.yaml")
    assert result.problems == []
    assert [n["id"] for n in result.data["nodes"]] == ["p1", "p1-c1", "p1-c1-a"]


def test_bad_yaml_names_the_line():
    """A YAML syntax error is reported at the line where the parser met it."""
    text = GOOD.replace("title: Help families early", "title: [Help families early")
    found = problems(text)
    assert len(found) == 1
    line, field, message = found[0]
    assert "not valid YAML" in message
    # The unclosed bracket opens on line 18; the parser notices at or after it.
    assert line is not None and line >= 18


def test_missing_title_names_the_node():
    """A node with no title is reported on that node's line."""
    text = GOOD.replace("    title: Run parenting courses\n", "")
    assert problems(text) == [(19, "nodes[2]", "'title' is required here")]


def test_missing_plan_title_is_reported():
    """The plan's own title is required."""
    text = GOOD.replace("  title: Test plan\n", "")
    assert problems(text) == [(3, "plan", "'title' is required here")]


def test_unknown_parent_is_reported_on_its_line():
    """A parent that is not a node of the plan is named, on the parent line."""
    text = GOOD.replace("parent: p1-c1\n", "parent: p9-c9\n")
    assert problems(text) == [
        (20, "nodes[2].parent", "the parent 'p9-c9' is not a node of this plan")
    ]


def test_parent_after_child_is_reported():
    """Parents must come before their children (document order)."""
    text = GOOD.replace("  - id: p1\n    kind: priority\n    title: Early help\n", "") + (
        "  - id: p1\n    kind: priority\n    title: Early help\n"
    )
    found = problems(text)
    assert (
        13,
        "nodes[0].parent",
        "the parent 'p1' must come before its children in the list",
    ) in found


def test_duplicate_id_is_reported():
    """Two nodes with one id: the second is reported."""
    text = GOOD.replace("id: p1-c1-a", "id: p1-c1")
    assert problems(text) == [(19, "nodes[2].id", "the id 'p1-c1' is used twice in nodes")]


def test_date_that_is_not_a_date_is_reported():
    """A target date wording with no date in it, and an impossible ISO date."""
    text = GOOD.replace("April 2026 (AP)", "Ongoing")
    [(line, field, message)] = problems(text)
    assert (line, field) == (24, "nodes[2].target_date_text")
    assert "'Ongoing' is not a date" in message

    text = GOOD.replace("start: 2025-04-01", "start: 2025-02-30")
    assert problems(text) == [
        (6, "plan.period.start", "'2025-02-30' is not a date: write it as YYYY-MM-DD")
    ]


def test_every_problem_is_reported_at_once():
    """Several mistakes give several problems, not just the first."""
    text = (
        GOOD.replace("parent: p1-c1\n", "parent: nowhere\n")
        .replace("organisation: council", "organisation: police")
        .replace("members: [council]", "members: [council, nhs]")
    )
    fields = sorted(field for _, field, _ in problems(text))
    assert fields == ["boards[0].members[1]", "nodes[2].leads[0].organisation", "nodes[2].parent"]


def test_kinds_may_not_nest_upside_down():
    """A priority cannot sit under an action."""
    text = GOOD + "  - {id: p2, parent: p1-c1-a, kind: priority, title: Wrong way round}\n"
    assert problems(text) == [
        (26, "nodes[3].kind", "a priority cannot sit under an action ('p1-c1-a')")
    ]


def test_unknown_field_and_bad_id_are_reported():
    """Fields outside the format, and ids with capitals or spaces, are refused."""
    text = GOOD.replace("kind: commitment\n", "kind: commitment\n    colour: red\n").replace(
        "id: p1-c1-a", "id: P1 C1 A"
    )
    found = problems(text)
    assert any(f == "nodes[1]" and "colour" in m for _, f, m in found)
    assert any(f == "nodes[3].id" or f == "nodes[2].id" for _, f, _ in found)


def test_duplicate_mapping_key_is_an_error():
    """YAML would silently keep the last of two equal keys; we refuse them."""
    text = GOOD.replace("    title: Early help\n", "    title: Early help\n    title: Again\n")
    [(line, _, message)] = problems(text)
    assert line == 15 and "appears twice" in message


def test_empty_file_and_non_mapping():
    """An empty file and a file that is a list are clear errors, not crashes."""
    assert problems("") == [(1, "", "the file is empty")]
    assert "mapping" in problems("- a\n- b\n")[0][2]
