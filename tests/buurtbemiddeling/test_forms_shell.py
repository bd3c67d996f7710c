"""Every form page, sent wrong, and every page below the top level, as a user finds them (#20).

A form sent with errors opens with one error summary: a heading, the focus (autofocus, or the
script in static/js/forms.js where a field has autofocus), and a link per field error to an
element that is on the page. A page below the top level shows a breadcrumb trail with the page
itself marked current; a form that creates or changes something has "Annuleren" beside its
button, back to a page that opens.
"""

import datetime as dt
import re
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from django import forms
from django.template import Context, Template
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import DEMO_PASSWORD, UserFactory
from buurtbemiddeling.templatetags.page_shell import link_target
from cases.constants import CaseStatus, ConversationKind
from cases.services import case_transition, conversation_log
from organisations.factories import ContactPersonFactory

TODAY = timezone.localdate()


class Page(HTMLParser):
    """What a user (or a screen reader) finds on a page: ids, the error summary, the trail, the links."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.ids: list[str] = []
        self.summary: dict | None = None
        self.summaries = 0
        self.crumbs: list[dict] = []
        self.trails = 0
        self.links: list[dict] = []
        self._summary_depth = 0
        self._in_trail = False
        self._in_heading = False
        self._crumb = None
        self._link = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        classes = (attrs.get("class") or "").split()
        if self._summary_depth:
            if tag == "div":
                self._summary_depth += 1
            if tag == "h2":
                self._in_heading = True
        elif tag == "div" and "error-summary" in classes:
            self.summaries += 1
            self._summary_depth = 1
            self.summary = {"attrs": attrs, "heading": "", "links": []}
        if tag == "nav" and attrs.get("aria-label") == "Kruimelpad":
            self.trails += 1
            self._in_trail = True
        if self._in_trail and tag == "li":
            self._crumb = {"text": "", "href": None, "current": attrs.get("aria-current")}
        if tag == "a":
            self._link = {"href": attrs.get("href"), "text": "", "classes": classes}
            if self._crumb is not None:
                self._crumb["href"] = attrs.get("href")

    def handle_endtag(self, tag):
        if self._summary_depth:
            if tag == "div":
                self._summary_depth -= 1
            if tag == "h2":
                self._in_heading = False
        if tag == "nav":
            self._in_trail = False
        if tag == "li" and self._crumb is not None:
            self._crumb["text"] = " ".join(self._crumb["text"].split())
            self.crumbs.append(self._crumb)
            self._crumb = None
        if tag == "a" and self._link is not None:
            self._link["text"] = " ".join(self._link["text"].split())
            self.links.append(self._link)
            if self._summary_depth:
                self.summary["links"].append(self._link)
            self._link = None

    def handle_data(self, data):
        if self._in_heading:
            self.summary["heading"] += data
        if self._crumb is not None:
            self._crumb["text"] += data
        if self._link is not None:
            self._link["text"] += data

    def cancel_links(self) -> list[dict]:
        return [link for link in self.links if link["text"] == "Annuleren"]


def assert_error_summary(response) -> Page:
    """One summary with its heading, focused on load, each link to an element of the page."""
    assert response.status_code in (200, 400), response.status_code
    page = Page(response.text)
    assert page.summaries == 1, "one error summary on the page"
    summary = page.summary
    assert summary["heading"].strip() == "Er is iets niet goed ingevuld"
    assert summary["attrs"].get("tabindex") == "-1"
    assert summary["attrs"].get("role") == "alert"
    # Focused when the page opens: by the attribute, or by forms.js where a field has autofocus.
    field_autofocus = bool(re.search(r"<(input|select|textarea)[^>]* autofocus", response.text))
    assert ("autofocus" in summary["attrs"]) is not field_autofocus
    assert re.search(r'<script src="[^"]*/js/forms[.\w]*\.js"', response.text)
    for link in summary["links"]:
        assert link["href"].startswith("#") and len(link["href"]) > 1, link
        assert link["href"][1:] in page.ids, f"{link['text']!r} links to {link['href']}, which is not on the page"
    assert len(page.ids) == len(set(page.ids)), "ids are unique"
    return page


def assert_trail(page: Page, *labels: str) -> None:
    """The breadcrumb trail reads `labels`; each but the last is a link, the last is this page."""
    assert page.trails == 1
    assert [crumb["text"] for crumb in page.crumbs] == list(labels)
    *up, here = page.crumbs
    assert all(crumb["href"] and crumb["current"] is None for crumb in up)
    assert here["current"] == "page" and here["href"] is None


def assert_cancel_to(client, page: Page, url: str) -> None:
    """'Annuleren' beside the button, as a secondary button, to a page that opens."""
    cancel = page.cancel_links()
    assert cancel, "an Annuleren link"
    assert {link["href"] for link in cancel} == {url}
    assert all("btn-outline-secondary" in link["classes"] for link in cancel)
    resolve(urlparse(url).path)
    assert client.get(url, follow=True).status_code == 200


# --- The shared summary itself ------------------------------------------------------------------


class Choices(forms.Form):
    how = forms.ChoiceField(label="Hoe?", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    which = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
    name = forms.CharField(label="Naam")
    stamp = forms.CharField(widget=forms.HiddenInput)


def render_summary(source: str, **context) -> Page:
    return Page(Template("{% load page_shell %}" + source).render(Context(context)))


def test_a_list_of_options_is_reached_through_its_first_option_and_a_hidden_field_is_not_linked():
    form = Choices({}, prefix="ca")
    assert not form.is_valid()
    assert form["how"].id_for_label == ""  # Django's own: a link to it would go nowhere
    assert [link_target(form[name]) for name in ("how", "which", "name")] == [
        "id_ca-how_0",
        "id_ca-which_0",
        "id_ca-name",
    ]
    page = render_summary('{% error_summary form ca=_("Bewoner") %}', form=form)
    assert [(link["href"], link["text"]) for link in page.summary["links"]] == [
        ("#id_ca-how_0", "Bewoner – Hoe? Dit veld is verplicht."),
        ("#id_ca-which_0", "Bewoner – Which: Dit veld is verplicht."),
        ("#id_ca-name", "Bewoner – Naam: Dit veld is verplicht."),
    ]
    # The hidden field's error is listed, without a link to an input nobody can reach.
    assert "<li>Bewoner – Stamp: Dit veld is verplicht.</li>" in page.html


def test_no_summary_for_unsent_or_correct_forms_and_one_for_several_forms():
    empty, good, bad = Choices(), Choices({"how": "a", "which": ["a"], "name": "x", "stamp": "1"}), Choices({})
    assert render_summary("{% error_summary empty good %}", empty=empty, good=good).summaries == 0
    page = render_summary("{% error_summary empty rows missing %}", empty=empty, rows=[{"form": bad, "n": 1}])
    assert page.summaries == 1 and len(page.summary["links"]) == 3


def test_a_formset_is_summed_up_with_its_forms():
    class Names(forms.BaseFormSet):
        def clean(self):
            raise forms.ValidationError("Twee keer dezelfde naam.")

    formset = forms.formset_factory(Choices, formset=Names, extra=0)(
        {"n-TOTAL_FORMS": "1", "n-INITIAL_FORMS": "0", "n-0-name": "x"}, prefix="n"
    )
    page = render_summary('{% error_summary formset n=_("Buren") %}', formset=formset)
    assert "<li>Buren: Twee keer dezelfde naam.</li>" in page.html
    assert ("#id_n-0-how_0", "Buren – Hoe? Dit veld is verplicht.") in [
        (link["href"], link["text"]) for link in page.summary["links"]
    ]


# --- Case pages --------------------------------------------------------------------------------


def test_a_new_report_sent_empty(login, coordinator):
    client = login(coordinator)
    page = assert_error_summary(client.post(reverse("cases:create"), {}))
    texts = [link["text"] for link in page.summary["links"]]
    assert "Binnengekomen via: Dit veld is verplicht." in texts
    assert any(text.startswith("Melder – Naam:") for text in texts)
    assert "autofocus" in page.summary["attrs"]
    assert_trail(page, "Werkvoorraad", "Nieuwe melding")
    assert_cancel_to(client, page, reverse("cases:queue"))


@pytest.mark.parametrize("which", ["case", "party"])
def test_editing_the_case_or_a_party_sent_wrong(login, coordinator, case, which):
    client = login(coordinator)
    if which == "case":
        url, here = reverse("cases:edit", args=[case.reference]), "Gegevens van de zaak wijzigen"
        data = {"reported_on": "", "version": "x"}
    else:
        party = case.parties.first()
        url, here = reverse("cases:party_edit", args=[case.reference, party.pk]), "Partij A (melder) wijzigen"
        data = {"name": "", "email": "geen-adres", "version": "x"}
    page = assert_error_summary(client.post(url, data))
    assert page.summary["links"]
    assert_trail(page, "Zaken", case.reference, here)
    assert_cancel_to(client, page, case.get_absolute_url())


@pytest.fixture
def logged(assigned_case, mediator_user, mediator):
    return conversation_log(
        case=assigned_case,
        actor=mediator_user,
        kind=ConversationKind.INTAKE_A,
        held_on=TODAY - dt.timedelta(days=2),
        mediators=[mediator],
        parties=[assigned_case.parties.first()],
        report="Verslag",
    )


@pytest.mark.parametrize("who", ["coordinator", "mediator_user"])
def test_a_conversation_correction_sent_wrong(request, login, logged, who):
    client = login(request.getfixturevalue(who))
    case = logged.case
    url = reverse("cases:edit_conversation", args=[case.reference, logged.pk])
    page = assert_error_summary(client.post(url, {"kind": "", "held_on": "gisteren"}))
    assert {link["href"] for link in page.summary["links"]} >= {"#id_kind", "#id_held_on"}
    top = "Zaken" if who == "coordinator" else "Mijn zaken"
    assert_trail(page, top, case.reference, "Verslag corrigeren")
    assert_cancel_to(client, page, case.get_absolute_url())


def test_the_case_page_sums_up_the_errors_of_whichever_form_was_sent(login, coordinator, case, partner):
    client = login(coordinator)
    ref = case.reference
    sent = {
        "note": client.post(reverse("cases:add_note", args=[ref]), {"text": ""}),
        "party": client.post(reverse("cases:add_party", args=[ref]), {"new-side": "", "new-email": "x"}),
        "transition": client.post(
            reverse("cases:transition", args=[ref]),
            {"to_status": CaseStatus.UNSUITABLE, "expected_status": case.status, "reason": ""},
        ),
        # A partner panel's form, back through the request (cases.views.render_case_page).
        "consent": client.post(reverse("partners:consent_record", args=[ref]), {}),
    }
    for name, response in sent.items():
        page = assert_error_summary(response)
        assert page.summary["links"], name
        assert_trail(page, "Zaken", ref)
    # Each form in a panel that opens can be left again.
    assert {link["href"] for link in page.cancel_links()} == {case.get_absolute_url()}


def test_the_mediators_case_page_sums_up_a_conversation_sent_wrong(login, mediator_user, assigned_case):
    client = login(mediator_user)
    response = client.post(reverse("cases:log_conversation", args=[assigned_case.reference]), {"kind": ""})
    page = assert_error_summary(response)
    assert "#id_kind" in {link["href"] for link in page.summary["links"]}
    assert_trail(page, "Mijn zaken", assigned_case.reference)


def test_subject_access_sits_under_its_case_and_erasing_can_be_cancelled(login, coordinator, case):
    client = login(coordinator)
    case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator, expected_status=case.status)
    party = case.parties.first()
    page = Page(client.get(reverse("cases:subject_access", args=[case.reference, party.pk])).text)
    assert_trail(page, "Zaken", case.reference, "Inzage en wissen")


# --- Referrals ---------------------------------------------------------------------------------


def test_a_referral_sent_without_how_consent_was_given_links_to_the_radios(login, referrer):
    client = login(referrer)
    response = client.post(reverse("referrals:create"), {"resident": "yes", "neighbour": "yes"})
    page = assert_error_summary(response)
    how = {link["text"]: link["href"] for link in page.summary["links"] if "Hoe?" in link["text"]}
    assert how == {
        "Bewoner – Hoe? Dit veld is verplicht.": "#id_ca-method_0",
        "Buren – Hoe? Dit veld is verplicht.": "#id_cb-method_0",
    }
    assert_trail(page, "Mijn verwijzingen", "Nieuwe verwijzing")
    assert_cancel_to(client, page, reverse("referrals:list"))


def test_the_consent_question_answered_wrong(login, referrer):
    client = login(referrer)
    page = assert_error_summary(client.get(reverse("referrals:create"), {"resident": "misschien"}))
    assert page.summary["links"][0]["href"] == "#id_resident_0"
    assert_trail(page, "Mijn verwijzingen", "Nieuwe verwijzing")
    assert_cancel_to(client, page, reverse("referrals:list"))


def test_a_phoned_referral_sent_wrong_sits_under_the_new_report(login, coordinator, partner):
    client = login(coordinator)
    ContactPersonFactory(organisation=partner, name="Wijkagent Wim")
    page = assert_error_summary(client.post(reverse("referrals:register"), {"resident": "yes", "neighbour": "not_yet"}))
    assert any(link["href"] == "#id_contact_person" for link in page.summary["links"])
    assert_trail(page, "Werkvoorraad", "Nieuwe melding", "Nieuwe verwijzing")
    assert_cancel_to(client, page, reverse("cases:create"))


def test_the_referrers_other_pages_have_their_trail(login, referrer):
    client = login(referrer)
    not_yet = Page(client.get(reverse("referrals:create"), {"resident": "not_yet", "neighbour": "not_yet"}).text)
    assert_trail(not_yet, "Mijn verwijzingen", "Nieuwe verwijzing", "Eerst toestemming vragen")
    assert_trail(Page(client.get(reverse("referrals:advice")).text), "Mijn verwijzingen", "Briefje voor de bewoner")


# --- Partners ----------------------------------------------------------------------------------


def test_partner_forms_sent_wrong(login, coordinator, partner):
    client = login(coordinator)
    # (An empty POST is no form sent: Django's `request.POST or None`.)
    page = assert_error_summary(client.post(reverse("partners:create"), {"email": "geen-adres"}))
    assert_trail(page, "Partnerorganisaties", "Partnerorganisatie toevoegen")
    assert_cancel_to(client, page, reverse("partners:list"))

    page = assert_error_summary(client.post(reverse("partners:contact_add", args=[partner.pk]), {"email": "x"}))
    assert_trail(page, "Partnerorganisaties", partner.name, f"Contactpersoon toevoegen: {partner.name}")
    assert_cancel_to(client, page, partner.get_absolute_url())

    assert_trail(Page(client.get(partner.get_absolute_url()).text), "Partnerorganisaties", partner.name)


# --- The self-report ---------------------------------------------------------------------------


def test_the_self_report_steps_sent_wrong(client, service):
    start = reverse("selfreport:start")
    page = assert_error_summary(client.post(start, {}))
    assert [link["href"] for link in page.summary["links"]] == ["#id_talked_0", "#id_violence_0", "#id_legal_0"]
    # The same message three times: the question tells them apart.
    assert (
        page.summary["links"][0]["text"] == "Hebt u zelf al met uw buren gepraat over het probleem? Kies een antwoord."
    )
    assert page.cancel_links() == []  # the first questions store nothing

    client.post(start, {"talked": "yes", "violence": "no", "legal": "no"})
    page = assert_error_summary(client.post(reverse("selfreport:postcode"), {"postcode": "x"}))
    assert_cancel_to(client, page, start)

    client.post(start, {"talked": "yes", "violence": "no", "legal": "no"})
    client.post(reverse("selfreport:postcode"), {"postcode": "7511 AB"})
    page = assert_error_summary(client.post(reverse("selfreport:report"), {}))
    assert {"#id_name", "#id_consent"} <= {link["href"] for link in page.summary["links"]}
    assert_cancel_to(client, page, start)


# --- Account pages -----------------------------------------------------------------------------


def test_a_wrong_password_is_summed_up_and_the_login_has_no_trail_or_cancel(client, coordinator):
    response = client.post(reverse("login"), {"username": "coordinator", "password": "fout"})
    page = assert_error_summary(response)
    # The name field keeps Django's autofocus; the summary takes the focus by script instead.
    assert "autofocus" not in page.summary["attrs"]
    assert page.trails == 0 and page.cancel_links() == []
    assert response.text.count("Voer een juiste gebruikersnaam") == 1  # said once, in the summary


def test_password_change_and_reset_sent_wrong(client, login, coordinator):
    page = assert_error_summary(client.post(reverse("password_reset"), {"email": "geen-adres"}))
    assert_trail(page, "Inloggen", "Wachtwoord vergeten")
    assert_cancel_to(client, page, reverse("login"))

    client = login(coordinator)
    page = assert_error_summary(client.post(reverse("password_change"), {"old_password": "fout"}))
    assert "#id_new_password1" in {link["href"] for link in page.summary["links"]}
    assert_trail(page, "Werkvoorraad", "Wachtwoord wijzigen")
    assert_cancel_to(client, page, reverse("home"))


def test_two_factor_setup_can_be_left_only_when_it_is_not_the_way_in(login, coordinator, service):
    verified = login(coordinator)
    page = assert_error_summary(verified.post(reverse("two_factor_setup"), {"code": ""}))
    assert "#id_code" in {link["href"] for link in page.summary["links"]}
    assert_trail(page, "Werkvoorraad", "Tweestapsverificatie instellen")
    assert_cancel_to(verified, page, reverse("home"))

    # A new coordinator logging in for the first time: setting up is the way in.
    UserFactory(username="nieuw", service=service, role=Role.COORDINATOR)
    response = Client().post(reverse("login"), {"username": "nieuw", "password": DEMO_PASSWORD}, follow=True)
    assert response.request["PATH_INFO"] == reverse("two_factor_setup")
    page = Page(response.text)
    assert page.trails == 0 and page.cancel_links() == []


# --- Top-level pages have no trail ---------------------------------------------------------------


def test_top_level_pages_have_no_trail(client, login, coordinator, mediator_user, referrer, service):
    assert Page(client.get(reverse("selfreport:start")).text).trails == 0
    assert Page(client.get(reverse("login")).text).trails == 0
    staff = login(coordinator)
    for name in ("cases:queue", "cases:list", "partners:list"):
        assert Page(staff.get(reverse(name)).text).trails == 0, name
    assert Page(login(mediator_user).get(reverse("cases:my_cases")).text).trails == 0
    assert Page(login(referrer).get(reverse("referrals:list")).text).trails == 0
