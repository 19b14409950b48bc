"""Forms of the settings pages. They check shape; the service functions check the rules."""

from __future__ import annotations

from django import forms

from lockii.catalogue.models import Location
from lockii.identity.principal import Principal
from lockii.identity.scoping import scoped
from lockii.identity.accounts import MIN_PASSWORD_LENGTH
from lockii.identity.team import ALL, grantable_roles
from lockii.web.submit_once import SubmitOnceForm


class ApiKeyForm(SubmitOnceForm):
    name = forms.CharField(max_length=100, help_text="Something to recognise it by, such as “Zapier”.",
                           widget=forms.TextInput(attrs={"placeholder": "Zapier", "autocomplete": "off"}))


class AccessFields(forms.Form):
    """Role and location access, offered only as far as the signed-in user may grant them."""

    role = forms.ChoiceField()
    access = forms.ChoiceField(widget=forms.RadioSelect, initial="all")
    locations = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, principal: Principal, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, r.title()) for r in grantable_roles(principal)]
        self.fields["role"].initial = "staff"  # the least surprising default, not the highest role
        visible = scoped(principal, Location).filter(archived=False).order_by("name")
        self.fields["locations"].choices = [(loc.id, loc.name) for loc in visible]
        # A user limited to some locations cannot hand out "all locations".
        access = [("some", "Only these locations")]
        if principal.location_ids is None:
            access.insert(0, ("all", "All locations, including future ones"))
        self.fields["access"].choices = access
        self.fields["access"].initial = access[0][0]

    def clean(self):
        data = super().clean()
        if data.get("access") == "some" and not data.get("locations"):
            self.add_error("locations", "Choose at least one location, or all locations.")
        return data

    def location_ids(self):
        """ALL or the chosen ids, in the form the team service expects."""
        return ALL if self.cleaned_data["access"] == "all" else list(self.cleaned_data["locations"])


class AddUserForm(AccessFields):
    field_order = ["email", "name", "role", "access", "locations", "password"]

    email = forms.EmailField(max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    name = forms.CharField(max_length=200, required=False)
    password = forms.CharField(min_length=MIN_PASSWORD_LENGTH, max_length=1024,
                               help_text=f"{MIN_PASSWORD_LENGTH} characters or more; share it privately.",
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class EditUserForm(AccessFields):
    field_order = ["name", "role", "access", "locations"]

    name = forms.CharField(max_length=200, required=False)

    @classmethod
    def for_user(cls, principal: Principal, user, data=None) -> "EditUserForm":
        initial = {"name": user.name, "role": user.role,
                   "access": "all" if user.location_ids is None else "some",
                   "locations": user.location_ids or []}
        return cls(principal, data=data, initial=initial)


class OAuthAppForm(forms.Form):
    """A pre-registered OAuth client. Redirect URIs one per line; the OAuth service checks each."""

    name = forms.CharField(max_length=120, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    redirect_uris = forms.CharField(
        label="Redirect URIs", max_length=20 * 2100, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line: https URLs, or http://127.0.0.1 / http://localhost for apps on the user's "
                  "computer (any port is accepted there).")

    def uri_list(self) -> list[str]:
        # One per line, as the form says; a line with a space in it is one (refused) URI, not several.
        return [line.strip() for line in self.cleaned_data["redirect_uris"].splitlines() if line.strip()]


class NewOAuthAppForm(OAuthAppForm, SubmitOnceForm):
    client_type = forms.ChoiceField(label="Client type", widget=forms.RadioSelect, initial="confidential", choices=[
        ("confidential", "Confidential: a server that can keep a client secret"),
        ("public", "Public: a browser, mobile or desktop app (PKCE only, no secret)"),
    ])
