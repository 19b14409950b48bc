"""Lockii: Login with Lockii, the REST API and the User MCP for unattended equipment hire."""
