from django.urls import path

from lockii.web import assets, integrations_views, oauth_app_views, team_views, views

urlpatterns = [
    path("login", views.login_view, name="login"),
    path("logout", views.logout_view, name="logout"),
    path("", views.home, name="home"),
    path("assets/lockii.<str:version>.css", assets.stylesheet, name="stylesheet"),
    # Settings → Integrations → API
    path("settings/integrations", integrations_views.integrations, name="integrations"),
    path("settings/integrations/api-keys", integrations_views.create_api_key, name="apikey-create"),
    path("settings/integrations/api-keys/<str:key_id>/revoke", integrations_views.revoke_api_key,
         name="apikey-revoke"),
    path("settings/integrations/oauth-apps/new", oauth_app_views.new_app, name="oauth-app-new"),
    path("settings/integrations/oauth-apps/<str:app_id>", oauth_app_views.app_detail, name="oauth-app"),
    path("settings/integrations/oauth-apps/<str:app_id>/rotate-secret", oauth_app_views.rotate_secret,
         name="oauth-app-rotate"),
    path("settings/integrations/oauth-apps/<str:app_id>/delete", oauth_app_views.delete_app,
         name="oauth-app-delete"),
    path("settings/integrations/connected-apps/<str:client_id>/disconnect", oauth_app_views.disconnect,
         name="grant-revoke"),
    # Settings → Team
    path("settings/team", team_views.team_list, name="team"),
    path("settings/team/add", team_views.team_add, name="team-add"),
    path("settings/team/<str:user_id>", team_views.team_user, name="team-user"),
    path("settings/team/<str:user_id>/disable", team_views.team_set_disabled, {"disabled": True},
         name="team-disable"),
    path("settings/team/<str:user_id>/enable", team_views.team_set_disabled, {"disabled": False},
         name="team-enable"),
]
