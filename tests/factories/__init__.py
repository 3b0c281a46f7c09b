"""Test factories, one module per app; import them from here: `from tests.factories import X`.

Two kinds, and each factory's docstring (or its module's) says which it is:
- rows: the record written as it is (`CaseFactory(status=…)`, `PersonalBudgetFactory`,
  `SessionFactory`…), as a data migration would. No engine runs: no audit row, deadline, ledger
  entry or notification comes with it. For tests of readers (reports, lists, the database's own
  rules) and of a machine's steps from every state.
- states (`ThroughServices`): `ActiveBudgetFactory`, `ApprovedPackageFactory`,
  `BookedSessionFactory`, `DraftPlanFactory`, `AssessingCaseFactory`… reach their state the way
  the product does, through the services and `workflows.transition`, so what goes with the
  state exists. `build` is refused for them.

Faker writes British names, addresses and phone numbers (`en_GB`); `tests/conftest.py` seeds it
from each test's id, so a test gets the same people on every run, alone or in any order.
"""

from tests.factories.accounts import TeamFactory, TeamMembershipFactory, UserFactory, staff
from tests.factories.base import ThroughServices
from tests.factories.budgets import (
    ActiveBudgetFactory,
    AllocationSchemeFactory,
    EndedBudgetFactory,
    IndicativeBudgetFactory,
    LedgerEntryFactory,
    PersonalBudgetFactory,
    RequestedBudgetFactory,
    SchemeDomainFactory,
    SubmittedBudgetFactory,
    SuspendedBudgetFactory,
)
from tests.factories.casework import (
    AccessLogFactory,
    AssessingCaseFactory,
    AssessingPlanFactory,
    AssessmentFactory,
    CaseFactory,
    ChildFactory,
    DraftPlanFactory,
    FamilyMemberFactory,
    FinalPlanFactory,
    PlanFactory,
    ReceivedReferralFactory,
    ReferralFactory,
    ReferredCaseFactory,
    RequestedPlanFactory,
    ReviewFactory,
)
from tests.factories.commissioning import (
    ActionFactory,
    ActionStepFactory,
    ComparatorFactory,
    FeedbackFactory,
    ImplementationPlanFactory,
    MeasureFactory,
    OutcomeFactory,
    ProgressNoteFactory,
    TargetFactory,
    ThemeFactory,
)
from tests.factories.shortbreaks import (
    ActivePackageFactory,
    ApprovedPackageFactory,
    BookedSessionFactory,
    CancelledSessionFactory,
    DeclinedPackageFactory,
    DeliveredSessionFactory,
    EndedPackageFactory,
    NoShowSessionFactory,
    PackageFactory,
    ProviderFactory,
    RequestedPackageFactory,
    ServiceFactory,
    SessionFactory,
)
from tests.factories.workflows import (
    BatchFailureFactory,
    DeadlineFactory,
    IdempotencyKeyFactory,
    NotificationFactory,
    ReminderFactory,
    TransitionLogFactory,
)

__all__ = [
    "AccessLogFactory",
    "ActionFactory",
    "ActionStepFactory",
    "ActiveBudgetFactory",
    "ActivePackageFactory",
    "AllocationSchemeFactory",
    "ApprovedPackageFactory",
    "AssessingCaseFactory",
    "AssessingPlanFactory",
    "AssessmentFactory",
    "BatchFailureFactory",
    "BookedSessionFactory",
    "CancelledSessionFactory",
    "CaseFactory",
    "ChildFactory",
    "ComparatorFactory",
    "DeadlineFactory",
    "DeclinedPackageFactory",
    "DeliveredSessionFactory",
    "DraftPlanFactory",
    "EndedBudgetFactory",
    "EndedPackageFactory",
    "FamilyMemberFactory",
    "FeedbackFactory",
    "FinalPlanFactory",
    "IdempotencyKeyFactory",
    "ImplementationPlanFactory",
    "IndicativeBudgetFactory",
    "LedgerEntryFactory",
    "MeasureFactory",
    "NoShowSessionFactory",
    "NotificationFactory",
    "OutcomeFactory",
    "PackageFactory",
    "PersonalBudgetFactory",
    "PlanFactory",
    "ProgressNoteFactory",
    "ProviderFactory",
    "ReceivedReferralFactory",
    "ReferralFactory",
    "ReferredCaseFactory",
    "ReminderFactory",
    "RequestedBudgetFactory",
    "RequestedPackageFactory",
    "RequestedPlanFactory",
    "ReviewFactory",
    "SchemeDomainFactory",
    "ServiceFactory",
    "SessionFactory",
    "SubmittedBudgetFactory",
    "SuspendedBudgetFactory",
    "TargetFactory",
    "TeamFactory",
    "TeamMembershipFactory",
    "ThemeFactory",
    "ThroughServices",
    "TransitionLogFactory",
    "UserFactory",
    "staff",
]
