"""`make run` adds a generated Medway-sized team to the demo (`python -m bench.generate --demo`)
so the commissioner's report shows figures; running it again adds nothing, and the first team's
practitioners see none of it."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from pathlib import Path

from accounts.models import Team
from accounts.roles import Role
from bench.generate import DEMO_TEAM, SCALES, generate
from casework.models import Child
from casework.selectors import cases_visible_to, children_visible_to, plans_visible_to
from tests.bench.test_generate_entry_point import environment, run
from tests.factories.accounts import TeamFactory, staff
from tests.factories.casework import CaseFactory

ROOT = Path(__file__).resolve().parents[2]
ANCHOR = dt.date(2026, 11, 24)


def test_make_run_loads_the_generated_team_after_the_demo():
    recipe = (ROOT / "Makefile").read_text().split("\nrun: setup\n", 1)[1].split("\n\n", 1)[0]

    assert recipe.index("load_demo") < recipe.index("-m bench.generate --demo")


def test_the_demo_team_is_written_once_however_often_make_run_runs_it(tmp_path):
    database = tmp_path / "demo.sqlite3"
    env = environment(DATABASE_URL=f"sqlite:///{database}")
    migrated = run("manage.py", "migrate", "--noinput", "-v", "0", env=env)
    assert migrated.returncode == 0, migrated.stderr[-3000:]

    first = run("-m", "bench.generate", "--demo", "--seed", "1", "-v", "0", env=env)
    second = run("-m", "bench.generate", "--demo", "--seed", "1", "-v", "0", env=env)

    assert first.returncode == 0, first.stderr[-3000:]
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Nothing written" in second.stdout
    with sqlite3.connect(database) as connection:
        teams = connection.execute(
            "SELECT COUNT(*) FROM accounts_team WHERE name = ?", [DEMO_TEAM]
        ).fetchone()[0]
        children = connection.execute("SELECT COUNT(*) FROM casework_child").fetchone()[0]
        plans = connection.execute(
            "SELECT COUNT(*) FROM casework_ehcplan WHERE first_final_issued_on IS NOT NULL"
        ).fetchone()[0]
    assert teams == 1
    # Medway maintains about 3,000 EHC plans.
    assert children == SCALES["demo"][0]
    assert 2_500 < plans < 3_500


def test_the_first_teams_practitioners_see_none_of_the_generated_team(db):
    first_team = TeamFactory(name="Children with Disabilities Team")
    practitioner = staff(Role.PRACTITIONER, first_team)
    manager = staff(Role.TEAM_MANAGER, first_team)
    own = CaseFactory(child__team=first_team)

    generate("demo", seed=1, anchor=ANCHOR, quiet=True, out=io.StringIO(), team_name=DEMO_TEAM)

    generated = Team.objects.get(name=DEMO_TEAM)
    assert Child.objects.filter(team=generated).count() == SCALES["demo"][0]
    for user in (practitioner, manager):
        assert list(children_visible_to(user)) == [own.child]
        assert list(cases_visible_to(user)) == [own]
        assert not plans_visible_to(user).exclude(case=own).exists()
