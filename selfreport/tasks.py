"""The self-report's background task (buurtbemiddeling/background.py): the confirmation e-mail."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from buurtbemiddeling.background import background_task
from cases.models import Party


@background_task()
def send_report_confirmation(*, case_id: int, language: str) -> bool:
    """The resident's confirmation: reference, service and next steps; never the report's content.

    Reads the address when it runs: a resident erased in the meantime is not mailed.
    """
    reporter = (
        Party.objects.select_related("case__service").filter(case_id=case_id, is_reporter=True).order_by("pk").first()
    )
    if reporter is None or not reporter.email:
        return False
    case = reporter.case
    with translation.override(language):
        context = {"reference": case.reference, "service": case.service, "by_phone": bool(reporter.phone)}
        subject = _("Uw melding bij %(service)s: %(reference)s") % {
            "service": case.service.name,
            "reference": case.reference,
        }
        body = render_to_string("selfreport/email_confirmation.txt", context)
    send_mail(" ".join(subject.split()), body, None, [reporter.email])
    return True
