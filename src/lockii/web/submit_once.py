"""Forms that reveal a new secret are acted on once per page load.

The page that shows a new API key or client secret is the answer to a POST (so the secret is
never stored). Reloading it would re-send the form and quietly create a second key. Each such form
carries a random token; once the session has used it, a re-sent form only gets a message.
"""

from __future__ import annotations

import secrets

from django import forms

SESSION_KEY = "spent_form_tokens"
KEEP = 20  # the most recent tokens are enough: a reload re-sends the latest one


class SubmitOnceForm(forms.Form):
    once = forms.CharField(widget=forms.HiddenInput, initial=lambda: secrets.token_urlsafe(16), max_length=64)


def already_used(request) -> bool:
    return request.POST.get("once", "") in request.session.get(SESSION_KEY, [])


def mark_used(request) -> None:
    spent = request.session.get(SESSION_KEY, [])
    request.session[SESSION_KEY] = [*spent, request.POST["once"]][-KEEP:]
