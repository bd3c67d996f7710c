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
    # A form sent with an error comes back as it was typed (cases.views.render_case_page).
    bound = getattr(request, "bound_panel_forms", {})

    def form(form_class, prefix, **kwargs):
        return bound.get(prefix) or form_class(prefix=prefix, **kwargs)

    panel["forms"] = {
        "consent": form(DisclosureConsentForm, "consent", **choices),
        "joint_visit": form(CaseJointVisitForm, "visit", **choices),
    }
    if case.is_open:
        panel["forms"]["accompaniment"] = form(AccompanimentForm, "accompaniment", **choices)
    if trajectory is None:
        if case.is_open:
            panel["forms"]["trajectory"] = form(PreTrajectoryStartForm, "trajectory", **choices)
    else:
        panel["forms"]["review"] = form(ReviewDateForm, "review", initial={"review_on": trajectory.review_on})
        panel["forms"]["add_organisation"] = form(TrajectoryOrganisationForm, "trajectory-org", **choices)
        panel["forms"]["time_is_right"] = form(TimeIsRightForm, "moment")
    panel["time_is_right_possible"] = case.status == CaseStatus.STANDBY
    return panel
