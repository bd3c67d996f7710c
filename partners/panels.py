"""The partners panel on the coordinator's case page (registered with cases.panels)."""

from cases import panels
from cases.constants import CaseStatus
from cases.models import Case

from . import selectors
from .forms import (
    AccompanimentForm,
    CaseJointVisitForm,
    DisclosureConsentForm,
    PreTrajectoryStartForm,
    ReviewDateForm,
    TimeIsRightForm,
    TrajectoryOrganisationForm,
)


@panels.register(name="partners", slot="work", template="partners/_case_panel.html")
def case_panel(request, case: Case) -> dict:
    """Work with partner organisations on this case: the records and their empty forms."""
    organisations = selectors.organisations_for_linking(case)
    parties = list(case.parties.all())
    panel = selectors.collaborations_for_case(case)
    choices = {"organisations": organisations, "parties": parties}
    trajectory = panel["trajectory"]
    panel["forms"] = {
        "consent": DisclosureConsentForm(prefix="consent", **choices),
        "joint_visit": CaseJointVisitForm(prefix="visit", **choices),
    }
    if case.is_open:
        panel["forms"]["accompaniment"] = AccompanimentForm(prefix="accompaniment", **choices)
    if trajectory is None:
        if case.is_open:
            panel["forms"]["trajectory"] = PreTrajectoryStartForm(prefix="trajectory", **choices)
    else:
        panel["forms"]["review"] = ReviewDateForm(prefix="review", initial={"review_on": trajectory.review_on})
        panel["forms"]["add_organisation"] = TrajectoryOrganisationForm(prefix="trajectory-org", **choices)
        panel["forms"]["time_is_right"] = TimeIsRightForm(prefix="moment")
    panel["time_is_right_possible"] = case.status == CaseStatus.STANDBY
    return panel
