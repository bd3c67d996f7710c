"""What reports does when a lower floor says something happened: a new service gets the standard letters."""

from buurtbemiddeling.signals import service_created


def set_up_letters(sender, service, **kwargs):
    from .services import letter_templates_set_up

    letter_templates_set_up(service=service)


service_created.connect(set_up_letters, dispatch_uid="reports.set_up_letters")
