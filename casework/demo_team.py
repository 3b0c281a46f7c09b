"""The demo's teams around the child (DESIGN §10): who works with Amelia, Noah and Poppy, the
families' consents, the advice asked of the demo professionals, and a few case notes.

`senco@example.org` is Amelia's SENCO and the convener of her review; `health@example.org` is a
community paediatrician asked for advice on Poppy, who is being assessed. Poppy's family has not
recorded consent for health: the paediatrician sees her through the statutory advice request
alone (reg 6(1) SEND Regs 2014), which is the exception DESIGN §3 makes.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.demo import VOLUNTARY_BODY
from accounts.models import Organisation, User
from casework.models import Child, EHCPlan
from casework.services.advice import advice_request, advice_submit
from casework.services.documents import document_add
from casework.services.notes import case_note_add
from casework.services.team import consent_record, team_member_add
from workflows import clock

SENCO = "senco@example.org"
PAEDIATRICIAN = "health@example.org"

SENCO_ADVICE = (
    "Amelia is happiest with a visual timetable and a quiet place to go when the classroom is "
    "loud. She is working towards age-related expectations in reading; writing is harder. She "
    "needs an adult to help her start tasks and to join in at playtime."
)

SENCO_REPORT = (
    b"Rochester Riverside Primary School: educational advice for Amelia Collins\n\n"
    b"Attendance 96%. Reading: working towards the expected standard. Writing: below.\n"
    b"What helps: a visual timetable, a quiet space, an adult to help her start tasks.\n"
    b"What we ask for: daily small-group support and speech and language therapy.\n"
)
FAMILY_VIEWS = (
    b"All about me, by Amelia (with Mum)\n\n"
    b"I like swimming, music and my cat. I find loud rooms hard. I want a friend to play with.\n"
    b"Mum says: please tell everyone once, so that we do not have to tell it again.\n"
)

# (days ago, kind, who was present, what happened)
AMELIA_NOTES = [
    (
        40,
        "phone_call",
        "Sarah Collins (mum)",
        "Mum rang about the assessment: she asked that the "
        "school and the paediatrician share what they already know, so she is not asked again.",
    ),
    (
        26,
        "visit",
        "Sarah Collins, Amelia",
        "Home visit. Amelia showed her sensory box; mum says "
        "evenings are hardest. Discussed short breaks at weekends.",
    ),
    (
        12,
        "meeting",
        "Sarah Collins, Rachel Turner (SENCO), Priya Shah",
        "Team around the child meeting at school. Agreed the SENCO will convene the review once "
        "the plan is final, and Priya stays key worker.",
    ),
]


def _ago(days: int) -> dt.date:
    return clock.today() - dt.timedelta(days=days)


def advice_while_assessing(
    child: Child, plan: EHCPlan, *, worker: User, agreed_days_ago: int
) -> None:
    """Advice asked for while the plan is being assessed: Amelia's school answered in time;
    Poppy's paediatrician has been asked and has not answered yet."""
    if child.given_name == "Amelia":
        request = advice_request(
            by=worker,
            plan=plan,
            kind="educational",
            requested_on=_ago(agreed_days_ago - 2),
            adviser=User.objects.get(email=SENCO),
        )
        advice_submit(by=worker, request=request, advice=SENCO_ADVICE, received_on=_ago(30))
        document_add(
            by=request.adviser,
            child=child,
            upload=SimpleUploadedFile("Educational advice for Amelia.txt", SENCO_REPORT),
            kind="advice",
            visibility="team",
            title="Educational advice for Amelia (school report)",
            advice_request=request,
            plan=plan,
        )
    elif child.given_name == "Poppy":
        advice_request(
            by=worker,
            plan=plan,
            kind="medical",
            requested_on=_ago(agreed_days_ago - 2),
            adviser=User.objects.get(email=PAEDIATRICIAN),
        )


def _consents(child: Child, agencies: tuple[str, ...], *, days_ago: int, by: User) -> None:
    for agency in agencies:
        consent_record(
            by=by, child=child, agency=agency, given=True, on=_ago(days_ago), given_by="parent"
        )


def team_around(child: Child, *, worker: User) -> None:
    """The team, consents and notes of the children the demo professionals work with."""
    if child.given_name == "Amelia":
        _consents(child, ("education", "health", "social_care"), days_ago=100, by=worker)
        team_member_add(
            by=worker,
            child=child,
            part="key_worker",
            starts_on=_ago(100),
            name=worker.full_name,
            profession="social_worker",
            email=worker.email,
            phone="01634 331234",
        )
        team_member_add(
            by=worker,
            child=child,
            part="review_convener",
            starts_on=_ago(90),
            user=User.objects.get(email=SENCO),
            phone="01634 812345",
        )
        team_member_add(
            by=worker,
            child=child,
            part="adviser",
            starts_on=_ago(60),
            name="Laura Mensah",
            profession="therapist",
            email="laura.mensah@example.nhs.uk",
        )
        team_member_add(
            by=worker,
            child=child,
            part="provider",
            starts_on=_ago(30),
            name="Kim Ellis",
            organisation=Organisation.objects.get(name=VOLUNTARY_BODY),
            profession="other",
            phone="01634 400400",
        )
        parent = child.family_members.filter(user__isnull=False).first()
        if parent is not None and parent.user is not None:
            document_add(
                by=parent.user,
                child=child,
                upload=SimpleUploadedFile("All about me.txt", FAMILY_VIEWS),
                kind="views",
                visibility="family",
                title="All about me: Amelia's and her family's views (section A)",
            )
        for days_ago, kind, present, text in AMELIA_NOTES:
            case_note_add(
                by=worker,
                child=child,
                kind=kind,
                on=_ago(days_ago),
                present=present,
                text=text,
                # the family was at the meeting: its note is theirs to read too
                visibility="family" if kind == "meeting" else "team",
            )
    elif child.given_name == "Noah":
        _consents(child, ("education", "health", "social_care"), days_ago=200, by=worker)
        team_member_add(
            by=worker,
            child=child,
            part="key_worker",
            starts_on=_ago(200),
            name="Tom Okafor",
            profession="social_worker",
            email="practitioner2@example.org",
            phone="01634 331235",
        )
    elif child.given_name == "Poppy":
        _consents(child, ("education",), days_ago=90, by=worker)
        team_member_add(
            by=worker,
            child=child,
            part="adviser",
            starts_on=_ago(8),
            user=User.objects.get(email=PAEDIATRICIAN),
        )
