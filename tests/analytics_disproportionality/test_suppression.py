def test_a_small_population_cannot_be_worked_out_from_the_total():
    """Populations 3, 40 and 60 (total 103, shown): 3 is small, so the next smallest (40) is
    hidden too, otherwise 103 - 40 - 60 = 3 would give it away; 60 stays."""
    from cyplan.analytics import disproportionality as dp

    result = dp.analyse({"0-4": 6, "5-9": 10, "10-15": 20}, {"0-4": 3, "5-9": 40, "10-15": 60},
                        characteristic="age")  # fmt: skip
    hidden = {g.key: g.population_suppressed for g in result.groups}
    assert hidden == {"0-4": True, "5-9": True, "10-15": False}
    assert result.total.population == 103 and not result.total.population_suppressed
