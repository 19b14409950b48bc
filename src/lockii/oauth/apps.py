from django.apps import AppConfig


class OAuthConfig(AppConfig):
    """Login with Lockii: DOT's swapped models, our validator, metadata and the bearer resolver."""

    name = "lockii.oauth"
    label = "oauth"
    verbose_name = "Login with Lockii"

    def ready(self):
        from lockii.identity.credentials import set_bearer_resolver
        from lockii.oauth.bearer import resolve_bearer

        set_bearer_resolver(resolve_bearer)
