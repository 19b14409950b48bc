"""Scopes: the settings list, narrowed to what a client registered (RFC 7591 ``scope``)."""

from __future__ import annotations

from oauth2_provider.scopes import SettingsScopes


class LockiiScopes(SettingsScopes):
    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        every = super().get_available_scopes()
        registered = (getattr(application, "scope", "") or "").split()
        return [s for s in every if s in registered] if registered else list(every)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        registered = (getattr(application, "scope", "") or "").split()
        if registered:
            return [s for s in super().get_available_scopes() if s in registered]
        return super().get_default_scopes()
