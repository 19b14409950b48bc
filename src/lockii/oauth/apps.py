from django.apps import AppConfig


class OAuthConfig(AppConfig):
    """Login with Lockii: DOT's swapped models, our validator, metadata and the bearer resolver."""

    name = "lockii.oauth"
    label = "oauth"
    verbose_name = "Login with Lockii"

    def ready(self):
        from lockii.identity.accounts import user_disabled
        from lockii.identity.credentials import set_bearer_resolver
        from lockii.oauth.bearer import resolve_bearer

        set_bearer_resolver(resolve_bearer)
        user_disabled.connect(_end_oauth_access, dispatch_uid="lockii.oauth.end_access_on_disable")


def _end_oauth_access(sender, user, **kwargs):
    from lockii.oauth.apps_service import end_access

    end_access(user)
