"""Wire models of the identity actions."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class NoInput(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CompanyOut(BaseModel):
    id: str
    name: str
    slug: str
    currency: str = Field(description="ISO 4217 code; all money is integer cents of it")
    timezone: str


class CallerOut(BaseModel):
    type: str = Field(description="user or apikey")
    id: str
    email: str | None = None
    name: str | None = None
    oauthClientId: str | None = Field(None, description="the OAuth client acting for the user, if any")


class CompanyInfoOut(BaseModel):
    company: CompanyOut
    caller: CallerOut
    role: str
    permissions: list[str]
    locations: list[str] | None = Field(description="location ids the caller is limited to; null means all")
